"""Restore a backup into an empty database and media directory, or release the outbound work a restore held."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safety_platform.backup import (
    DEFAULT_ID_GAP,
    BackupError,
    backup_read_manifest,
    backup_restore,
    describe,
    outbound_release,
)


class Command(BaseCommand):
    # The target database is empty until the restore: system checks that read it must not run first.
    requires_system_checks: list[str] = []
    help = (
        "restore ARCHIVE: restore into the (empty) database of DATABASE_URL and the (empty) MEDIA_ROOT; webhook "
        "deliveries pending in the backup are held. restore --release-outbound: send the held deliveries."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", nargs="?", help="a safety-platform-backup-*.tar written by manage.py backup")
        parser.add_argument(
            "--release-outbound",
            action="store_true",
            help="release the webhook deliveries held by an earlier restore (receivers deduplicate by event id)",
        )
        parser.add_argument(
            "--id-gap",
            type=int,
            default=DEFAULT_ID_GAP,
            help="move every id sequence forward by this much (more than the ids used after the backup)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["release_outbound"]:
            if options["archive"]:
                raise CommandError("Give either an archive to restore or --release-outbound, not both.")
            released = outbound_release()
            self.stdout.write("released: " + (", ".join(f"{k} {v}" for k, v in sorted(released.items())) or "none"))
            return
        if not options["archive"]:
            raise CommandError("Name the archive to restore (or give --release-outbound).")
        try:
            self.stdout.write(describe(backup_read_manifest(options["archive"])))
            report = backup_restore(archive=options["archive"], id_gap=options["id_gap"])
        except (BackupError, OSError, KeyError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        held = ", ".join(f"{k} {v}" for k, v in sorted(report.held.items())) or "none"
        self.stdout.write(
            f"restored {report.tables} tables, {report.rows} rows, {report.files} files; "
            f"ids moved forward by {report.id_gap}; held: {held}\n"
            "Check with the receiving departments, then: manage.py restore --release-outbound"
        )
