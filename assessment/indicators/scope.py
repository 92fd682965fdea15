"""What an indicator counts in a jurisdiction: the enterprises under it (one indexed path prefix)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from enterprises.models import Enterprise
from enterprises.registry.choices import EnterpriseStatus
from safety_platform.scoping import within_path


def under(jurisdiction: Any, prefix: str = "enterprise") -> Q:
    """Rows whose enterprise (reached through `prefix`) lies in the jurisdiction's subtree."""
    return within_path(f"{prefix}__jurisdiction__path" if prefix else "jurisdiction__path", jurisdiction.path)


def supervised_enterprises(jurisdiction: Any) -> QuerySet[Enterprise]:
    """The enterprises a county supervises: operating enterprises registered anywhere under it."""
    return Enterprise.objects.operating().filter(under(jurisdiction, ""))


def of_supervised(jurisdiction: Any, prefix: str = "enterprise") -> Q:
    """Rows whose enterprise (through `prefix`) is one of `supervised_enterprises`, as a join rather than an
    `enterprise__in` subquery (which PostgreSQL ran as one index probe per enterprise: at 880,000 quarterly
    reports, a second per county instead of half of one)."""
    return under(jurisdiction, prefix) & Q(**{f"{prefix}__status": EnterpriseStatus.OPERATING})
