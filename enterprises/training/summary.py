"""Keeping `TrainingComplianceSummary` equal to the rules: a refresh in the transaction of each change, a rebuild.

The compliance of a person depends on the day (the last twelve months of training, a certificate's expiry,
a repeat falling due), so the rows hold one day: today. Each night `compliance_summary_rebuild` counts every
enterprise through the rules in one statement and records the day's `TrainingComplianceBuild`; each save or
delete of an employee, a training record or a special-operation certificate, and each change of an
enterprise's industry (which sets the hours), refreshes that enterprise's row in the same transaction
(`receivers`). The overview trusts the rows only for the day of a finished build made under the rule-book
version in force; otherwise (another day, before the night's build, a worker down, new rules) it counts
live, slower but right.

A refresh first upserts the row (which locks it) and only then counts: a concurrent change of the same
enterprise waits for that lock, and its count, taken after, sees this one. The rebuild locks the table
against refreshes while it counts, so a change is never lost between the count and the write.
`QuerySet.update()`, raw SQL and bulk loads bypass the signals: the next rebuild (or a call after such a
load, as `generate_city` does) puts them right.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from .models import Employee, SpecialOperationCertificate, TrainingComplianceBuild, TrainingComplianceSummary
from .selectors import certificates_due, compliance_totals, enterprises_with_summary_counts, training_hours

KEEP_BUILDS_DAYS = 14


def compliance_summary_refresh(enterprise_id: int, *, on: dt.date | None = None) -> None:
    """Count one enterprise's people on post, its non-compliant ones and its certificates due for `on` (today) into
    its row."""
    on = on or timezone.localdate()
    with transaction.atomic():
        TrainingComplianceSummary.objects.bulk_create(
            [TrainingComplianceSummary(enterprise_id=enterprise_id, on=on, refreshed_at=timezone.now())],
            update_conflicts=True,
            unique_fields=["enterprise"],
            update_fields=["refreshed_at"],
        )  # the row is ours (locked) until commit: a concurrent refresh counts after this change
        totals = compliance_totals(Employee.objects.filter(enterprise_id=enterprise_id), on)
        due = certificates_due(SpecialOperationCertificate.objects.filter(employee__enterprise_id=enterprise_id), on=on)
        TrainingComplianceSummary.objects.filter(pk=enterprise_id).update(
            on=on,
            people_on_post=totals["people"],
            noncompliant_people=totals["noncompliant"],
            certificates_due=due.count(),
        )


def compliance_summary_rebuild(*, on: dt.date | None = None) -> int:
    """Count every enterprise for `on` (today) and record the build; returns the rows written (the
    enterprises with people on post or a certificate due).

    Idempotent: a second run of the same day counts again and writes the same rows.
    """
    on = on or timezone.localdate()
    counted = (
        enterprises_with_summary_counts(on=on)
        .order_by()
        .annotate(counted_id=F("pk"))
        .values("counted_id", "people_on_post", "noncompliant_people", "certificates_due")
    )
    sql, params = counted.query.sql_with_params()
    table = TrainingComplianceSummary._meta.db_table
    with transaction.atomic():
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # Refreshes wait (a few seconds at city scale); readers do not.
                cursor.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
            # Everything is counted again: a row left over would be an enterprise with nobody on post and no
            # certificate due today.
            cursor.execute(f"DELETE FROM {table}")
            cursor.execute(
                f"INSERT INTO {table} (enterprise_id, {_col('on')}, people_on_post, noncompliant_people, "
                "certificates_due, refreshed_at) "
                "SELECT c.counted_id, %s, c.people_on_post, c.noncompliant_people, c.certificates_due, %s "
                f"FROM ({sql}) AS c",
                [on, timezone.now(), *params],
            )
            written = cursor.rowcount
        TrainingComplianceBuild.objects.update_or_create(
            on=on,
            defaults={
                "rule_version": training_hours(on).version,
                "enterprises": written,
                "finished_at": timezone.now(),
            },
        )
        TrainingComplianceBuild.objects.filter(on__lt=on - dt.timedelta(days=KEEP_BUILDS_DAYS)).delete()
    return written


def _col(name: str) -> str:
    return connection.ops.quote_name(name)
