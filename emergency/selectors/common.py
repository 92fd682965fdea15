"""What the emergency selectors share."""

from __future__ import annotations

from typing import Any

from django.db.models import Aggregate, IntegerField, QuerySet, Subquery
from django.db.models.functions import Coalesce


def subtotal(rows: QuerySet[Any], group: str, aggregate: Aggregate) -> Coalesce:
    """`aggregate` (a count or a sum) of `rows`, which name the outer row with `OuterRef` through the field `group`, as
    a correlated subquery: one per figure, so no join fans the list out; 0 where no row matches."""
    total = rows.order_by().values(group).annotate(n=aggregate).values("n")[:1]
    return Coalesce(Subquery(total, output_field=IntegerField()), 0)
