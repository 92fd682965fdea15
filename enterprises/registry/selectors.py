"""Reads of the enterprise registry."""

from __future__ import annotations

from typing import Any, TypedDict

from django.db.models import Count, Q, QuerySet

from safety_platform.models import Jurisdiction
from safety_platform.scoping import within_path

from .choices import EnterpriseStatus
from .models import Enterprise


def enterprises_visible_to(user: Any) -> QuerySet[Enterprise]:
    return Enterprise.objects.visible_to(user).select_related("jurisdiction", "industry", "supervising_department")


def jurisdictions_for(user: Any) -> QuerySet[Jurisdiction]:
    """Jurisdictions a user may file records under or filter by: inspectors their subtrees, other staff all."""
    qs = Jurisdiction.objects.all()
    if getattr(user, "scopes_by_jurisdiction", False):
        q = Q(pk__in=[])
        for path in user.jurisdiction_paths:
            q |= within_path("path", path)
        qs = qs.filter(q)
    return qs


def enterprise_counts(user: Any) -> dict[str, int]:
    """Counts for a home page, in one aggregate query."""
    return Enterprise.objects.visible_to(user).aggregate(
        total=Count("id"),
        operating=Count("id", filter=Q(status=EnterpriseStatus.OPERATING)),
        suspended=Count("id", filter=Q(status=EnterpriseStatus.SUSPENDED)),
        closed=Count("id", filter=Q(status=EnterpriseStatus.CLOSED)),
        key=Count("id", filter=Q(is_key=True)),
    )


class CategoryCount(TypedDict):
    risk_category: str
    n: int


def enterprise_counts_by_category(user: Any) -> list[CategoryCount]:
    return list(Enterprise.objects.visible_to(user).values("risk_category").annotate(n=Count("id")).order_by("-n"))


SEARCH_LIMIT = 20


def enterprise_search(
    user: Any, text: str, *, operating_only: bool = False, limit: int = SEARCH_LIMIT
) -> list[dict[str, Any]]:
    """At most `limit` enterprises the user may see whose name contains `text` or whose credit code starts with it.

    For a search box at 100,000 enterprises: no count and no sort of the matches in SQL (each list is sorted
    here, in Python, among at most `limit` rows). A credit code's start is looked up alone; otherwise names
    starting with the text come first (the name's `…_like` index), then other names containing it (the
    trigram index on PostgreSQL), as many as the limit leaves room for.
    """
    text = text.strip()
    if not text or "\x00" in text:
        return []
    scoped = Enterprise.objects.visible_to(user)
    if operating_only:
        scoped = scoped.operating()
    fields = ("id", "name", "credit_code", "jurisdiction__name")
    code = text.upper()
    if code.isascii() and code.isalnum() and len(code) >= 2:
        # A credit code (or its start): the unique index answers it.
        # No ORDER BY: PostgreSQL would walk the whole ordered unique index filtering it (275 ms at 100,000)
        # instead of reading the prefix's range from the `…_like` index (1 ms); the few rows are sorted here.
        rows = list(scoped.filter(credit_code__startswith=code).order_by().values(*fields)[:limit])
        if rows:
            return sorted(rows, key=lambda row: row["credit_code"])
    starts = sorted(
        scoped.filter(name__startswith=text).order_by().values(*fields)[:limit], key=lambda row: row["name"]
    )
    if len(starts) < limit:
        seen = [row["id"] for row in starts]
        # Chinese names have no case: a plain LIKE, which the trigram index (migration 0007) answers on
        # PostgreSQL; only text with Latin letters pays for a case-insensitive scan.
        contains = {"name__contains": text} if text.upper() == text.lower() else {"name__icontains": text}
        more = scoped.filter(**contains).exclude(name__startswith=text).order_by()
        rest = sorted(more.values(*fields)[: limit - len(starts)], key=lambda row: (len(row["name"]), row["name"]))
        starts += [row for row in rest if row["id"] not in seen]
    return starts
