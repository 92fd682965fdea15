"""Mounted at /api/v1/credit/."""

from __future__ import annotations

from rest_framework.routers import SimpleRouter

from .measures import JointMeasureViewSet
from .views import BlacklistFeedViewSet, RatingFeedViewSet
from .workflow import BlacklistWorkflowViewSet

app_name = "credit-api"

router = SimpleRouter()
router.register("blacklist", BlacklistFeedViewSet, basename="blacklist")
router.register("blacklist", BlacklistWorkflowViewSet, basename="blacklist-workflow")
router.register("ratings", RatingFeedViewSet, basename="rating")
router.register("measures", JointMeasureViewSet, basename="measure")

urlpatterns = router.urls
