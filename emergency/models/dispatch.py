"""Dispatch orders (物资调拨) across counties: request → approval → dispatch → delivery → return/consumption."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safety_platform.models.base import TimestampedModel
from safety_platform.models.fields import jurisdiction_link, person_link, positive, state_change_fields
from safety_platform.scoping import jurisdiction_scope_q

from ..choices import DispatchAction, DispatchStatus
from .common import owned_scope_q


class DispatchOrderQuerySet(models.QuerySet["DispatchOrder"]):
    def visible_to(self, user: Any) -> DispatchOrderQuerySet:
        """The requesting jurisdiction's staff, and whoever holds a warehouse the order draws on.

        Cross-county orders (市县互联互通) are thus seen by both counties; an enterprise sees orders that
        requisition its own store.
        """
        from .supplies import Warehouse

        warehouse_q = owned_scope_q(user)
        requester_q = jurisdiction_scope_q(user, "requesting_jurisdiction")
        if warehouse_q is None or requester_q is None:
            return self
        sources = Warehouse.objects.filter(warehouse_q).filter(dispatch_orders=OuterRef("pk"))
        return self.filter(requester_q | Q(Exists(sources)))

    def open(self) -> DispatchOrderQuerySet:
        return self.exclude(status__in=[DispatchStatus.CLOSED, DispatchStatus.REJECTED, DispatchStatus.CANCELLED])


class DispatchOrder(TimestampedModel):
    """物资调拨单 — a request for supplies for an incident, approved and dispatched from one or more warehouses."""

    title = models.CharField(pgettext_lazy("emergency", "title"), max_length=200)
    accident = models.ForeignKey(
        "emergency.Accident",
        verbose_name=_("for incident"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dispatch_orders",
    )
    requesting_jurisdiction = jurisdiction_link(_("requesting jurisdiction"))
    destination = models.CharField(_("deliver to"), max_length=200)
    contact_name = models.CharField(_("receiving contact"), max_length=60, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    needed_by = models.DateTimeField(_("needed by"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=DispatchStatus.choices, default=DispatchStatus.REQUESTED, db_index=True
    )
    source_warehouses = models.ManyToManyField(
        "emergency.Warehouse",
        verbose_name=_("source warehouses"),
        blank=True,
        related_name="dispatch_orders",
        help_text=_("Warehouses the approver designated to supply this order."),
    )
    requested_by = person_link(_("requested by"), optional=False)
    approved_by = person_link(_("approved by"))
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    closed_at = models.DateTimeField(pgettext_lazy("emergency", "closed at"), null=True, blank=True)
    is_partial = models.BooleanField(
        _("partially fulfilled"), default=False, help_text=_("Less was delivered than approved.")
    )

    objects = DispatchOrderQuerySet.as_manager()

    class Meta:
        verbose_name = _("dispatch order")
        verbose_name_plural = _("dispatch orders")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def number(self) -> str:
        created = self.created_at or timezone.now()
        return f"DB{created:%Y}-{self.pk or 0:05d}"

    def get_absolute_url(self) -> str:
        return reverse("emergency:dispatch_detail", args=[self.pk])


class DispatchLine(models.Model):
    """调拨明细 — one item of an order: how many were requested and how many approved."""

    order = models.ForeignKey(
        DispatchOrder, verbose_name=pgettext_lazy("emergency", "order"), on_delete=models.PROTECT, related_name="lines"
    )
    item = models.ForeignKey("emergency.SupplyItem", verbose_name=_("item"), on_delete=models.PROTECT, related_name="+")
    requested_quantity = models.PositiveIntegerField(_("requested"))
    approved_quantity = models.PositiveIntegerField(_("approved"), null=True, blank=True)

    class Meta:
        verbose_name = _("dispatch line")
        verbose_name_plural = _("dispatch lines")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["order", "item"], name="dispatchline_one_per_item"),
            positive("requested_quantity", name="dispatchline_requested_positive"),
            models.CheckConstraint(
                condition=Q(approved_quantity__isnull=True) | Q(approved_quantity__lte=models.F("requested_quantity")),
                name="dispatchline_approved_within_requested",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_id} × {self.requested_quantity}"


class DispatchAllocation(models.Model):
    """出库记录 — stock shipped for a line from one batch of one warehouse, then returned or consumed."""

    line = models.ForeignKey(DispatchLine, verbose_name=_("line"), on_delete=models.PROTECT, related_name="allocations")
    batch = models.ForeignKey(
        "emergency.StockBatch", verbose_name=_("batch"), on_delete=models.PROTECT, related_name="+"
    )
    warehouse = models.ForeignKey(
        "emergency.Warehouse", verbose_name=_("warehouse"), on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.PositiveIntegerField(_("dispatched"))
    shipped_at = models.DateTimeField(_("dispatched at"), default=timezone.now)
    shipped_by = person_link(_("dispatched by"), optional=False)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    returned_quantity = models.PositiveIntegerField(_("returned"), default=0)
    consumed_quantity = models.PositiveIntegerField(_("consumed"), default=0)

    class Meta:
        verbose_name = _("dispatch allocation")
        verbose_name_plural = _("dispatch allocations")
        ordering = ["id"]
        constraints = [
            positive("quantity", name="dispatchallocation_quantity_positive"),
            models.CheckConstraint(
                condition=Q(returned_quantity__lte=models.F("quantity") - models.F("consumed_quantity")),
                name="dispatchallocation_settled_within_dispatched",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.line_id}: {self.quantity} from {self.warehouse_id}"

    @property
    def outstanding(self) -> int:
        return self.quantity - self.returned_quantity - self.consumed_quantity


class DispatchStep(models.Model):
    """调拨流转记录 — one step of an order (who, when, what, from which state). Append-only."""

    order = models.ForeignKey(
        DispatchOrder, verbose_name=_("dispatch order"), on_delete=models.PROTECT, related_name="steps"
    )
    action = models.CharField(_("action"), max_length=12, choices=DispatchAction.choices)
    from_status, to_status = state_change_fields(DispatchStatus.choices, max_length=12)
    actor = person_link(_("by"))
    at = models.DateTimeField(_("time"), default=timezone.now)
    note = models.CharField(_("note"), max_length=500, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("dispatch step")
        verbose_name_plural = _("dispatch steps")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.action}"
