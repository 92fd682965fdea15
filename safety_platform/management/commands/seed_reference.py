"""Load Longyan's jurisdictions, industries and departments (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from safety_platform.choices import JurisdictionLevel
from safety_platform.models import Department, Industry, Jurisdiction
from safety_platform.models.org import DepartmentIndustry
from safety_platform.reference_data import CITY, COUNTIES, DEPARTMENTS, INDUSTRIES


def load_reference_data() -> Jurisdiction:
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
