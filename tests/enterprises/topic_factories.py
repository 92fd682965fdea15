"""Factories for the responsibility, admission, standardization and training topics (issue 6)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory

from enterprises.models import (
    CatalogEntry,
    DensePlace,
    Employee,
    HighRiskProject,
    SeparationDistance,
    SpecialOperationCertificate,
    StandardizationCertificate,
    TrainingRecord,
)


class EmployeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employee

    name = factory.Sequence(lambda n: f"员工{n}")
    role = "staff"
    post = "操作工"
    posted_on = dt.date(2024, 3, 1)
    current_post_since = factory.SelfAttribute("posted_on")


class TrainingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingRecord

    category = "company"
    hours = Decimal("8")
    completed_on = dt.date(2024, 2, 28)
    passed = True


class OperationCertificateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SpecialOperationCertificate

    operation = "electrical"
    certificate_number = factory.Sequence(lambda n: f"T3508{n:010d}")
    issued_on = dt.date(2022, 1, 1)
    expires_on = dt.date(2028, 1, 1)


class StdCertificateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StandardizationCertificate

    level = 3
    issuing_level = "city"
    certificate_number = factory.Sequence(lambda n: f"闽AQBWH III 2024{n:05d}")
    issued_on = dt.date(2024, 1, 10)
    expires_on = dt.date(2027, 1, 10)
    status = "valid"


class SeparationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SeparationDistance

    category = "hazchem_storage"
    distance_m = Decimal("1000.00")
    version = factory.Sequence(lambda n: f"v{n}")
    valid_from = dt.date(2020, 1, 1)


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HighRiskProject

    name = factory.Sequence(lambda n: f"危化品仓储项目{n}")
    category = "hazchem_storage"
    longitude = Decimal("117.030000")
    latitude = Decimal("25.100000")


class PlaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DensePlace

    name = factory.Sequence(lambda n: f"人员密集场所{n}")
    kind = "school"
    longitude = Decimal("117.030000")
    latitude = Decimal("25.100000")


class CatalogEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CatalogEntry

    name = factory.Sequence(lambda n: f"淘汰装备{n}")
    kind = "equipment"
    status = "banned"
    source_document = "淘汰落后安全技术装备目录（2015年第一批）"
    batch = "2015-1"
