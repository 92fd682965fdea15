"""Who may do what in the assessment (visibility itself is `visible_to`): the rules asked with
`can(user, "assessment.…", obj)`."""

from __future__ import annotations

from typing import Any

from safety_platform.choices import Role
from safety_platform.permissions import STAFF_ROLES, is_city_staff, is_staff_member, rule

from .models import AssessmentResult


@rule("assessment.view")
def _view(user: Any, obj: Any = None) -> bool:
    """Government staff follow the assessment (runs, schemes); every figure is still scoped by `visible_to`."""
    return is_staff_member(user)


@rule("assessment.see_dashboard")
def _see_dashboard(user: Any, obj: Any = None) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(user.is_superuser or user.role in STAFF_ROLES)


@rule("assessment.administer")
def _administer(user: Any, obj: Any = None) -> bool:
    """Committee staff and administrators keep the schemes, answer objections and publish results."""
    return is_city_staff(user)


@rule("assessment.object_to_result")
def _object_to_result(user: Any, result: AssessmentResult) -> bool:
    """County staff (inspectors) who see their county's result, or a department's staff their department's
    duty check, may object to it while it is preliminary."""
    if not getattr(user, "is_authenticated", False) or getattr(user, "api_key", None) is not None:
        return False
    role = getattr(user, "role", None)
    if result.department_id:
        return bool(role == Role.DEPARTMENT and user.is_active and user.department_id == result.department_id)
    return bool(
        role in (Role.INSPECTOR, Role.COUNTY_OFFICE)
        and result.jurisdiction_id
        and AssessmentResult.objects.visible_to(user).filter(pk=result.pk).exists()
    )
