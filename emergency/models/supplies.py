"""Supply warehouses (应急物资储备库), stock per item and batch, and the stock ledger (物资台账)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safety_platform.models.base import CreatedModel
from safety_platform.models.fields import (
    coordinates_both_or_none,
    enterprise_link,
    jurisdiction_link,
    latitude_field,
    longitude_field,
    not_negative,
    person_link,
)
from safety_platform.scoping import ActiveFlagMixin

from ..choices import INBOUND_MOVEMENTS, MovementKind, StockAlertKind, WarehouseLevel
from .common import _M, OwnedQuerySet


class SupplyItem(models.Model):
    """应急物资品类 — a kind of emergency supply (tents, pumps, sandbags …) in whole units."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    category = models.CharField(_("category"), max_length=60, blank=True)
    specification = models.CharField(_("specification"), max_length=100, blank=True)
    unit = models.CharField(_("unit"), max_length=10, default="件")
    default_min_quantity = models.PositiveIntegerField(
        _("default minimum stock"), default=0, help_text=_("Used for a warehouse that sets no minimum of its own.")
    )
    expiry_warning_days = models.PositiveIntegerField(
        _("expiry warning (days)"), default=30, help_text=_("Batches are flagged this many days before they expire.")
    )

    class Meta:
        verbose_name = _("supply item")
        verbose_name_plural = _("supply items")
        ordering = ["category", "name", "id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.unit}）"


class WarehouseQuerySet(ActiveFlagMixin, OwnedQuerySet["Warehouse"]):
    """Warehouses, scoped as their owner (an enterprise or a jurisdiction); `active()`: those not closed."""


class Warehouse(CreatedModel):
    """应急物资储备库 — a city or county reserve, or an enterprise's own store."""

    name = models.CharField(_("name"), max_length=120)
    level = models.CharField(pgettext_lazy("emergency", "level"), max_length=12, choices=WarehouseLevel.choices)
    jurisdiction = jurisdiction_link()
    enterprise = enterprise_link(optional=True, related_name="warehouses", help_text=_("Only for enterprise stores."))
    address = models.CharField(_("address"), max_length=200, blank=True)
    latitude = latitude_field(db_index=True)  # a search by distance first narrows to a latitude range
    longitude = longitude_field()
    keeper_name = models.CharField(_("keeper"), max_length=60, blank=True)
    keeper_phone = models.CharField(_("keeper phone"), max_length=30, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = WarehouseQuerySet.as_manager()

    class Meta:
        verbose_name = _("warehouse")
        verbose_name_plural = _("warehouses")
        ordering = ["level", "name", "id"]
        constraints = [
            coordinates_both_or_none("warehouse_coordinates_both_or_none"),
            models.CheckConstraint(
                condition=Q(level=WarehouseLevel.ENTERPRISE, enterprise__isnull=False)
                | (~Q(level=WarehouseLevel.ENTERPRISE) & Q(enterprise__isnull=True)),
                name="warehouse_enterprise_store_has_enterprise",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("emergency:warehouse_detail", args=[self.pk])


class WarehouseItem(models.Model):
    """储备定额 — the minimum stock a warehouse keeps of an item (below it the item is flagged)."""

    warehouse = models.ForeignKey(
        Warehouse, verbose_name=_("warehouse"), on_delete=models.CASCADE, related_name="item_settings"
    )
    item = models.ForeignKey(SupplyItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="+")
    min_quantity = models.PositiveIntegerField(_("minimum stock"), default=0)

    class Meta:
        verbose_name = _("reserve quota")
        verbose_name_plural = _("reserve quotas")
        constraints = [models.UniqueConstraint(fields=["warehouse", "item"], name="warehouseitem_unique")]

    def __str__(self) -> str:
        return f"{self.warehouse}: {self.item} ≥ {self.min_quantity}"


class StockScopedQuerySet(OwnedQuerySet[_M]):  # StockBatch, StockMovement and StockAlert: by their warehouse
    enterprise_prefix = "warehouse__enterprise"
    jurisdiction_prefix = "warehouse__jurisdiction"


class StockBatch(models.Model):
    """库存批次 — the stock of one item and batch in one warehouse; `quantity` is the stored balance.

    The balance is only ever changed together with a ledger entry (`StockMovement`) in the same
    transaction, so it always equals the ledger's sum. The database refuses a negative balance.
    """

    warehouse = models.ForeignKey(
        Warehouse, verbose_name=_("warehouse"), on_delete=models.PROTECT, related_name="batches"
    )
    item = models.ForeignKey(SupplyItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="batches")
    batch_no = models.CharField(_("batch"), max_length=60, blank=True, default="")
    expires_on = models.DateField(_("expires on"), null=True, blank=True, db_index=True)
    quantity = models.IntegerField(_("quantity"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = StockScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("stock batch")
        verbose_name_plural = _("stock batches")
        ordering = ["item__name", "expires_on", "id"]
        constraints = [
            # The last line of defence: whatever code path runs, stock never goes negative.
            not_negative("quantity", name="stockbatch_quantity_not_negative"),
            models.UniqueConstraint(fields=["warehouse", "item", "batch_no"], name="stockbatch_unique_batch"),
        ]
        indexes = [models.Index(fields=["warehouse", "item"])]

    def __str__(self) -> str:
        label = f"{self.item.name} {self.batch_no}".strip()
        return f"{label} @ {self.warehouse.name}: {self.quantity}"

    @property
    def is_expired(self) -> bool:
        return self.expires_on is not None and self.expires_on < timezone.localdate()


class StockMovement(models.Model):
    """物资台账 — one ledger entry: a signed change of one batch. Append-only (never edited or deleted)."""

    batch = models.ForeignKey(StockBatch, verbose_name=_("batch"), on_delete=models.PROTECT, related_name="movements")
    warehouse = models.ForeignKey(Warehouse, verbose_name=_("warehouse"), on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey(SupplyItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("movement"), max_length=20, choices=MovementKind.choices)
    quantity = models.IntegerField(_("quantity"), help_text=_("Positive for stock in, negative for stock out."))
    balance_after = models.IntegerField(_("balance after"))
    occurred_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = person_link(_("by"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    transfer_ref = models.UUIDField(_("transfer reference"), null=True, blank=True, db_index=True)
    allocation = models.ForeignKey(
        "emergency.DispatchAllocation",
        verbose_name=_("dispatch"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="movements",
    )

    objects = StockScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock ledger")
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind__in=sorted(INBOUND_MOVEMENTS)) & Q(quantity__gt=0))
                | (~Q(kind__in=sorted(INBOUND_MOVEMENTS)) & Q(quantity__lt=0)),
                name="stockmovement_sign_matches_kind",
            ),
            not_negative("balance_after", name="stockmovement_balance_not_negative"),
        ]
        indexes = [models.Index(fields=["warehouse", "item", "occurred_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.quantity:+d} {self.item_id}@{self.warehouse_id}"


class StockAlertQuerySet(StockScopedQuerySet["StockAlert"]):
    def open(self) -> StockAlertQuerySet:
        return self.filter(resolved_at__isnull=True)


class StockAlert(models.Model):
    """库存预警 — a flag raised by the scheduled check: a batch expiring or expired, an item below its minimum."""

    kind = models.CharField(_("kind"), max_length=12, choices=StockAlertKind.choices)
    key = models.CharField(
        _("alert key"), max_length=80, help_text="kind:warehouse:item[:batch] — one open alert per key"
    )
    warehouse = models.ForeignKey(Warehouse, verbose_name=_("warehouse"), on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(SupplyItem, verbose_name=_("item"), on_delete=models.CASCADE, related_name="+")
    batch = models.ForeignKey(
        StockBatch, verbose_name=_("batch"), null=True, blank=True, on_delete=models.CASCADE, related_name="alerts"
    )
    quantity = models.IntegerField(_("quantity"), default=0)
    threshold = models.IntegerField(_("minimum stock"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    raised_at = models.DateTimeField(_("raised at"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    objects = StockAlertQuerySet.as_manager()

    class Meta:
        verbose_name = _("stock alert")
        verbose_name_plural = _("stock alerts")
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["key"], condition=Q(resolved_at__isnull=True), name="stockalert_one_open")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.item_id}@{self.warehouse_id}"
