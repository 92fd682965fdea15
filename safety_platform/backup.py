"""Backup and restore of the database and the uploaded files (`manage.py backup` / `manage.py restore`).

One archive per backup, `safety-platform-backup-<UTC time>.tar`, holding:

- `database.dump` — PostgreSQL: `pg_dump --format=custom` (one consistent snapshot); or
  `database.sqlite3` — the SQLite demo: SQLite's online backup API (what the shell's `.backup` does);
- `media.tar` — everything under MEDIA_ROOT (photos, evidence, documents);
- `manifest.json` — when, from which engine and schema (latest migration per app), the row count of every
  table, the pending outbound work, and the SHA-256 and size of the two files above.

A restore goes only into an empty database and an empty media directory, checks every checksum first, and
compares the restored row counts with the manifest. Then it makes the outbound rule hold:

- **Webhook deliveries** still pending in the backup may have been sent between the backup and the failure.
  They are put on hold (`held`), not sent, until an operator releases them (`restore --release-outbound`),
  after checking with the receiving departments if need be. Released deliveries carry their original event id
  (`X-Credit-Event`), on which receivers deduplicate, so a delivery that did arrive before the failure is
  recognised as a repeat.
- **Ids are never reused**: every id sequence moves forward by `id_gap` (default 1,000,000), so an event id
  (or any record id) handed out by the lost database after the backup is not handed out again for something
  else — a receiver deduplicating by event id would otherwise drop a new event as a repeat.
- **Internal background work** (`TaskOutbox`) stays pending: every task is idempotent, and running it again
  redoes work whose result the backup does not contain (a recalculation, a thumbnail, an escalation).

Apps with outbound work take part through the `outbound_hold` signal (credit holds its webhook deliveries).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from django.conf import settings
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from .signals import outbound_hold

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA = "media.tar"
PG_DUMP = "database.dump"
SQLITE_DUMP = "database.sqlite3"
DEFAULT_ID_GAP = 1_000_000


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


@dataclass
class RestoreReport:
    tables: int
    rows: int
    files: int
    held: dict[str, int]
    id_gap: int


# Helpers ---------------------------------------------------------------------------------------


def _engine() -> str:
    vendor = connection.vendor
    if vendor not in ("postgresql", "sqlite"):
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {vendor}.")
    return vendor


def _pg_env() -> tuple[list[str], dict[str, str]]:
    """Connection arguments of pg_dump/pg_restore for the default database (the password via PGPASSWORD)."""
    db = connection.settings_dict
    args = ["--dbname", str(db["NAME"])]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _run(command: list[str], env: dict[str, str] | None = None) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed ({done.returncode}): {done.stderr.strip()[-2000:]}")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _tables() -> list[str]:
    return sorted(t for t in connection.introspection.table_names(include_views=False) if not t.startswith("sqlite_"))


def row_counts() -> dict[str, int]:
    """Rows in every table of the default database (one COUNT per table)."""
    quote = connection.ops.quote_name
    counts = {}
    with connection.cursor() as cursor:
        for table in _tables():
            cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")
            counts[table] = int(cursor.fetchone()[0])
    return counts


def _sqlite_counts(path: Path) -> dict[str, int]:
    """Row counts of every table of a SQLite file (the copy, not the live database)."""
    db = sqlite3.connect(str(path))
    try:
        names = [
            row[0]
            for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        ]
        return {name: int(db.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0]) for name in sorted(names)}
    finally:
        db.close()


def _migrations() -> dict[str, str]:
    latest: dict[str, str] = {}
    for app, name in MigrationRecorder.Migration.objects.order_by("app", "name").values_list("app", "name"):
        latest[app] = name
    return latest


def _media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


# Backup ----------------------------------------------------------------------------------------


def backup_create(*, directory: Path | str) -> Path:
    """Write one archive of the database and MEDIA_ROOT into `directory`; returns its path.

    The database is copied first (a consistent snapshot); uploads are only ever added, so a file
    uploaded while the media are archived is either in the archive or belongs to a row the dump lacks.
    """
    engine = _engine()
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    stamp = timezone.now().astimezone(dt.UTC)
    name = f"safety-platform-backup-{stamp:%Y%m%dT%H%M%SZ}.tar"
    with tempfile.TemporaryDirectory(prefix="sp-backup-", dir=directory) as tmp, transaction.atomic():
        work = Path(tmp)
        if engine == "postgresql":
            # pg_dump reads the snapshot this transaction exported, so the manifest's counts describe
            # exactly the rows of the dump even while the platform keeps writing.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot = cursor.fetchone()[0]
            counts = row_counts()
            pending = _pending_outbound()
            dump = work / PG_DUMP
            args, env = _pg_env()
            _run(
                [
                    "pg_dump",
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--snapshot={snapshot}",
                    "--file",
                    str(dump),
                    *args,
                ],
                env,
            )
        else:
            dump = work / SQLITE_DUMP
            source = sqlite3.connect(str(connection.settings_dict["NAME"]))
            target = sqlite3.connect(str(dump))
            try:
                with target:
                    source.backup(target)  # SQLite's online backup (the shell's .backup): one consistent copy
            finally:
                target.close()
                source.close()
            counts = _sqlite_counts(dump)
            pending = _pending_outbound()  # the demo: a hint only (SQLite has no shared snapshot)
        media = work / MEDIA
        with tarfile.open(media, "w") as tar:
            root = _media_root()
            if root.is_dir():
                for path in sorted(root.rglob("*")):
                    if path.is_file() and not path.is_symlink():
                        tar.add(path, arcname=str(path.relative_to(root)), recursive=False)
        manifest = {
            "format": FORMAT,
            "created_at": stamp.isoformat(),
            "engine": engine,
            "database": str(connection.settings_dict["NAME"]),
            "migrations": _migrations(),
            "row_counts": counts,
            "pending_outbound": pending,
            "files": {item.name: {"sha256": _sha256(item), "size": item.stat().st_size} for item in (dump, media)},
        }
        (work / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True), encoding="utf-8")
        partial = work / (name + ".part")
        with tarfile.open(partial, "w") as archive:
            for item in (MANIFEST, dump.name, MEDIA):
                archive.add(work / item, arcname=item)
        partial.chmod(0o600)  # webhook secrets, key digests, reporters' contacts
        final = directory / name
        os.replace(partial, final)  # never a half-written archive under the final name
    return final


def _outbound_hold_answers(action: str) -> Iterator[dict[str, int]]:
    """Each `outbound_hold` receiver's counts by kind (a receiver answers a dict, or None for nothing)."""
    for _receiver, result in outbound_hold.send(sender=None, action=action):
        yield cast("dict[str, int]", result or {})


def _pending_outbound() -> dict[str, int]:
    """Outbound work not done yet, by kind (for the manifest)."""
    from .models import TaskOutbox

    counts = {"tasks": TaskOutbox.objects.pending().count()}
    for result in _outbound_hold_answers("count"):
        counts.update(result)
    return counts


# Restore ---------------------------------------------------------------------------------------


def backup_read_manifest(archive: Path | str) -> dict[str, Any]:
    with tarfile.open(archive, "r") as tar:
        member = tar.extractfile(MANIFEST)
        if member is None:
            raise BackupError(f"{archive} has no {MANIFEST}: not a platform backup.")
        return json.loads(member.read().decode("utf-8"))


def _verify(archive: Path, work: Path) -> dict[str, Any]:
    """Unpack the archive into `work` and check every file against the manifest's checksum."""
    with tarfile.open(archive, "r") as tar:
        names = tar.getnames()
        manifest = json.loads(tar.extractfile(MANIFEST).read().decode("utf-8"))  # type: ignore[union-attr]
        if manifest.get("format") != FORMAT:
            raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
        for name in manifest["files"]:
            if name not in names or "/" in name or name.startswith("."):
                raise BackupError(f"The archive lacks {name}.")
            tar.extract(name, work)
    for name, expected in manifest["files"].items():
        actual = _sha256(work / name)
        if actual != expected["sha256"]:
            raise BackupError(f"Checksum mismatch for {name}: the archive is damaged; use another backup.")
    return manifest


def _check_empty_target(manifest: dict[str, Any]) -> None:
    engine = _engine()
    if manifest["engine"] != engine:
        raise BackupError(f"This backup is of a {manifest['engine']} database; the target is {engine}.")
    if _tables():
        raise BackupError(
            f"The database {connection.settings_dict['NAME']} is not empty: restore only into a new, empty "
            "database (createdb …, or a new SQLite file), then point DATABASE_URL at it."
        )
    root = _media_root()
    if root.exists() and any(root.iterdir()):
        raise BackupError(f"The media directory {root} is not empty: restore into an empty one.")


def _restore_database(manifest: dict[str, Any], work: Path) -> None:
    if manifest["engine"] == "postgresql":
        args, env = _pg_env()
        _run(
            [
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                *args,
                str(work / PG_DUMP),
            ],
            env,
        )
        return
    target = Path(str(connection.settings_dict["NAME"]))
    connection.close()
    source = sqlite3.connect(str(work / SQLITE_DUMP))
    dest = sqlite3.connect(str(target))
    try:
        with dest:
            source.backup(dest)
    finally:
        dest.close()
        source.close()


def _restore_media(work: Path) -> int:
    root = _media_root()
    root.mkdir(parents=True, exist_ok=True)
    count = 0
    with tarfile.open(work / MEDIA, "r") as tar:
        for member in tar.getmembers():
            # Only plain files, only below MEDIA_ROOT: an archive cannot write anywhere else.
            target = (root / member.name).resolve()
            if not member.isfile() or not target.is_relative_to(root.resolve()):
                raise BackupError(f"Refusing the archive member {member.name!r}.")
            target.parent.mkdir(parents=True, exist_ok=True)
            with tar.extractfile(member) as data, target.open("wb") as out:  # type: ignore[union-attr]
                shutil.copyfileobj(data, out)
            count += 1
    return count


def _advance_sequences(gap: int) -> int:
    """Move every id sequence forward by `gap`, so no id handed out after the backup is handed out again."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT schemaname, sequencename, last_value FROM pg_sequences")
            rows = cursor.fetchall()
            for schema, name, last in rows:
                if last is None and gap == 0:
                    continue
                cursor.execute(
                    "SELECT setval(%s::regclass, %s, true)", [f'"{schema}"."{name}"', max(1, int(last or 0) + gap)]
                )
            return len(rows)
        # SQLite: AUTOINCREMENT tables keep their high-water mark in sqlite_sequence.
        cursor.execute("UPDATE sqlite_sequence SET seq = seq + %s", [gap])
        return cursor.rowcount


def backup_restore(*, archive: Path | str, id_gap: int = DEFAULT_ID_GAP) -> RestoreReport:
    """Restore an archive into the (empty) default database and (empty) MEDIA_ROOT; hold outbound deliveries."""
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(f"No such archive: {archive}")
    if id_gap < 0:
        raise BackupError("--id-gap cannot be negative.")
    with tempfile.TemporaryDirectory(prefix="sp-restore-") as tmp:
        work = Path(tmp)
        manifest = _verify(archive, work)
        _check_empty_target(manifest)
        _restore_database(manifest, work)
        files = _restore_media(work)
    counts = row_counts()
    expected = manifest["row_counts"]
    wrong = {
        t: (expected.get(t), counts.get(t)) for t in set(expected) | set(counts) if expected.get(t) != counts.get(t)
    }
    if wrong:
        raise BackupError(f"Restored row counts differ from the backup's: {sorted(wrong.items())[:10]}")
    _advance_sequences(id_gap)
    held: dict[str, int] = {}
    for result in _outbound_hold_answers("hold"):
        held.update(result)
    return RestoreReport(tables=len(counts), rows=sum(counts.values()), files=files, held=held, id_gap=id_gap)


def outbound_release() -> dict[str, int]:
    """Release the outbound work held by a restore (an operator's decision); returns the counts per kind."""
    released: dict[str, int] = {}
    for result in _outbound_hold_answers("release"):
        released.update(result)
    return released


def describe(manifest: dict[str, Any]) -> str:
    """A few lines about a backup, for the command's output."""
    out = io.StringIO()
    out.write(f"created {manifest['created_at']} · {manifest['engine']} · {manifest['database']}\n")
    out.write(f"{len(manifest['row_counts'])} tables, {sum(manifest['row_counts'].values())} rows\n")
    pending = ", ".join(f"{k} {v}" for k, v in sorted(manifest.get("pending_outbound", {}).items()))
    out.write(f"pending outbound at backup time: {pending or 'none'}\n")
    return out.getvalue()
