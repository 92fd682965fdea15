"""Shared pieces of the emergency models: visibility of rows owned by an enterprise or a jurisdiction."""

from __future__ import annotations

from typing import Any, Self, TypeVar

from django.db import models
from django.db.models import Q

from safety_platform.scoping import NOTHING, enterprise_scope_q, jurisdiction_scope_q


def owned_scope_q(
    user: Any, *, enterprise_prefix: str = "enterprise", jurisdiction_prefix: str = "jurisdiction"
) -> Q | None:
    """Rows that belong either to an enterprise (enterprise set) or to a jurisdiction (enterprise empty).

    An enterprise store, an enterprise team or an accident in an enterprise follow the enterprise's
    scope; a county reserve, a professional team or a road accident follow the jurisdiction's scope.
    None means "all rows".
    """
    eq = enterprise_scope_q(user, enterprise_prefix)
    jq = jurisdiction_scope_q(user, jurisdiction_prefix)
    if eq is None and jq is None:
        return None
    if eq is NOTHING and jq is NOTHING:
        return NOTHING
    by_enterprise = Q(**{f"{enterprise_prefix}__isnull": False})
    if eq is not None:
        by_enterprise &= eq
    by_jurisdiction = Q(**{f"{enterprise_prefix}__isnull": True})
    if jq is not None:
        by_jurisdiction &= jq
    return by_enterprise | by_jurisdiction


_M = TypeVar("_M", bound=models.Model)


class OwnedQuerySet(models.QuerySet[_M]):
    """Queryset of rows owned by an enterprise or a jurisdiction (see `owned_scope_q`)."""

    enterprise_prefix = "enterprise"
    jurisdiction_prefix = "jurisdiction"

    def visible_to(self, user: Any) -> Self:
        q = owned_scope_q(user, enterprise_prefix=self.enterprise_prefix, jurisdiction_prefix=self.jurisdiction_prefix)
        return self if q is None else self.filter(q)
