"""Indicators over credit: the blacklist and the worst credit grade.

Both read the current state of the credit records (a listing or a grade as it stands on the day of the
run), which is what a monthly or the current quarter's run needs; for an old period they describe today.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from credit.choices import BlacklistStatus, Grade, RatingStatus
from credit.models import BlacklistEntry, CreditRating

from .registry import Figure, Window, ids, indicator
from .scope import supervised_enterprises


@indicator("blacklisted_share", _("Enterprises on the blacklist (share of supervised enterprises)"))
def blacklisted_share(jurisdiction: Any, window: Window) -> Figure:
    enterprises = supervised_enterprises(jurisdiction)
    listed = BlacklistEntry.objects.filter(
        status=BlacklistStatus.ACTIVE, listed_on__lte=window.as_of, enterprise__in=enterprises
    ).values("enterprise")
    found = ids(enterprises.filter(pk__in=listed))
    return Figure.share(found, out_of=enterprises.count(), record_model="enterprises.enterprise")


@indicator("credit_grade_three_share", _("Enterprises graded 三级 (share of the graded enterprises)"))
def credit_grade_three_share(jurisdiction: Any, window: Window) -> Figure:
    ratings = CreditRating.objects.filter(
        status=RatingStatus.ACTIVE, enterprise__in=supervised_enterprises(jurisdiction)
    )
    worst = list(ratings.filter(grade=Grade.THREE).order_by("enterprise_id").values_list("enterprise_id", flat=True))
    return Figure.share(worst, out_of=ratings.count(), record_model="enterprises.enterprise")
