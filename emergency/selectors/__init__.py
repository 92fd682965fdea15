"""Reads of the emergency app (set-based: one query per figure)."""

from .accidents import accident_clocks, accident_counts, accidents_visible_to, measures_visible_to
from .dispatch import dispatch_allocations, dispatch_lines, dispatch_orders_visible_to
from .overview import emergency_overview, enterprise_emergency_overview
from .plans import drills_visible_to, enterprises_overdue_for_drill, plan_overdue_count, plans_visible_to
from .supplies import (
    item_availability,
    ledger_visible_to,
    low_stock_rows,
    stock_alerts_visible_to,
    stock_ledger_mismatches,
    warehouse_batches,
    warehouse_stock,
    warehouses_visible_to,
)
from .teams import team_detail_queryset, team_readiness_counts, teams_search, teams_visible_to
from .warnings import (
    warning_ack_stats,
    warning_recipients,
    warning_unacknowledged,
    warnings_pending_for_enterprise,
    warnings_visible_to,
)

__all__ = [
    "accident_clocks",
    "accident_counts",
    "accidents_visible_to",
    "dispatch_allocations",
    "dispatch_lines",
    "dispatch_orders_visible_to",
    "drills_visible_to",
    "emergency_overview",
    "enterprise_emergency_overview",
    "enterprises_overdue_for_drill",
    "item_availability",
    "ledger_visible_to",
    "low_stock_rows",
    "measures_visible_to",
    "plan_overdue_count",
    "plans_visible_to",
    "stock_alerts_visible_to",
    "stock_ledger_mismatches",
    "team_detail_queryset",
    "team_readiness_counts",
    "teams_search",
    "teams_visible_to",
    "warehouse_batches",
    "warehouse_stock",
    "warehouses_visible_to",
    "warning_ack_stats",
    "warning_recipients",
    "warning_unacknowledged",
    "warnings_pending_for_enterprise",
    "warnings_visible_to",
]
