"""Department (and key-enterprise) API keys: stored hashed, scoped, revocable, expiring."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..choices import ApiScope
from ..dates import local_text
from .base import CreatedModel
from .fields import created_by_field, department_link, enterprise_link, exactly_one_of, person_link

KEY_PREFIX_LENGTH = 8


def hash_api_secret(secret: str) -> str:
    """Keys carry 256 bits of randomness, so one SHA-256 is enough (no slow password hash per request)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def generate_api_key() -> tuple[str, str, str]:
    """Return (full key shown once, prefix, hash of the secret part)."""
    prefix = secrets.token_hex(KEY_PREFIX_LENGTH // 2)
    secret = secrets.token_urlsafe(32)
    return f"{prefix}.{secret}", prefix, hash_api_secret(secret)


class ApiKeyQuerySet(models.QuerySet["ApiKey"]):
    def usable(self) -> ApiKeyQuerySet:
        return self.filter(revoked_at__isnull=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now())
        )

    def visible_to(self, user: Any) -> ApiKeyQuerySet:
        if user is None or not user.is_authenticated:
            return self.none()
        if getattr(user, "is_platform_admin", False):
            return self
        return self.none()


class ApiKey(CreatedModel):
    """接口密钥 — an API key of a department's system (or of a key enterprise pushing hazards)."""

    name = models.CharField(_("name"), max_length=100)
    department = department_link(optional=True, related_name="api_keys")
    enterprise = enterprise_link(optional=True, related_name="api_keys")
    prefix = models.CharField(_("prefix"), max_length=KEY_PREFIX_LENGTH, unique=True, editable=False)
    hashed_secret = models.CharField(_("hashed secret"), max_length=64, editable=False)
    scopes = models.JSONField(_("scopes"), default=list, help_text=_('e.g. ["blacklist:read", "ratings:read"]'))
    created_by = created_by_field(on_delete=models.SET_NULL)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = person_link(_("revoked by"), on_delete=models.SET_NULL)
    revoke_reason = models.CharField(_("revocation reason"), max_length=200, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created_at"]
        constraints = [exactly_one_of("department", "enterprise", name="apikey_owner_is_department_or_enterprise")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    def has_scope(self, scope: str) -> bool:
        return scope in (self.scopes or [])

    @staticmethod
    def valid_scopes() -> set[str]:
        return {choice.value for choice in ApiScope}


class ApiClient:
    """The principal of a request authenticated by an API key (request.user in DRF views).

    It is not a User: it has no password, no session and no admin rights, only the key's scopes.
    """

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_superuser = False
    is_staff = False
    is_platform_admin = False
    sees_everything = False
    is_inspector = False
    is_county_office = False
    scopes_by_jurisdiction = False
    office_county = None
    is_department_staff = False
    is_committee = False
    role = "api_client"
    pk = None
    id = None

    def __init__(self, key: ApiKey):
        self.api_key = key
        self.department_id = key.department_id
        self.enterprise_id = key.enterprise_id
        self.is_enterprise_user = key.enterprise_id is not None
        self.username = f"api-key:{key.prefix}"

    def __str__(self) -> str:
        return self.username

    def has_scope(self, scope: str) -> bool:
        return self.api_key.has_scope(scope)

    @property
    def jurisdiction_paths(self) -> list[str]:
        return []


class ApiKeyUse(models.Model):
    """接口调用记录 — one authenticated request made with an API key (who pulled what, when)."""

    key = models.ForeignKey(ApiKey, verbose_name=_("API key"), on_delete=models.PROTECT, related_name="uses")
    prefix = models.CharField(_("prefix"), max_length=KEY_PREFIX_LENGTH)
    department = models.ForeignKey(
        "safety_platform.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("called at"), default=timezone.now, db_index=True)
    method = models.CharField(_("request method"), max_length=8)
    path = models.CharField(_("request path"), max_length=300)

    class Meta:
        verbose_name = _("API key use")
        verbose_name_plural = _("API key uses")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.prefix} {self.method} {self.path} @ {local_text(self.at)}"
