"""Reads of standardization: certificates, the share of enterprises certified, demonstration enterprises."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, Substr

from safety_platform.choices import JurisdictionLevel
from safety_platform.models import Industry, Jurisdiction

from ..registry.choices import EnterpriseStatus
from ..registry.models import Enterprise
from .models import CertificateStatus, Demonstration, StandardizationCertificate, add_months, rereview_months


def certificates_visible_to(user: Any) -> QuerySet[StandardizationCertificate]:
    return StandardizationCertificate.objects.visible_to(user).select_related("enterprise", "industry")


def certificate_counts(user: Any, *, on: dt.date) -> dict[str, int]:
    """Counts for the list page and the home widget, in one aggregate query."""
    window_end = add_months(on, rereview_months(on))
    return StandardizationCertificate.objects.visible_to(user).aggregate(
        valid=Count("id", filter=Q(status=CertificateStatus.VALID)),
        pending=Count("id", filter=Q(status=CertificateStatus.PENDING)),
        due_for_rereview=Count(
            "id",
            filter=Q(
                status=CertificateStatus.VALID,
                expires_on__gte=on,
                expires_on__lte=window_end,
                rereview_applied_on__isnull=True,
            ),
        ),
        level1=Count("id", filter=Q(status=CertificateStatus.VALID, level=1)),
        level2=Count("id", filter=Q(status=CertificateStatus.VALID, level=2)),
        level3=Count("id", filter=Q(status=CertificateStatus.VALID, level=3)),
    )


def _share(certified: int, total: int) -> float | None:
    return None if not total else certified / total


def standardization_coverage(user: Any, *, on: dt.date) -> dict[str, Any]:
    """Share of operating enterprises holding a valid certificate, per county and per industry division.

    Three queries whatever the number of enterprises: the counties, one aggregate per county column,
    one grouped query per industry division (with a column pair per county for the cross table).
    """
    certified = Exists(StandardizationCertificate.objects.in_force(on).filter(enterprise=OuterRef("pk")))
    base = (
        Enterprise.objects.visible_to(user)
        .filter(status=EnterpriseStatus.OPERATING)
        .annotate(has_certificate=certified)
    )
    counties = list(Jurisdiction.objects.filter(level=JurisdictionLevel.COUNTY).order_by("sort_order", "id"))
    columns: dict[str, Any] = {"total": Count("id"), "certified": Count("id", filter=Q(has_certificate=True))}
    for county in counties:
        inside = Q(jurisdiction__path__startswith=county.path)
        columns[f"t{county.pk}"] = Count("id", filter=inside)
        columns[f"c{county.pk}"] = Count("id", filter=inside & Q(has_certificate=True))
    totals = base.aggregate(**columns)
    by_county = [
        {
            "county": county,
            "total": totals[f"t{county.pk}"],
            "certified": totals[f"c{county.pk}"],
            "share": _share(totals[f"c{county.pk}"], totals[f"t{county.pk}"]),
        }
        for county in counties
        if totals[f"t{county.pk}"]
    ]
    grouped = (
        base.annotate(division=Substr("industry__code", 1, 3))
        .values("division")
        .annotate(**columns)
        .order_by("division")
    )
    rows: list[dict[str, Any]] = [dict(row) for row in grouped]
    names = dict(Industry.objects.filter(code__in=[r["division"] for r in rows]).values_list("code", "name"))
    shown = [c["county"] for c in by_county]
    by_industry = [
        {
            "code": row["division"],
            "name": names.get(row["division"], ""),
            "total": row["total"],
            "certified": row["certified"],
            "share": _share(row["certified"], row["total"]),
            "cells": [
                {
                    "total": row[f"t{c.pk}"],
                    "certified": row[f"c{c.pk}"],
                    "share": _share(row[f"c{c.pk}"], row[f"t{c.pk}"]),
                }
                for c in shown
            ],
        }
        for row in rows
    ]
    return {
        "on": on,
        "total": totals["total"],
        "certified": totals["certified"],
        "share": _share(totals["certified"], totals["total"]),
        "by_county": by_county,
        "by_industry": by_industry,
        "counties": shown,
    }


def with_measure_totals(demonstrations: QuerySet[Demonstration]) -> QuerySet[Demonstration]:
    """Each designation with the people its measures moved out of dangerous posts (`people_moved`, 0 without
    measures) and how many measures it has (`measure_count`): the list page and the API read the same sums."""
    return demonstrations.annotate(
        people_moved=Coalesce(Sum("measures__people_moved"), 0),
        measure_count=Count("measures"),
    )


def demonstrations_visible_to(user: Any) -> QuerySet[Demonstration]:
    return with_measure_totals(
        Demonstration.objects.visible_to(user).select_related("enterprise", "designating_department")
    )


def demonstration_totals(user: Any) -> dict[str, int]:
    from .models import DemonstrationStatus

    return (
        Demonstration.objects.visible_to(user)
        .filter(status=DemonstrationStatus.ACTIVE)
        .aggregate(
            enterprises=Count("enterprise", distinct=True),
            people_moved=Coalesce(Sum("measures__people_moved"), 0),
        )
    )
