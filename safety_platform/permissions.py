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
