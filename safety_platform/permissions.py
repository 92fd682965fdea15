"""Who may do what: one vocabulary of roles and one registry of rules, asked with `can(user, action, obj)`.

Visibility ("which rows may this person see") is `visible_to(user)` on each queryset (`scoping.py`); the rules here
are the decisions on top of it ("may this person decide this proposal"). Each app declares its rules in its own
`<app>/permissions.py`, imported from its `AppConfig.ready()`:

    from safety_platform.permissions import rule

    @rule("credit.decide_proposal")
    def _decide_proposal(user, record) -> bool: ...

and every page, API view, form, service and template asks the registry:

    if can(request.user, "credit.decide_proposal", record): ...
    require(actor, "credit.decide_proposal", record)  # DomainError(code="forbidden") when refused

An action nobody registered is a programming error (`KeyError`), never a quiet "no".
The role groups below are the only place a set of roles is written; `tests/platform/test_permissions.py` reads
the registry against its permission matrix.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _

from .choices import Role

# One vocabulary of roles -------------------------------------------------------------------------

ALL_ROLES: frozenset[str] = frozenset(r.value for r in Role)
# Government staff: everyone but enterprise users (platform administrators included).
STAFF_ROLES: frozenset[str] = frozenset(
    {Role.ADMIN, Role.COMMITTEE, Role.COUNTY_OFFICE, Role.INSPECTOR, Role.DEPARTMENT}
)
# Government staff without the platform administrators (campaigns, the dashboards' own list).
OFFICIAL_ROLES: frozenset[str] = STAFF_ROLES - {Role.ADMIN}
# The whole city: committee staff and platform administrators.
CITY_ROLES: frozenset[str] = frozenset({Role.ADMIN, Role.COMMITTEE})
# Whose view is a set of jurisdiction subtrees (`user.jurisdiction_paths`).
JURISDICTION_ROLES: frozenset[str] = frozenset({Role.INSPECTOR, Role.COUNTY_OFFICE})
# City staff and the county committee offices: who decides for the committee (in its county for an office).
DECIDING_ROLES: frozenset[str] = CITY_ROLES | {Role.COUNTY_OFFICE}
# City staff and supervising departments: who records credit behaviour and proposes listings.
RECORDING_ROLES: frozenset[str] = CITY_ROLES | {Role.DEPARTMENT}
# Who works on site: inspectors and the enterprises' own people (hazards, risk sources).
SITE_ROLES: frozenset[str] = frozenset({Role.INSPECTOR, Role.ENTERPRISE})
ENTERPRISE_ROLES: frozenset[str] = frozenset({Role.ENTERPRISE})
# Who takes an inspector's own steps (closing a hazard, refusing a rectification, extending its deadline).
INSPECTOR_ROLES: frozenset[str] = frozenset({Role.INSPECTOR})
# The committee and its county offices (安委办), without the platform administrators: who lists hazards for
# supervision (挂牌督办).
COMMITTEE_OFFICE_ROLES: frozenset[str] = DECIDING_ROLES - {Role.ADMIN}
# Staff whose scope is an area (the city, or jurisdiction subtrees), not a department's enterprises.
AREA_ROLES: frozenset[str] = CITY_ROLES | JURISDICTION_ROLES


def is_person(user: Any) -> bool:
    """A signed-in, active person (an API key is not one: keys read, they decide nothing)."""
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and getattr(user, "api_key", None) is None
        and user.is_active
    )


def role_of(user: Any) -> str:
    """The role a person acts in ("" for nobody, an inactive person or an API key); a superuser is an admin."""
    if not is_person(user):
        return ""
    return str(Role.ADMIN if user.is_superuser else user.role)


def has_role(user: Any, roles: frozenset[str]) -> bool:
    return role_of(user) in roles


# Role facts the rules below and the querysets' scoping share (one vocabulary: no app keeps its own copy).


def is_staff_member(user: Any) -> bool:
    """A person acting for the government (`STAFF_ROLES`, platform administrators included)."""
    return has_role(user, STAFF_ROLES)


def is_city_staff(user: Any) -> bool:
    """Committee staff (安委办) and platform administrators: they act for the whole city."""
    return has_role(user, CITY_ROLES)


def is_platform_admin(user: Any) -> bool:
    return role_of(user) == Role.ADMIN


def is_enterprise_person(user: Any, enterprise_id: int | None = None) -> bool:
    """A person of an enterprise (of the enterprise `enterprise_id`, when given)."""
    if not has_role(user, ENTERPRISE_ROLES) or not user.enterprise_id:
        return False
    return enterprise_id is None or user.enterprise_id == enterprise_id


def sees(user: Any, obj: Any) -> bool:
    """Is `obj` among the rows its model's `visible_to(user)` shows?"""
    return bool(type(obj).objects.visible_to(user).filter(pk=obj.pk).exists())


def covers_jurisdiction(user: Any, jurisdiction: Any) -> bool:
    """Is `jurisdiction` inside one of the user's own subtrees (`user.jurisdiction_paths`)?"""
    return jurisdiction is not None and any(jurisdiction.path.startswith(path) for path in user.jurisdiction_paths)


# The registry ------------------------------------------------------------------------------------

Predicate = Callable[[Any, Any], bool]
_RULES: dict[str, Predicate] = {}


def register(action: str, predicate: Predicate) -> Predicate:
    """Declare who may do `action`: `predicate(user, obj) -> bool`. An action has one rule."""
    if "." not in action or action != action.strip().lower():
        raise ValueError(f"a permission action is '<app>.<verb_object>' in lower case, not {action!r}")
    known = _RULES.get(action)
    if known is not None and (known.__module__, known.__qualname__) != (predicate.__module__, predicate.__qualname__):
        raise ValueError(f"permission {action!r} is already registered by {known.__module__}.{known.__qualname__}")
    _RULES[action] = predicate
    return predicate


def rule(action: str) -> Callable[[Predicate], Predicate]:
    """Decorator form of `register`."""

    def decorate(predicate: Predicate) -> Predicate:
        return register(action, predicate)

    return decorate


def registered_actions() -> frozenset[str]:
    return frozenset(_RULES)


def can(user: Any, action: str, obj: Any = None) -> bool:
    """May `user` do `action` (on `obj`)? An unregistered action raises KeyError (a typo is a bug, not a "no")."""
    try:
        predicate = _RULES[action]
    except KeyError:
        raise KeyError(
            f"no permission rule is registered for {action!r} (declare it in <app>/permissions.py)"
        ) from None
    return bool(predicate(user, obj))


def require(user: Any, action: str, obj: Any = None, message: str | None = None) -> None:
    """Refuse with DomainError(code="forbidden") unless `can(user, action, obj)`."""
    if not can(user, action, obj):
        from .services import DomainError

        raise DomainError(message or _("You may not do this."), code="forbidden")
