"""`POST /api/v1/credit/blacklist/{id}/approve/`: the committee's approval of a blacklist entry.

For signed-in committee staff (token or session), not for department API keys (those only read the
feed). The service decides: the period comes from the entry's rule-set version (Order 11: 3 years),
and approval waits for the end of the objection period (409, code `objection_period_running`).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from safety_platform.api.views import ScopedViewSetMixin
from safety_platform.security import signed_in_user

from .. import services
from ..models import BlacklistEntry
from .serializers import BlacklistEntrySerializer


class BlacklistApproveSerializer(serializers.Serializer):
    listed_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="First day on the list; default today. It cannot be before the day of approval.",
    )
    ends_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="Optional check, not a choice: the end is the rule set's listing period (3 years) after "
        "`listed_on`. Any other day is refused (400, `errors.ends_on`): an earlier end is an early removal, "
        "decided only on an approved credit repair.",
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=4000, default="")


@extend_schema(tags=["credit"])
class BlacklistWorkflowViewSet(ScopedViewSetMixin, viewsets.GenericViewSet):
    queryset = BlacklistEntry.objects.select_related("enterprise", "department", "rule_set")
    serializer_class = BlacklistEntrySerializer

    @extend_schema(
        operation_id="credit_blacklist_approve",
        summary="Approve and publish a blacklist entry (committee staff)",
        description=(
            "Publishes an entry whose prior notice was served, once its objection period has ended (or the "
            "objection was dismissed); before that the answer is 409 with code `objection_period_running` "
            "and the first day approval is possible. The listing period comes from the entry's rule-set "
            "version (`rule_set_version`): `ends_on` is computed, 3 years after `listed_on` under MEM "
            "Order 11. The approver must not be the proposer."
        ),
        request=BlacklistApproveSerializer,
        responses={200: BlacklistEntrySerializer},
    )
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: Any = None) -> Response:
        entry = self.get_object()  # 404 outside the caller's scope
        serializer = BlacklistApproveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        entry = services.blacklist_approve(actor=signed_in_user(request), entry=entry, **serializer.validated_data)
        return Response(BlacklistEntrySerializer(self.get_queryset().get(pk=entry.pk)).data)
