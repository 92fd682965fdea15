"""The rows the dashboards read instead of counting records: counts kept per area, industry and department.

At 100,000 enterprises and 1,000,000 hazards a GROUP BY over the records costs seconds per page; the apps keep
the same counts in small tables (hazards per month, enterprise figures per period), each row keyed by the
enterprises' area, industry and supervising department, and updated in the transaction of each change. What
those rows share is declared here once: the key and who may read a row.
"""

from __future__ import annotations

from typing import Any, Generic, Self, TypeVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..choices import Role
from ..scoping import enterprise_scope_q
from .fields import industry_link, jurisdiction_link

_M = TypeVar("_M", bound=models.Model)


class AreaCountQuerySet(models.QuerySet[_M], Generic[_M]):
    def visible_to(self, user: Any) -> Self:
        """The rows of the enterprises the user may see (the records' own rule, `enterprise_scope_q`): a row is
        one area, one industry and one supervising department, so each role's rule selects whole rows.
        Enterprise users and enterprise API keys see single enterprises, which rows cannot tell: none."""
        q = enterprise_scope_q(user, prefix="")
        if q is None:
            return self
        if getattr(user, "api_key", None) is None and user.is_active and not user.is_superuser:
            if user.role in (Role.INSPECTOR, Role.COUNTY_OFFICE) and user.jurisdiction_paths:
                return self.filter(q)  # within_path("jurisdiction__path", …), as on the row's own area
            if user.role == Role.DEPARTMENT and user.department_id:
                return self.filter(department_ref=user.department_id)
        return self.none()


class AreaCount(models.Model):
    """Counts of the enterprises (or their records) of one area, one industry and one supervising department.

    Keyed by the enterprise's area, industry and department as they are now: moving an enterprise moves its
    counts. A subclass adds what it counts and its unique key (these three and its own period or fact).
    """

    jurisdiction = jurisdiction_link(on_delete=models.CASCADE)
    industry = industry_link(on_delete=models.CASCADE)
    # The supervising department's id, 0 for none: a NULL would never match the unique key, so two rows of one
    # key could appear.
    department_ref = models.PositiveIntegerField(_("supervising department"), default=0)

    class Meta:
        abstract = True
