"""Backup and restore (`manage.py backup` / `manage.py restore`) on PostgreSQL, as an operator runs them.

Records, their audit trail and an uploaded photo are backed up; the archive is restored by a separate
`manage.py restore` process into a new, empty database (`sp_h3_restore`) and an empty media directory; the key
tables and the file bytes must come back the same. Webhook deliveries pending at backup time are held after the
restore (they may have been sent since), released only by `restore --release-outbound`, and ids move forward.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import Any

import psycopg2
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from credit.choices import DeliveryStatus, WebhookTopic
from credit.models import OutboxEvent, WebhookDelivery, WebhookSubscription
from hazards.models import Hazard, HazardAttachment, HazardTransition
from hazards.services import hazard_log
from safety_platform.models import Notification, TaskOutbox, User
from tests.clock import shanghai
from tests.hazards.factories import image_upload

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.clock(shanghai(2026, 12, 4, 10)),
]

# One restore database per xdist worker (plain "sp_h3_restore" in a single-process run).
RESTORE_DB = "sp_h3_restore" + os.environ.get("PYTEST_XDIST_WORKER", "")
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("backup and restore are tested on PostgreSQL (DATABASE_URL)")


def _server_args() -> list[str]:
    db = connection.settings_dict
    return ["--host", db["HOST"] or "127.0.0.1", "--port", str(db["PORT"] or 5432), "--username", db["USER"]]


def _dsn(name: str) -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


def _pg_env() -> dict[str, str]:
    env = {**os.environ}
    if connection.settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = connection.settings_dict["PASSWORD"]
    return env


@pytest.fixture
def restore_db() -> Any:
    """A new, empty database for the restore; dropped afterwards."""
    subprocess.run(["dropdb", "--if-exists", "--force", *_server_args(), RESTORE_DB], check=True, env=_pg_env())
    subprocess.run(["createdb", *_server_args(), RESTORE_DB], check=True, env=_pg_env())
    yield RESTORE_DB
    subprocess.run(["dropdb", "--if-exists", "--force", *_server_args(), RESTORE_DB], check=True, env=_pg_env())


def manage(*args: str, media: Path) -> subprocess.CompletedProcess[str]:
    """`manage.py …` in its own process against the restore database, as an operator would run it."""
    env = {
        **_pg_env(),
        "DJANGO_SETTINGS_MODULE": "safety_platform.settings.local",
        "DATABASE_URL": _dsn(RESTORE_DB),
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/3"),
        "DJANGO_MEDIA_ROOT": str(media),
        "DJANGO_DEBUG": "false",
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )


KEY_MODELS = [Hazard, HazardTransition, HazardAttachment, Notification, OutboxEvent, TaskOutbox, User]


def _fingerprints(cursor: Any, tables: list[str]) -> dict[str, tuple[int, str]]:
    """Rows and an MD5 over every row's full text, in id order, per table."""
    result = {}
    for table in tables:
        cursor.execute(f"SELECT COUNT(*), md5(COALESCE(string_agg(t::text, '|' ORDER BY t.id), '')) FROM \"{table}\" t")
        count, digest = cursor.fetchone()
        result[table] = (int(count), digest)
    return result


def test_a_backup_restored_into_an_empty_database_has_the_same_records_audit_trail_and_files_and_sends_nothing_twice(
    tmp_path: Path, users: dict[str, Any], xinluo_chem: Any, restore_db: str
) -> None:
    from auditlog.models import LogEntry

    # Records, their audit trail and an uploaded photo.
    hazard = hazard_log(
        actor=users["inspector"],
        enterprise=xinluo_chem,
        title="储罐区法兰泄漏",
        description="1号罐出口法兰处有明显泄漏痕迹",
        photos=[image_upload()],
    )
    attachment = HazardAttachment.objects.get(hazard=hazard)
    photo = Path(settings.MEDIA_ROOT) / attachment.file.name
    photo_bytes = photo.read_bytes()
    assert LogEntry.objects.get_for_object(hazard).exists()
    # Outbound work: one delivery sent, one pending, one internal task pending.
    subscription = WebhookSubscription.objects.create(
        department=users["department"].department, name="发改委", url="https://fgw.example.gov.cn/hook"
    )
    sent = OutboxEvent.objects.create(topic=WebhookTopic.BLACKLIST, object_id=1, payload={"n": 1})
    WebhookDelivery.objects.create(
        event=sent, subscription=subscription, status=DeliveryStatus.DELIVERED, delivered_at=timezone.now()
    )
    pending_event = OutboxEvent.objects.create(topic=WebhookTopic.BLACKLIST, object_id=2, payload={"n": 2})
    pending = WebhookDelivery.objects.create(event=pending_event, subscription=subscription)
    task = TaskOutbox.objects.create(task="credit.tasks.credit_recalculate_task", kwargs={"enterprise_id": 1})

    call_command("backup", dir=str(tmp_path / "backups"))
    (archive,) = (tmp_path / "backups").glob("safety-platform-backup-*.tar")
    tables = [m._meta.db_table for m in KEY_MODELS] + [LogEntry._meta.db_table]
    with connection.cursor() as cursor:
        at_backup = _fingerprints(cursor, tables)
    assert at_backup[Hazard._meta.db_table][0] >= 1 and at_backup[LogEntry._meta.db_table][0] >= 1

    with tarfile.open(archive) as tar:
        assert sorted(tar.getnames()) == ["database.dump", "manifest.json", "media.tar"]
        manifest = json.loads(tar.extractfile("manifest.json").read())  # type: ignore[union-attr]
    assert manifest["engine"] == "postgresql" and manifest["pending_outbound"]["webhook_deliveries"] == 1
    assert set(manifest["files"]) == {"database.dump", "media.tar"}
    assert all(len(f["sha256"]) == 64 for f in manifest["files"].values())
    assert oct(archive.stat().st_mode & 0o777) == "0o600"

    # After the backup the (later lost) database sends the pending delivery and announces a new event.
    WebhookDelivery.objects.filter(pk=pending.pk).update(status=DeliveryStatus.DELIVERED, delivered_at=timezone.now())
    later = OutboxEvent.objects.create(topic=WebhookTopic.BLACKLIST, object_id=3, payload={"n": 3})

    # Restore into the empty database and an empty media directory.
    media = tmp_path / "restored-media"
    done = manage("restore", str(archive), media=media)
    assert done.returncode == 0, done.stderr
    assert "held: webhook_deliveries 1" in done.stdout

    restored = psycopg2.connect(_dsn(RESTORE_DB))
    try:
        with restored.cursor() as cursor:
            assert _fingerprints(cursor, tables) == at_backup  # same records, same audit trail
            cursor.execute("SELECT status FROM credit_webhookdelivery WHERE id = %s", [pending.pk])
            assert cursor.fetchone()[0] == DeliveryStatus.HELD  # pending at backup time: held, not sent again
            cursor.execute("SELECT COUNT(*) FROM credit_webhookdelivery WHERE status = 'pending'")
            assert cursor.fetchone()[0] == 0
            cursor.execute("SELECT dispatched_at FROM safety_platform_taskoutbox WHERE id = %s", [task.pk])
            assert cursor.fetchone()[0] is None  # internal work is idempotent: it runs again
            cursor.execute("SELECT nextval('credit_outboxevent_id_seq')")
            assert cursor.fetchone()[0] > later.pk + 100_000  # the lost database's event ids are not reused
    finally:
        restored.close()
    assert (media / attachment.file.name).read_bytes() == photo_bytes

    # A second restore into the now non-empty database is refused, and changes nothing.
    again = manage("restore", str(archive), media=tmp_path / "other-media")
    assert again.returncode != 0 and "not empty" in again.stderr

    # The operator releases the held delivery; it keeps its event id, on which receivers deduplicate.
    released = manage("restore", "--release-outbound", media=media)
    assert released.returncode == 0, released.stderr
    assert "webhook_deliveries 1" in released.stdout
    restored = psycopg2.connect(_dsn(RESTORE_DB))
    try:
        with restored.cursor() as cursor:
            cursor.execute("SELECT status, event_id FROM credit_webhookdelivery WHERE id = %s", [pending.pk])
            assert cursor.fetchone() == (DeliveryStatus.PENDING, pending_event.pk)
    finally:
        restored.close()


def test_a_damaged_archive_is_refused_before_anything_is_restored(
    tmp_path: Path, users: dict[str, Any], restore_db: str
) -> None:
    call_command("backup", dir=str(tmp_path / "backups"))
    (archive,) = (tmp_path / "backups").glob("safety-platform-backup-*.tar")
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()  # type: ignore[union-attr]
            if member.name == "database.dump":
                data = data[:-10] + b"0123456789"
            import io

            member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    done = manage("restore", str(damaged), media=tmp_path / "media")
    assert done.returncode != 0 and "Checksum mismatch for database.dump" in done.stderr
    restored = psycopg2.connect(_dsn(RESTORE_DB))
    try:
        with restored.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public'")
            assert cursor.fetchone()[0] == 0
    finally:
        restored.close()
