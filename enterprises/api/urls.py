"""API routes of the enterprises app: each room's `api.py` holds its endpoints, routed here under one namespace."""

from __future__ import annotations

from django.urls import path
from rest_framework.routers import SimpleRouter

from ..admission import api as admission
from ..registry.api import EnterpriseViewSet
from ..responsibility import api as responsibility
from ..standardization import api as standardization
from ..training import api as training

app_name = "enterprises-api"

router = SimpleRouter()
router.register("enterprises", EnterpriseViewSet, basename="enterprise")

router.register("responsibility-items", responsibility.ResponsibilityItemViewSet, basename="responsibility-item")
router.register("joint-inspections", responsibility.JointInspectionViewSet, basename="joint-inspection")
router.register("high-risk-projects", admission.HighRiskProjectViewSet, basename="high-risk-project")
router.register("siting-reviews", admission.SitingReviewViewSet, basename="siting-review")
router.register("dense-places", admission.DensePlaceViewSet, basename="dense-place")
router.register("banned-equipment-catalog", admission.CatalogEntryViewSet, basename="catalog-entry")
router.register("declared-equipment", admission.DeclaredEquipmentViewSet, basename="declared-equipment")
router.register("exit-proposals", admission.ExitProposalViewSet, basename="exit-proposal")
router.register("standardization-certificates", standardization.StandardizationCertificateViewSet, basename="stdcert")
router.register("demonstration-enterprises", standardization.DemonstrationViewSet, basename="demonstration")
router.register("employees", training.EmployeeViewSet, basename="employee")
router.register("training-records", training.TrainingRecordViewSet, basename="training-record")
router.register("special-operation-certificates", training.SpecialCertificateViewSet, basename="opcert")

urlpatterns = [
    path("standardization-coverage/", standardization.StandardizationCoverageView.as_view(), name="stdcert-coverage"),
    path("training-compliance/", training.TrainingComplianceView.as_view(), name="training-compliance"),
    *router.urls,
]
