"""API base classes and the core endpoints (me, jurisdictions, departments, industries, notifications)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from ..audit import set_request_actor
from ..choices import ApiScope
from ..concurrency import VersionedAPIMixin
from ..models import Department, Industry, Jurisdiction, Notification
from ..services import notification_mark_read

if TYPE_CHECKING:
    from rest_framework import generics

    # For the type checker the mixin is the view it is mixed into (queryset, request, super().initial).
    _ViewBase = generics.GenericAPIView
else:
    _ViewBase = object


class ScopedViewSetMixin(_ViewBase):
    """Every API list/detail goes through `Model.objects.visible_to(request.user)`.

    Subclasses set `queryset` (the base, with select_related) and never override the scoping.
    Objects outside the user's scope are simply not found (404), so their existence is not leaked.
    """

    def get_queryset(self) -> QuerySet[Any]:
        # GenericAPIView's: a fresh copy of `queryset` (`.all()`), then narrowed to the user's scope.
        return super().get_queryset().visible_to(self.request.user)  # type: ignore[attr-defined]

    def initial(self, request: Any, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        set_request_actor(request)


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


class ScopedEditViewSet(
    VersionedAPIMixin,
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    # Rows read within the caller's scope, created and edited (an edit carries the version it was read at);
    # `perform_create`/`perform_update` call the app's services. No docstring: the API schema would take it
    # for a viewset that has none of its own.
    pass


class JurisdictionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Jurisdiction
        fields = ["id", "name", "code", "level", "parent", "path"]


class DepartmentSerializer(serializers.ModelSerializer):
    industries: serializers.SlugRelatedField[Industry] = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="code"
    )

    class Meta:
        model = Department
        fields = ["id", "name", "short_name", "code", "jurisdiction", "is_committee_member", "industries"]


class IndustrySerializer(serializers.ModelSerializer):
    class Meta:
        model = Industry
        fields = ["code", "name", "level"]


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "title", "body", "url", "category", "created_at", "read_at"]


class JurisdictionViewSet(ScopedReadOnlyViewSet):
    """The jurisdiction tree (city → county/district/zone → township → grid)."""

    queryset = Jurisdiction.objects.all()
    serializer_class = JurisdictionSerializer
    filterset_fields = ["level", "parent", "code"]
    search_fields = ["name", "code"]
    api_key_read_scope = ApiScope.ENTERPRISES_READ


class DepartmentViewSet(ScopedReadOnlyViewSet):
    """Departments and the industries they supervise."""

    queryset = Department.objects.prefetch_related("industries")
    serializer_class = DepartmentSerializer
    filterset_fields = ["is_committee_member", "jurisdiction"]
    search_fields = ["name", "code"]
    api_key_read_scope = ApiScope.ENTERPRISES_READ


class IndustryViewSet(viewsets.ReadOnlyModelViewSet):
    """GB/T 4754-2017 industries known to the platform."""

    queryset = Industry.objects.all()
    serializer_class = IndustrySerializer
    lookup_field = "code"
    filterset_fields = ["level"]
    search_fields = ["code", "name"]
    api_key_read_scope = ApiScope.ENTERPRISES_READ


class NotificationViewSet(ScopedViewSetMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """The signed-in user's notifications."""

    queryset = Notification.objects.all()
    serializer_class = NotificationSerializer
    filterset_fields = ["category"]

    @extend_schema(
        request=None, responses=inline_serializer("NotificationsMarked", {"marked": serializers.IntegerField()})
    )
    @action(detail=False, methods=["post"], url_path="mark-read")
    def mark_read(self, request: Any) -> Response:
        count = notification_mark_read(user=request.user)
        return Response({"marked": count})


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    full_name = serializers.CharField()
    role = serializers.CharField()
    department = serializers.IntegerField(allow_null=True, source="department_id")
    enterprise = serializers.IntegerField(allow_null=True, source="enterprise_id")
    jurisdictions = serializers.ListField(child=serializers.IntegerField())


class MeView(APIView):
    """Who am I: the signed-in user's role and scope."""

    @extend_schema(responses=MeSerializer)
    def get(self, request: Any) -> Response:
        user = request.user
        data = {
            "username": user.username,
            "full_name": getattr(user, "full_name", ""),
            "role": user.role,
            "department_id": user.department_id,
            "enterprise_id": user.enterprise_id,
            "jurisdictions": list(user.jurisdictions.values_list("id", flat=True)) if user.pk else [],
        }
        return Response(MeSerializer(data).data)


@extend_schema_view(
    post=extend_schema(
        auth=[],
        summary="A user's API token",
        responses=inline_serializer("AuthToken", {"token": serializers.CharField()}),
    )
)
class TokenView(ObtainAuthToken):
    """Exchange a username and password for the user's token (`Authorization: Token <token>`); wrong ones are a 400."""
