"""Records that departments join (a joint inspection of the registry's responsibility room, an inspection of the
supervision app): seen by whoever sees the enterprise, and by the staff of every department that joined.

The rule was written twice, once per app; it is declared here once (issue 17, duplicates).
"""

from __future__ import annotations

from typing import Any, Generic, Self, TypeVar

from django.db import models
from django.db.models import Exists, OuterRef, Q

from ..choices import Role
from ..scoping import ScopedQuerySet, enterprise_scope_q

_M = TypeVar("_M", bound=models.Model)


class JoinedScopedQuerySet(ScopedQuerySet[_M], Generic[_M]):
    """Rows scoped through their enterprise that departments join: the active staff of every department named in
    the many-to-many `joined_by` see the row as well (their department's API keys do not)."""

    joined_by = "departments"

    def visible_to(self, user: Any) -> Self:
        q = enterprise_scope_q(user, self.scope_prefix)
        if q is None:
            return self
        department_id = getattr(user, "department_id", None)
        if (
            department_id
            and getattr(user, "api_key", None) is None
            and getattr(user, "role", "") == Role.DEPARTMENT
            and user.is_active
        ):
            field: Any = self.model._meta.get_field(self.joined_by)
            joined = field.remote_field.through.objects.filter(
                **{field.m2m_field_name(): OuterRef("pk"), "department_id": department_id}
            )
            q = q | Q(Exists(joined))
        return self.filter(q)
