"""Pages of the supervision app: plans, inspections, enforcement."""

from __future__ import annotations

from . import urls_authorities, urls_enforcement, urls_inspections, urls_plans

app_name = "supervision"

urlpatterns = [
    *urls_plans.urlpatterns,
    *urls_authorities.urlpatterns,
    *urls_inspections.urlpatterns,
    *urls_enforcement.urlpatterns,
]
