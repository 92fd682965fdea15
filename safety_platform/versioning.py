"""One way to version a rule table (DESIGN §3a: "every rule table carries a version, and every decision records
the version that justified it; old decisions stay explainable").

A rule set (the legal numbers' rule book, credit grading rules, accident grading thresholds, inspection
frequency rules, enforcement time limits …) is a `RuleVersion`; its rows (numbers, rules, limits) are
`RuleVersionRow`s. A version becomes frozen once it is in force — its status is one of `frozen_statuses` — or,
for a table without a status, once a decision has recorded it (`recorded_in`). A frozen version refuses any
change of itself (except `editable_when_frozen`, e.g. a note; a status may move on, never back to a draft),
its deletion, and any change, addition or deletion of its rows: one refusal, `rule_version_frozen`, with the
model's `frozen_message`. A change of the rules is a new version with a later start.

`RuleVersionQuerySet.in_force(on)` is the version in force on a day: the newest usable one (status in
`in_force_statuses`, or any when the table has no status) starting on or before it; before the first one,
the earliest (a record older than the rules is still decided). The admin side is
`safety_platform.admin_versioning`.

The checks read the stored row, not the instance: a draft being put in force saves once, and a stale
instance of a version frozen meanwhile is still refused. A queryset's `update()`/`delete()` and
`bulk_create()` bypass `save()`, and so these checks (a migration, a fixture, a copy into a new draft use
them); the services and the admin write through `save()`.
"""

from __future__ import annotations

import datetime as dt
from functools import reduce
from operator import or_
from typing import Any, ClassVar, Generic, NoReturn, TypeVar

from django.apps import apps
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

RULE_VERSION_FROZEN = "rule_version_frozen"

_V = TypeVar("_V", bound="RuleVersion")


def local_day(on: dt.date | dt.datetime | None) -> dt.date:
    """The day in Shanghai of `on` (a date, a moment, or today when None)."""
    if on is None:
        return timezone.localdate()
    if isinstance(on, dt.datetime):
        return timezone.localtime(on).date() if timezone.is_aware(on) else on.date()
    return on


_M = TypeVar("_M", bound=models.Model)


def version_on(versions: models.QuerySet[_M], start: str, on: dt.date) -> _M | None:
    """Of `versions`, the one in force on `on`: the newest whose `start` field is on or before it; before the
    first one, the earliest (a record older than the rules is still decided)."""
    return (
        versions.filter(**{f"{start}__lte": on}).order_by(f"-{start}", "-id").first()
        or versions.order_by(start, "id").first()
    )


class RuleVersionQuerySet(models.QuerySet[_V], Generic[_V]):
    def usable(self) -> RuleVersionQuerySet[_V]:
        """The versions a decision may be taken under (in force, not drafts)."""
        statuses = self.model.in_force_statuses
        return self.filter(**{f"{self.model.status_field}__in": statuses}) if statuses else self

    def in_force(self, on: dt.date | dt.datetime | None = None) -> _V | None:
        """The usable version in force on `on` (today by default); before the first one, the earliest."""
        return version_on(self.usable(), self.model.in_force_field, local_day(on))


class RuleVersion(models.Model):
    """One version of a rule table. Subclasses name their columns, say when a version is frozen, and take their
    manager from `RuleVersionQuerySet` (or a subclass of it)."""

    # The day the version starts to apply.
    in_force_field: ClassVar[str] = "effective_from"
    status_field: ClassVar[str] = "status"
    # Statuses a decision may use; empty: the table has no status and every version may be used.
    in_force_statuses: ClassVar[tuple[str, ...]] = ()
    # Statuses in which a version is frozen (in force, or withdrawn after it was).
    frozen_statuses: ClassVar[tuple[str, ...]] = ()
    # ("app_label.Model", "field") of each decision that records the version: once one does, it is frozen.
    recorded_in: ClassVar[tuple[tuple[str, str], ...]] = ()
    # Fields a frozen version may still change (a note; the status, but only between frozen statuses).
    editable_when_frozen: ClassVar[tuple[str, ...]] = ()
    frozen_message: ClassVar[Any] = _("A version in force cannot be changed: make a new version.")

    class Meta:
        abstract = True

    @classmethod
    def frozen_condition(cls) -> Q:
        """The stored versions that are frozen, as a filter."""
        conditions = [Q(**{f"{cls.status_field}__in": cls.frozen_statuses})] if cls.frozen_statuses else []
        for label, field in cls.recorded_in:
            decisions = apps.get_model(label)._base_manager.filter(**{field: OuterRef("pk")})
            conditions.append(Q(Exists(decisions)))
        return reduce(or_, conditions) if conditions else Q(pk__in=[])  # declares neither: never frozen

    @classmethod
    def refuse_frozen(cls, field: str | None = None) -> NoReturn:
        """The one refusal of a change to a frozen version or to its rows."""
        from .services import DomainError

        raise DomainError(str(cls.frozen_message), code=RULE_VERSION_FROZEN, field=field)

    @classmethod
    def refuse_if_frozen(cls, versions: Q) -> None:
        """Refuse when any stored version matching `versions` is frozen."""
        if cls._base_manager.filter(versions).filter(cls.frozen_condition()).exists():
            cls.refuse_frozen()

    @property
    def is_frozen(self) -> bool:
        """Whether this (stored) version refuses changes; a draft's page reads it without a query."""
        if self.pk is None:
            return False
        if self.frozen_statuses and getattr(self, self.status_field) in self.frozen_statuses:
            return True
        if not self.recorded_in:
            return False
        return type(self)._base_manager.filter(pk=self.pk).filter(self.frozen_condition()).exists()

    def _refuse_frozen_change(self, update_fields: Any) -> None:
        guarded = [
            f for f in self._meta.concrete_fields if not f.primary_key and f.name not in self.editable_when_frozen
        ]
        if update_fields is not None:
            names = set(update_fields)
            guarded = [f for f in guarded if f.name in names or f.attname in names]
        watched = [f.attname for f in guarded]
        if self.frozen_statuses:
            watched.append(self.status_field)
        stored = type(self)._base_manager.filter(pk=self.pk).filter(self.frozen_condition()).values(*watched).first()
        if stored is None:
            return  # a draft, an unused version, or a new row
        for f in guarded:
            if f.to_python(getattr(self, f.attname)) != stored[f.attname]:
                self.refuse_frozen(f.name)
        if self.frozen_statuses and getattr(self, self.status_field) not in self.frozen_statuses:
            self.refuse_frozen(self.status_field)  # never back to a draft

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            self._refuse_frozen_change(kwargs.get("update_fields"))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        type(self).refuse_if_frozen(Q(pk=self.pk))
        return super().delete(*args, **kwargs)


class RuleVersionRow(models.Model):
    """A row of a rule version (a number, a rule, a limit): changed, added or deleted only in a version that is
    not frozen."""

    # The foreign key to the version.
    version_field: ClassVar[str] = "rule_set"

    class Meta:
        abstract = True

    @classmethod
    def version_link(cls) -> models.ForeignKey[Any, Any]:
        field = cls._meta.get_field(cls.version_field)
        assert isinstance(field, models.ForeignKey)
        return field

    @classmethod
    def version_model(cls) -> type[RuleVersion]:
        model = cls.version_link().related_model
        assert isinstance(model, type) and issubclass(model, RuleVersion)
        return model

    def _refuse_if_version_frozen(self) -> None:
        attname = self.version_link().attname
        versions = Q(pk=getattr(self, attname))
        if self.pk is not None and not self._state.adding:
            # A row moved out of a frozen version changes that version too.
            versions |= Q(pk__in=type(self)._base_manager.filter(pk=self.pk).values(attname))
        self.version_model().refuse_if_frozen(versions)

    def save(self, *args: Any, **kwargs: Any) -> None:
        self._refuse_if_version_frozen()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        self._refuse_if_version_frozen()
        return super().delete(*args, **kwargs)
