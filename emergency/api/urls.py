from __future__ import annotations

from rest_framework.routers import SimpleRouter

from . import views

app_name = "emergency-api"

router = SimpleRouter()
router.register("skills", views.SkillViewSet, basename="skill")
router.register("items", views.SupplyItemViewSet, basename="item")
router.register("teams", views.TeamViewSet, basename="team")
router.register("warehouses", views.WarehouseViewSet, basename="warehouse")
router.register("batches", views.BatchViewSet, basename="batch")
router.register("ledger", views.LedgerViewSet, basename="ledger")
router.register("stock-alerts", views.StockAlertViewSet, basename="stock-alert")
router.register("dispatch-orders", views.DispatchOrderViewSet, basename="dispatch-order")
router.register("accidents", views.AccidentViewSet, basename="accident")
router.register("measures", views.MeasureViewSet, basename="measure")
router.register("warnings", views.WarningViewSet, basename="warning")
router.register("plans", views.PlanViewSet, basename="plan")
router.register("drills", views.DrillViewSet, basename="drill")

urlpatterns = router.urls
