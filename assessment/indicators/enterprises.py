"""Indicators over the registry's standardization and training records."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, F, OuterRef
from django.utils.translation import gettext_lazy as _

from enterprises.models import Employee, StandardizationCertificate
from enterprises.registry.choices import HIGH_RISK_TRAINING_CATEGORIES, EnterpriseStatus, RiskCategory
from enterprises.training.selectors import people_on_post_with_compliance

from .registry import Figure, Window, ids, indicator
from .scope import supervised_enterprises, under

# The industries where work-safety standardization is expected (mines, hazardous chemicals, fireworks,
# metal smelting, and industry and trade enterprises).
STANDARDIZATION_CATEGORIES = frozenset(HIGH_RISK_TRAINING_CATEGORIES | {RiskCategory.INDUSTRY_TRADE})


@indicator("standardization_coverage", _("Valid standardization certificates in the industries that need them"))
def standardization_coverage(jurisdiction: Any, window: Window) -> Figure:
    certified = StandardizationCertificate.objects.in_force(window.as_of).filter(enterprise=OuterRef("pk"))
    enterprises = supervised_enterprises(jurisdiction).filter(risk_category__in=STANDARDIZATION_CATEGORIES)
    holders = ids(enterprises.filter(Exists(certified)))
    return Figure.share(holders, out_of=enterprises.count(), record_model="enterprises.enterprise")


@indicator("train_before_post", _("People on post trained before posting (share)"))
def train_before_post(jurisdiction: Any, window: Window) -> Figure:
    """People on post at the end of the period who meet the training rules (the registry's rules, in SQL)."""
    people = people_on_post_with_compliance(window.as_of, select=False).filter(under(jurisdiction))
    rows = list(people.order_by("pk").values_list("pk", "noncompliant"))
    compliant = [pk for pk, noncompliant in rows if not noncompliant]
    return Figure.share(compliant, out_of=len(rows), record_model=Employee._meta.label_lower)


@indicator("standardization_rereview_overdue", _("Standardization certificates expired without a re-review"))
def standardization_rereview_overdue(jurisdiction: Any, window: Window) -> Figure:
    """Certificates of supervised enterprises that expired in the period (up to today) with no re-review
    applied for before the expiry day (the application is due three months before). Base: the supervised
    enterprises (normalize per 100)."""
    expired = StandardizationCertificate.objects.filter(
        under(jurisdiction),
        enterprise__status=EnterpriseStatus.OPERATING,
        expires_on__gte=window.start,
        expires_on__lt=window.as_of,
    ).exclude(rereview_applied_on__lte=F("expires_on"))
    found = ids(expired)
    return Figure.share(
        found,
        out_of=supervised_enterprises(jurisdiction).count(),
        record_model="enterprises.standardizationcertificate",
    )
