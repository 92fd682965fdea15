"""Writes of the enterprises app, one module per topic (registry, admission, standardization, training)."""

from .registry import (
    EDITABLE_FIELDS,
    ImportProblem,
    ImportResult,
    _apply_derived_department,
    can_manage_enterprises,
    enterprise_can_edit,
    enterprise_change_status,
    enterprise_create,
    enterprise_import,
    enterprise_update,
    enterprises_rederive_departments,
)

__all__ = [
    "EDITABLE_FIELDS",
    "ImportProblem",
    "ImportResult",
    "_apply_derived_department",
    "can_manage_enterprises",
    "enterprise_can_edit",
    "enterprise_change_status",
    "enterprise_create",
    "enterprise_import",
    "enterprise_update",
    "enterprises_rederive_departments",
]
