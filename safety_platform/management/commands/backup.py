"""Back up the database and the uploaded files into one archive (see safety_platform.backup)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from safety_platform.backup import BackupError, backup_create, backup_read_manifest, describe


class Command(BaseCommand):
    help = (
        "Write safety-platform-backup-<UTC time>.tar (database dump + MEDIA_ROOT + manifest with checksums) "
        "into --dir (default var/backups)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dir", default=str(settings.VAR_DIR / "backups"), help="where to write the archive")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            path = backup_create(directory=options["dir"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(describe(backup_read_manifest(path)))
        self.stdout.write(str(path))
