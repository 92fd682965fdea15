"""Demo data for Longyan: reference data, a few dozen enterprises, one login per role, an API key.

Safe to re-run: existing rows are kept. Apps add their own demo data with
`safety_platform.demo.register_demo_seeder` (called after the core data is in place).
"""

from __future__ import annotations

import hashlib
import hmac
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from enterprises.models import Enterprise, EnterpriseStatusChange
from enterprises.services import _apply_derived_department
from enterprises.validators import make_credit_code
from safety_platform.choices import ApiScope
from safety_platform.demo import DEMO_SEEDERS
from safety_platform.demo_data import DEMO_PASSWORD, ENTERPRISES, LEGAL_REPRESENTATIVES, USERS
from safety_platform.models import ApiKey, Department, Industry, Jurisdiction, User
from safety_platform.models.apikeys import hash_api_secret
from safety_platform.services import api_key_create

from .seed_reference import load_reference_data

SERIAL_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
DEMO_API_KEY_NAME = "发改委信用平台（演示）"


def demo_credit_code(index: int, region: str) -> str:
    digest = hashlib.sha256(f"longyan-demo-{index}".encode()).digest()
    serial = "".join(SERIAL_ALPHABET[b % 31] for b in digest[:9])
    return make_credit_code(region, serial)


def _find(path: str) -> Jurisdiction:
    node = None
    for name in path.split("/"):
        qs = Jurisdiction.objects.filter(name=name)
        node = (qs.filter(parent=node) if node else qs).get()
    assert node is not None
    return node


def seed_demo() -> dict[str, Any]:
    city = load_reference_data()
    industries = {i.code: i for i in Industry.objects.all()}
    created = 0
    with transaction.atomic():
        enterprises: list[Enterprise] = []
        for index, (name, county, township, grid_index, industry, category, scale, employees, key) in enumerate(
            ENTERPRISES
        ):
            county_node = Jurisdiction.objects.get(parent=city, name=county)
            township_node = Jurisdiction.objects.get(parent=county_node, name=township)
            grids = list(township_node.children.order_by("sort_order", "id"))
            jurisdiction = grids[min(grid_index, len(grids) - 1)] if grids else township_node
            region = county_node.code or "350800"
            existing = Enterprise.objects.filter(name=name).first()
            if existing is not None:
                enterprises.append(existing)
                continue
            # Deterministic coordinates around each county seat, so maps look plausible.
            seed = hashlib.sha256(name.encode()).digest()
            base = COUNTY_CENTRES.get(county, (117.03, 25.08))
            enterprise = Enterprise(
                credit_code=demo_credit_code(index, region),
                name=name,
                legal_representative=LEGAL_REPRESENTATIVES[index % len(LEGAL_REPRESENTATIVES)],
                address=f"福建省龙岩市{county}{township}{10 + index}号",
                longitude=Decimal(str(round(base[0] + (seed[0] - 128) / 4000, 6))),
                latitude=Decimal(str(round(base[1] + (seed[1] - 128) / 4000, 6))),
                jurisdiction=jurisdiction,
                industry=industries[industry],
                risk_category=category,
                scale=scale,
                employees=employees,
                is_key=key,
                contact_phone=f"0597-{2200000 + index * 137:07d}",
            )
            _apply_derived_department(enterprise, {})
            enterprise.full_clean()
            enterprise.save()
            EnterpriseStatusChange.objects.create(enterprise=enterprise, to_status=enterprise.status, reason="演示数据")
            enterprises.append(enterprise)
            created += 1

        logins = []
        for username, full_name, role, department_code, jurisdiction_paths, enterprise_index in USERS:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(username=username, full_name=full_name, role=role)
                user.set_password(DEMO_PASSWORD)
                if role == "admin":
                    user.is_staff = True
                    user.is_superuser = True
                if department_code:
                    user.department = Department.objects.get(code=department_code)
                if enterprise_index is not None:
                    user.enterprise = enterprises[enterprise_index]
                user.save()
                for path in jurisdiction_paths:
                    user.jurisdictions.add(_find(path))
            logins.append((username, full_name, user.get_role_display()))

        api_key_raw = None
        # Created once: a later run keeps the key, so an integration set up with it keeps working.
        if not ApiKey.objects.filter(name=DEMO_API_KEY_NAME).exists():
            _key, api_key_raw = api_key_create(
                name=DEMO_API_KEY_NAME,
                department=Department.objects.get(code="fgw"),
                scopes=[ApiScope.BLACKLIST_READ, ApiScope.RATINGS_READ, ApiScope.ENTERPRISES_READ],
                days=365,
            )
    for seeder in DEMO_SEEDERS:
        seeder()
    return {"created": created, "logins": logins, "api_key": api_key_raw}


COUNTY_CENTRES = {
    "新罗区": (117.037, 25.098),
    "永定区": (116.732, 24.724),
    "长汀县": (116.357, 25.833),
    "上杭县": (116.420, 25.050),
    "武平县": (116.100, 25.095),
    "连城县": (116.755, 25.710),
    "漳平市": (117.420, 25.290),
    "龙岩经济技术开发区（高新区）": (117.080, 25.060),
}


def demo_api_key_file() -> Path:
    """Where the demo key's secret is kept (under var/, never committed) so every run can show it again."""
    return Path(settings.VAR_DIR) / "demo-api-key.txt"


def demo_api_key_stored() -> str | None:
    """The stored demo key, if it still opens the API (same secret as the live key, not revoked/expired)."""
    path = demo_api_key_file()
    if not path.exists():
        return None
    raw = path.read_text().strip()
    prefix, _dot, secret = raw.partition(".")
    key = ApiKey.objects.usable().filter(prefix=prefix, name=DEMO_API_KEY_NAME).first()
    if key is None or not hmac.compare_digest(key.hashed_secret, hash_api_secret(secret)):
        return None
    return raw


def _store_demo_api_key(raw: str) -> Path:
    path = demo_api_key_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    # Readable by the owner only: it is a working credential for the demo department.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(raw + "\n")
    return path


class Command(BaseCommand):
    help = (
        "Load Longyan demo data and one login per role (password printed). Safe to re-run: existing data, "
        "logins and the demo API key are kept (the key is stored in var/demo-api-key.txt and shown on every run)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = seed_demo()
        self.stdout.write(self.style.SUCCESS(f"Demo data ready ({result['created']} new enterprises)."))
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, full_name, role in result["logins"]:
            self.stdout.write(f"  {username:22} {role} — {full_name}")
        if result["api_key"]:
            path = _store_demo_api_key(result["api_key"])
            self.stdout.write(f"Demo department API key (发改委, new): Authorization: Api-Key {result['api_key']}")
            self.stdout.write(f"  (kept in {path}; later runs keep and show the same key)")
            return
        stored = demo_api_key_stored()
        if stored:
            self.stdout.write(f"Demo department API key (发改委, unchanged): Authorization: Api-Key {stored}")
        else:
            self.stdout.write(
                "Demo department API key (发改委): kept as it was; its secret is not stored here any more, so it"
                " is not shown. For a new one: manage.py apikey create --department fgw --name ..."
                " --scopes blacklist:read,ratings:read"
            )
