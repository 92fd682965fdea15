"""Create, list and revoke department API keys from the command line."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safety_platform.models import ApiKey, Department
from safety_platform.services import DomainError, api_key_create, api_key_revoke


class Command(BaseCommand):
    help = "Manage API keys: create | list | revoke"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a key and print it once")
        create.add_argument("--department", help="department code, e.g. fgw")
        create.add_argument("--enterprise", help="credit code of a key enterprise (hazard push)")
        create.add_argument("--name", required=True)
        create.add_argument("--scopes", required=True, help="comma-separated, e.g. blacklist:read,ratings:read")
        create.add_argument("--days", type=int, default=None, help="validity in days (default: API_KEY_DEFAULT_DAYS)")
        sub.add_parser("list", help="List keys")
        revoke = sub.add_parser("revoke", help="Revoke a key by its prefix")
        revoke.add_argument("prefix")
        revoke.add_argument("--reason", default="revoked by command")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "create":
            department = enterprise = None
            if options.get("department"):
                department = Department.objects.filter(code=options["department"]).first()
                if department is None:
                    raise CommandError(f"Unknown department code: {options['department']}")
            if options.get("enterprise"):
                # The key's enterprise model, without importing the enterprises app into the core.
                enterprise_model = ApiKey._meta.get_field("enterprise").related_model
                enterprise = enterprise_model._default_manager.filter(credit_code=options["enterprise"].upper()).first()
                if enterprise is None:
                    raise CommandError(f"Unknown enterprise credit code: {options['enterprise']}")
            scopes = [s.strip() for s in options["scopes"].split(",") if s.strip()]
            try:
                key, raw = api_key_create(
                    name=options["name"],
                    scopes=scopes,
                    department=department,
                    enterprise=enterprise,
                    days=options["days"],
                )
            except DomainError as exc:
                raise CommandError(exc.message) from exc
            self.stdout.write(
                f"Created key {key.prefix} for {department or enterprise}, expires {key.expires_at:%Y-%m-%d}."
            )
            self.stdout.write("Send it as:  Authorization: Api-Key " + raw)
            self.stdout.write("It is stored hashed and cannot be shown again.")
        elif action == "list":
            for key in ApiKey.objects.select_related("department", "enterprise"):
                state = "revoked" if key.is_revoked else ("expired" if key.is_expired else "active")
                owner = key.department or key.enterprise
                self.stdout.write(f"{key.prefix}  {state:8} {owner}  {','.join(key.scopes)}  {key.name}")
        elif action == "revoke":
            found = ApiKey.objects.filter(prefix=options["prefix"]).first()
            if found is None:
                raise CommandError(f"No key with prefix {options['prefix']}")
            api_key_revoke(key=found, reason=options["reason"])
            self.stdout.write(f"Revoked {found.prefix}.")
