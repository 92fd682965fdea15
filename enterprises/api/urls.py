from __future__ import annotations

from rest_framework.routers import SimpleRouter

from ..registry.api import EnterpriseViewSet

app_name = "enterprises-api"

router = SimpleRouter()
router.register("enterprises", EnterpriseViewSet, basename="enterprise")

# Issue 6 topics: responsibility, admission, standardization, training.
from django.urls import path  # noqa: E402

from . import admission, responsibility, standardization, training  # noqa: E402

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
