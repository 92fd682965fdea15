"""What the credit app hands to the enterprises app, which stands below it and imports none of it: its share
of the dashboards' enterprise figures (each enterprise's grade, `grade_<n>`, and blacklisting,
`blacklisted`), counted from the ratings and, for the engine's set-based writes, replaced inside its own
statement (`credit_facts_follow_sql`). Imported once from `CreditConfig.ready()`.
"""

from __future__ import annotations

from enterprises.figures.services import figure_facts_follow_sql
from enterprises.figures.sources import Facts, FigureSource, register_figure_source

from .choices import Grade
from .models import CreditRating

# The keys `count_figures` gives (fixed ASCII: they are written into SQL literals).
FACT_KEYS = (*(f"grade_{grade}|" for grade in Grade.values), "blacklisted|")


def count_figures(facts: Facts, ids: list[int], operating: list[int]) -> None:
    """Each rating's grade, and its blacklisting."""
    for pk, grade, blacklisted in CreditRating.objects.filter(enterprise_id__in=ids).values_list(
        "enterprise_id", "grade", "blacklisted"
    ):
        facts[pk][f"grade_{grade}|"] += 1
        if blacklisted:
            facts[pk]["blacklisted|"] += 1


def credit_facts_follow_sql(moved: str) -> str:
    """PostgreSQL CTEs making the credit facts of the enterprises in `moved` — a CTE with columns (eid, grade,
    bl), the grades being written — follow them (`figure_facts_follow_sql`; `credit.engine`)."""
    new = (
        "jsonb_build_object('grade_' || m.grade::text || '|', 1)"
        " || CASE WHEN m.bl THEN '{\"blacklisted|\": 1}'::jsonb ELSE '{}'::jsonb END"
    )
    return figure_facts_follow_sql(moved, FACT_KEYS, new)


register_figure_source(FigureSource(key="credit", count=count_figures, records=("credit.CreditRating",)))
