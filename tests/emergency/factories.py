"""Factories and helpers for emergency tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import factory
from django.utils import timezone

from emergency.choices import PlanKind, WarehouseLevel
from emergency.models import EmergencyPlan, RescueTeam, Skill, SupplyItem, Warehouse


class SupplyItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupplyItem
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"test-item-{n}")
    name = factory.Sequence(lambda n: f"测试物资{n}")
    unit = "件"


class WarehouseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Warehouse

    name = factory.Sequence(lambda n: f"测试储备库{n}")
    level = WarehouseLevel.COUNTY


class RescueTeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RescueTeam

    name = factory.Sequence(lambda n: f"测试救援队{n}")
    kind = "professional"


class SkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Skill
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"skill-{n}")
    name = factory.Sequence(lambda n: f"技能{n}")


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EmergencyPlan

    title = factory.Sequence(lambda n: f"应急预案{n}")
    kind = PlanKind.COMPREHENSIVE


def hours_ago(hours: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(hours=hours)


def accident_figures(deaths: int = 0, injuries: int = 0, loss: Any = 0) -> dict[str, Any]:
    return {"deaths": deaths, "serious_injuries": injuries, "direct_loss_yuan": Decimal(str(loss))}
