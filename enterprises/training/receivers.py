"""Listeners: each change of an enterprise's people, trainings or certificates, or of its industry (which sets the
training hours), refreshes its `TrainingComplianceSummary` row in the same transaction (`summary.py`)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from ..registry.signals import stored_before_save, watch_stored_enterprise_fields


def _refresh(enterprise_id: int | None) -> None:
    if enterprise_id is not None:
        from .summary import compliance_summary_refresh

        compliance_summary_refresh(enterprise_id)


@receiver(post_save, sender="enterprises.Employee", dispatch_uid="training_summary_employee_saved")
@receiver(post_delete, sender="enterprises.Employee", dispatch_uid="training_summary_employee_deleted")
def on_employee_change(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        _refresh(instance.enterprise_id)


@receiver(post_save, sender="enterprises.TrainingRecord", dispatch_uid="training_summary_record_saved")
@receiver(post_delete, sender="enterprises.TrainingRecord", dispatch_uid="training_summary_record_deleted")
@receiver(post_save, sender="enterprises.SpecialOperationCertificate", dispatch_uid="training_summary_cert_saved")
@receiver(post_delete, sender="enterprises.SpecialOperationCertificate", dispatch_uid="training_summary_cert_deleted")
def on_employee_record_change(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        from .models import Employee

        _refresh(Employee.objects.filter(pk=instance.employee_id).values_list("enterprise_id", flat=True).first())


watch_stored_enterprise_fields("risk_category")


@receiver(post_save, sender="enterprises.Enterprise", dispatch_uid="training_summary_enterprise_post_save")
def on_enterprise_post_save(
    sender: Any, instance: Any, raw: bool = False, update_fields: Any = None, **kwargs: Any
) -> None:
    before = stored_before_save(instance, ("risk_category",), update_fields)
    if not raw and before is not None and before[0] != instance.risk_category:
        from .models import TrainingComplianceSummary

        if TrainingComplianceSummary.objects.filter(pk=instance.pk).exists():
            _refresh(instance.pk)
