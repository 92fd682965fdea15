from __future__ import annotations

from django.urls import path

from .views import accidents, contacts, dispatch, index, plans, supplies, teams, warnings

app_name = "emergency"

urlpatterns = [
    path("", index.index, name="index"),
    # Rescue teams
    path("teams/", teams.team_list, name="team_list"),
    path("teams/new/", teams.team_create, name="team_create"),
    path("teams/<int:pk>/", teams.team_detail, name="team_detail"),
    path("teams/<int:pk>/edit/", teams.team_edit, name="team_edit"),
    path("teams/<int:pk>/readiness/", teams.team_readiness, name="team_readiness"),
    path("teams/<int:pk>/members/", teams.team_member_add, name="team_member_add"),
    path("teams/<int:pk>/equipment/", teams.team_equipment_add, name="team_equipment_add"),
    # Warehouses and stock
    path("warehouses/", supplies.warehouse_list, name="warehouse_list"),
    path("warehouses/new/", supplies.warehouse_create, name="warehouse_create"),
    path("warehouses/<int:pk>/", supplies.warehouse_detail, name="warehouse_detail"),
    path("warehouses/<int:pk>/edit/", supplies.warehouse_edit, name="warehouse_edit"),
    path("warehouses/<int:pk>/receive/", supplies.stock_receive, name="stock_receive"),
    path("warehouses/<int:pk>/issue/", supplies.stock_issue, name="stock_issue"),
    path("warehouses/<int:pk>/transfer/", supplies.stock_transfer, name="stock_transfer"),
    path("warehouses/<int:pk>/minimum/", supplies.warehouse_minimum, name="warehouse_minimum"),
    path("ledger/", supplies.ledger, name="ledger"),
    path("stock-alerts/", supplies.alert_list, name="alert_list"),
    # Dispatch orders
    path("dispatch/", dispatch.dispatch_list, name="dispatch_list"),
    path("dispatch/new/", dispatch.dispatch_create, name="dispatch_create"),
    path("dispatch/<int:pk>/", dispatch.dispatch_detail, name="dispatch_detail"),
    path("dispatch/<int:pk>/approve/", dispatch.dispatch_approve, name="dispatch_approve"),
    path("dispatch/<int:pk>/reject/", dispatch.dispatch_reject, name="dispatch_reject"),
    path("dispatch/<int:pk>/cancel/", dispatch.dispatch_cancel, name="dispatch_cancel"),
    path("dispatch/<int:pk>/ship/", dispatch.dispatch_ship, name="dispatch_ship"),
    path("dispatch/<int:pk>/deliver/", dispatch.dispatch_deliver, name="dispatch_deliver"),
    path("dispatch/<int:pk>/settle/", dispatch.dispatch_settle, name="dispatch_settle"),
    # Accidents
    path("accidents/", accidents.accident_list, name="accident_list"),
    path("accidents/new/", accidents.accident_create, name="accident_create"),
    path("accidents/<int:pk>/", accidents.accident_detail, name="accident_detail"),
    path("accidents/<int:pk>/supplement/", accidents.accident_supplement, name="accident_supplement"),
    path("accidents/<int:pk>/forward/", accidents.accident_forward, name="accident_forward"),
    path("accidents/<int:pk>/log/", accidents.accident_log, name="accident_log"),
    path("accidents/<int:pk>/extend/", accidents.accident_extend, name="accident_extend"),
    path("accidents/<int:pk>/investigation/", accidents.accident_investigation, name="accident_investigation"),
    path("accidents/<int:pk>/concealed/", accidents.accident_concealed, name="accident_concealed"),
    path("accidents/<int:pk>/end-response/", accidents.accident_end_response, name="accident_end_response"),
    path("accidents/<int:pk>/close/", accidents.accident_close, name="accident_close"),
    path("accidents/<int:pk>/evaluation/", accidents.accident_evaluation, name="accident_evaluation"),
    path("accidents/<int:pk>/evaluation/conclude/", accidents.evaluation_conclude, name="evaluation_conclude"),
    path("accidents/<int:pk>/findings/", accidents.finding_add, name="finding_add"),
    path("accidents/<int:pk>/measures/", accidents.measure_add, name="measure_add"),
    path("measures/<int:pk>/progress/", accidents.measure_progress, name="measure_progress"),
    # Warnings
    path("warnings/", warnings.warning_list, name="warning_list"),
    path("warnings/new/", warnings.warning_create, name="warning_create"),
    path("warnings/<int:pk>/", warnings.warning_detail, name="warning_detail"),
    path("warnings/<int:pk>/acknowledge/", warnings.warning_acknowledge, name="warning_acknowledge"),
    path("warnings/<int:pk>/lift/", warnings.warning_lift, name="warning_lift"),
    path("warnings/<int:pk>/remind/", warnings.warning_remind, name="warning_remind"),
    path("warning-contacts/", contacts.contact_list, name="contact_list"),
    path("warning-contacts/new/", contacts.contact_create_view, name="contact_create"),
    path("warning-contacts/<int:pk>/", contacts.contact_edit, name="contact_edit"),
    path("warning-contacts/<int:pk>/active/", contacts.contact_active, name="contact_active"),
    # Plans and drills
    path("plans/", plans.plan_list, name="plan_list"),
    path("plans/new/", plans.plan_create, name="plan_create"),
    path("plans/overdue/", plans.overdue_enterprises, name="overdue_enterprises"),
    path("plans/<int:pk>/", plans.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/edit/", plans.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/drills/", plans.drill_add, name="drill_add"),
]
