"""Login throttling per address and password-spraying alerts; API token expiry and revocation."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING, Any, cast

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

if TYPE_CHECKING:
    from django.http import HttpRequest
    from rest_framework.request import Request

    from .models import User

logger = logging.getLogger("safety_platform.security")


class PlatformAxesHandler(AxesDatabaseHandler):
    """django-axes with two limits: one per account and address (AXES_FAILURE_LIMIT) and a larger one
    per address alone (AXES_IP_FAILURE_LIMIT), so one address cannot try a password against every account.

    AXES_LOCKOUT_PARAMETERS lists [username, ip_address] first and ip_address second; axes compares the
    largest count with one limit, so the per-address count is scaled onto AXES_FAILURE_LIMIT.
    """

    def get_failures(self, request: Any, credentials: dict | None = None) -> int:
        counts = [_failures(attempts) for attempts in self.get_user_attempts(request, credentials)]
        if not counts:
            return 0
        limit = settings.AXES_FAILURE_LIMIT
        ip_limit = max(settings.AXES_IP_FAILURE_LIMIT, 1)
        combination = counts[0]
        by_address = counts[1] if len(counts) > 1 else 0
        return max(combination, by_address * limit // ip_limit)

    def user_login_failed(self, sender: Any, credentials: dict, request: Any = None, **kwargs: Any) -> None:
        super().user_login_failed(sender, credentials, request=request, **kwargs)
        if request is not None:
            spraying_check(request)


def _failures(attempts: Any) -> int:
    from django.db.models import Sum

    return attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0


def spraying_check(request: Any) -> bool:
    """Many accounts failing from one address within the cool-off window is password spraying: log it
    and notify the platform administrators (once per address and window)."""
    from axes.attempts import get_cool_off_threshold
    from axes.models import AccessAttempt

    from .models import User
    from .net import client_ip
    from .services import notify

    ip = client_ip(request)
    if not ip:
        return False
    accounts = (
        AccessAttempt.objects.filter(ip_address=ip, attempt_time__gte=get_cool_off_threshold(request))
        .values("username")
        .distinct()
        .count()
    )
    if accounts < settings.AXES_SPRAYING_ACCOUNTS:
        return False
    window = int(timedelta(hours=settings.AXES_COOLOFF_TIME).total_seconds())
    if not cache.add(f"spraying-alert:{ip}", 1, timeout=window):
        return True
    logger.warning("Password spraying suspected: %s accounts failed to sign in from %s", accounts, ip)
    admins = User.objects.filter(Q(is_superuser=True) | Q(role="admin"), is_active=True)
    notify(
        recipients=list(admins),
        title=_("Suspected password guessing: %(n)d accounts failed to sign in from %(ip)s")
        % {"n": accounts, "ip": ip},
        body=_("Sign-ins from this address are blocked for a while. Check the access attempts in the administration."),
        url="/admin/axes/accessattempt/",
        category="security",
        dedup_key=f"spraying:{ip}:{timezone.localdate().isoformat()}",
    )
    return True


class ExpiringTokenAuthentication(TokenAuthentication):
    """A user's API token expires API_TOKEN_DAYS after it was issued (rotation: issue a new one)."""

    def authenticate_credentials(self, key: str) -> Any:
        user, token = super().authenticate_credentials(key)
        if token.created <= timezone.now() - timedelta(days=settings.API_TOKEN_DAYS):
            token.delete()
            raise exceptions.AuthenticationFailed(_("This token has expired: ask for a new one."))
        return user, token


def revoke_credentials_on_change(sender: Any, instance: Any, created: bool = False, **kwargs: Any) -> None:
    """A changed password or a deactivated account ends the user's API tokens (post_save).

    Other browser sessions end by themselves: Django checks the password hash stored in each session.
    """
    if created:
        return
    if getattr(instance, "_password", None) is not None or not instance.is_active:
        from rest_framework.authtoken.models import Token

        Token.objects.filter(user_id=instance.pk).delete()


def signed_in_user(request: HttpRequest | Request) -> User:
    """The request's user, for a view only a signed-in user reaches.

    Pages are behind `login_required`; the API writes that name an actor refuse anonymous requests and API
    keys (`IsAuthenticatedUserOrScopedKey`: no write scope). The type checker cannot see those guards and
    types `request.user` as possibly anonymous.
    """
    return cast("User", request.user)
