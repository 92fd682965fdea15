"""Load Longyan's jurisdictions, industries and departments (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from safety_platform.choices import JurisdictionLevel
from safety_platform.models import Department, Industry, Jurisdiction
from safety_platform.models.org import DepartmentIndustry
from safety_platform.reference_data import CITY, COUNTIES, DEPARTMENTS, INDUSTRIES


def _bulk_load_into_empty_tables() -> Jurisdiction:
    """The same data as below in a handful of INSERTs (a fresh database, and every test, start here)."""
    city = Jurisdiction(name=CITY[0], code=CITY[1], level=JurisdictionLevel.CITY)
    Jurisdiction.objects.bulk_create([city])
    if city.pk is None:  # databases without RETURNING
        city = Jurisdiction.objects.get(code=CITY[1])
    counties = [
        Jurisdiction(name=name, code=code, level=JurisdictionLevel.COUNTY, parent=city, sort_order=order)
        for order, (name, code, _townships) in enumerate(COUNTIES)
    ]
    Jurisdiction.objects.bulk_create(counties)
    townships: list[Jurisdiction] = []
    grid_specs: list[tuple[int, list[str]]] = []
    for county, (_name, _code, township_specs) in zip(counties, COUNTIES, strict=True):
        for order, (township_name, grid_names) in enumerate(township_specs):
            townships.append(
                Jurisdiction(name=township_name, level=JurisdictionLevel.TOWNSHIP, parent=county, sort_order=order)
            )
            grid_specs.append((len(townships) - 1, grid_names))
    Jurisdiction.objects.bulk_create(townships)
    grids = [
        Jurisdiction(name=grid_name, level=JurisdictionLevel.GRID, parent=townships[index], sort_order=order)
        for index, names in grid_specs
        for order, grid_name in enumerate(names)
    ]
    Jurisdiction.objects.bulk_create(grids)
    # bulk_create skips save(), so the materialized paths are written here, parents first.
    nodes = [city, *counties, *townships, *grids]
    by_pk = {node.pk: node for node in nodes}
    for node in nodes:
        parent = by_pk.get(node.parent_id) if node.parent_id else None
        node.path = f"{parent.path if parent else '/'}{node.pk}/"
    Jurisdiction.objects.bulk_update(nodes, ["path"], batch_size=500)

    by_code: dict[str, Industry] = {}
    for length in (1, 3, 4, 5):
        batch = [
            Industry(
                code=code,
                name=name,
                level=Industry.level_for_code(code),
                parent=by_code.get({3: code[:1], 4: code[:3], 5: code[:4]}.get(len(code), "")),
            )
            for code, name in INDUSTRIES
            if len(code) == length
        ]
        Industry.objects.bulk_create(batch)
        by_code.update({i.code: i for i in batch})
    departments = [
        Department(
            code=code,
            name=name,
            short_name=short,
            jurisdiction=city,
            is_committee_member=member,
            is_committee_office=office,
            duties=duties,
        )
        for code, name, short, _industries, member, office, duties in DEPARTMENTS
    ]
    Department.objects.bulk_create(departments)
    DepartmentIndustry.objects.bulk_create(
        [
            DepartmentIndustry(department=department, industry=by_code[industry_code])
            for department, spec in zip(departments, DEPARTMENTS, strict=True)
            for industry_code in spec[3]
        ]
    )
    return city


def load_reference_data() -> Jurisdiction:
    if not (Jurisdiction.objects.exists() or Industry.objects.exists() or Department.objects.exists()):
        with transaction.atomic():
            return _bulk_load_into_empty_tables()
    with transaction.atomic():
        city, _ = Jurisdiction.objects.get_or_create(
            code=CITY[1], defaults={"name": CITY[0], "level": JurisdictionLevel.CITY}
        )
        for order, (county_name, county_code, townships) in enumerate(COUNTIES):
            lookup = {"code": county_code} if county_code else {"name": county_name, "parent": city}
            county, _ = Jurisdiction.objects.get_or_create(
                **lookup,
                defaults={"name": county_name, "level": JurisdictionLevel.COUNTY, "parent": city, "sort_order": order},
            )
            for t_order, (township_name, grids) in enumerate(townships):
                township, _ = Jurisdiction.objects.get_or_create(
                    parent=county,
                    name=township_name,
                    defaults={"level": JurisdictionLevel.TOWNSHIP, "sort_order": t_order},
                )
                for g_order, grid_name in enumerate(grids):
                    Jurisdiction.objects.get_or_create(
                        parent=township,
                        name=grid_name,
                        defaults={"level": JurisdictionLevel.GRID, "sort_order": g_order},
                    )
        by_code: dict[str, Industry] = {}
        for code, name in sorted(INDUSTRIES, key=lambda row: len(row[0])):
            parent_code = {3: code[:1], 4: code[:3], 5: code[:4]}.get(len(code))
            industry, _ = Industry.objects.update_or_create(
                code=code,
                defaults={
                    "name": name,
                    "level": Industry.level_for_code(code),
                    "parent": by_code.get(parent_code or ""),
                },
            )
            by_code[code] = industry
        for code, name, short, industries, member, office, duties in DEPARTMENTS:
            department, _ = Department.objects.update_or_create(
                code=code,
                defaults={
                    "name": name,
                    "short_name": short,
                    "jurisdiction": city,
                    "is_committee_member": member,
                    "is_committee_office": office,
                    "duties": duties,
                },
            )
            for industry_code in industries:
                DepartmentIndustry.objects.get_or_create(department=department, industry=by_code[industry_code])
    return city


class Command(BaseCommand):
    help = "Load Longyan's jurisdictions (GB/T 2260), GB/T 4754 industries and departments. Safe to re-run."

    def handle(self, *args: Any, **options: Any) -> None:
        load_reference_data()
        self.stdout.write(
            self.style.SUCCESS(
                f"{Jurisdiction.objects.count()} jurisdictions, {Industry.objects.count()} industries, "
                f"{Department.objects.count()} departments"
            )
        )
