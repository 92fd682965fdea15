"""Demo data for Longyan: reference data, one login per role, an API key, and what the apps add.

Safe to re-run: existing rows are kept. Apps add their own demo data with
`safety_platform.demo.register_demo_seeder`: registries (the demo enterprises) before the logins,
records after them.
"""

from __future__ import annotations

import hmac
import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from safety_platform.choices import ApiScope
from safety_platform.demo import DEMO_SEEDERS, REGISTRY_SEEDERS, jurisdiction_at
from safety_platform.demo_data import DEMO_PASSWORD, USERS
from safety_platform.models import ApiKey, Department, User
from safety_platform.models.apikeys import hash_api_secret
from safety_platform.services import api_key_create

from .seed_reference import load_reference_data

DEMO_API_KEY_NAME = "发改委信用平台（演示）"


def seed_demo() -> dict[str, Any]:
    load_reference_data()
    # The apps' registries first (the enterprises app adds the demo enterprises), then the logins that
    # belong to them, then the apps' records.
    created = 0
    with transaction.atomic():
        for seeder in REGISTRY_SEEDERS:
            created += seeder() or 0
        enterprise_model = User._meta.get_field("enterprise").related_model
        logins = []
        for username, full_name, role, department_code, jurisdiction_paths, enterprise_name in USERS:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(username=username, full_name=full_name, role=role)
                user.set_password(DEMO_PASSWORD)
                if role == "admin":
                    user.is_staff = True
                    user.is_superuser = True
                if department_code:
                    user.department = Department.objects.get(code=department_code)
                if enterprise_name is not None:
                    # The enterprises app's model, which the core reaches through the field, never by import.
                    enterprise: Any = enterprise_model._default_manager.get(name=enterprise_name)
                    user.enterprise = enterprise
                user.save()
                for path in jurisdiction_paths:
                    user.jurisdictions.add(jurisdiction_at(path))
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
