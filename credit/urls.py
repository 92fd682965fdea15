from __future__ import annotations

from django.urls import path

from . import views, views_joint

app_name = "credit"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("rules/", views.rules, name="rules"),
    path("enterprises/<int:pk>/", views.enterprise_credit, name="enterprise"),
    path("enterprises/<int:pk>/records/new/", views.record_create, name="record_create"),
    path("enterprises/<int:pk>/blacklist/propose/", views.blacklist_propose, name="blacklist_propose"),
    path("records/", views.record_list, name="records"),
    path("proposals/", views.proposals, name="proposals"),
    path("proposals/decide/", views.proposals_decide, name="proposals_decide"),
    path("records/<int:pk>/revoke/", views.record_revoke, name="record_revoke"),
    path("records/<int:pk>/evidence/", views.record_evidence, name="record_evidence"),
    path("blacklist/", views.blacklist, name="blacklist"),
    path("blacklist/<int:pk>/", views.blacklist_detail, name="blacklist_detail"),
    path("blacklist/<int:pk>/<slug:action>/", views.blacklist_action, name="blacklist_action"),
    path("repairs/<int:pk>/evidence/", views.repair_evidence, name="repair_evidence"),
    path("supervision/", views.supervision, name="supervision"),
    path("feed-usage/", views.feed_usage, name="feed_usage"),
    path("webhooks/", views.webhooks, name="webhooks"),
    path("webhooks/<int:pk>/deactivate/", views.webhook_deactivate, name="webhook_deactivate"),
    path("joint/measures/", views_joint.joint_measures, name="joint_measures"),
    path("joint/measures/new/", views_joint.joint_measure_create, name="joint_measure_create"),
    path("joint/measures/<int:pk>/revoke/", views_joint.joint_measure_revoke, name="joint_measure_revoke"),
    path("enterprises/<int:pk>/measures/new/", views_joint.enterprise_measure_create, name="joint_enterprise_measure"),
    path("joint/notices/", views_joint.joint_notices, name="joint_notices"),
    path("joint/notices/issue/", views_joint.joint_notices_issue, name="joint_notices_issue"),
    path("joint/notices/<int:pk>/", views_joint.joint_notice, name="joint_notice"),
    path("joint/notices/<int:pk>/acknowledge/", views_joint.joint_notice_acknowledge, name="joint_notice_acknowledge"),
]
