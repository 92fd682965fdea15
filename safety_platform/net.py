"""The client's address behind the city's reverse proxies (login throttling, risk-card report limits)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """REMOTE_ADDR, or, behind TRUSTED_PROXY_COUNT proxies, the address the outermost one saw.

    Each trusted proxy appends the address it received the request from to X-Forwarded-For, so with
    N of them the client is the N-th entry from the right; anything further left was written by the
    client and is not believed. A header shorter than that means the request bypassed a proxy.
    """
    remote = request.META.get("REMOTE_ADDR")
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if count <= 0:
        return remote
    chain = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(chain) < count:
        return remote
    return chain[-count][:45]


def same_site_target(request: HttpRequest, target: str | None, fallback: str) -> str:
    """`target` (a `next` taken from the request) if it stays on this site, else `fallback`.

    A target from the request followed unchecked is an open redirect: a link to the platform that
    lands the user, still trusting it, on someone else's site. Only a path (`/…`) or an address of this site
    is followed: `redirect()` takes any other word for a URL name to reverse ("-1" was a 500, NoReverseMatch).
    """
    from urllib.parse import urlsplit

    from django.utils.http import url_has_allowed_host_and_scheme

    if (
        target
        and (target.startswith("/") or urlsplit(target).scheme in ("http", "https"))
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return target
    return fallback


def outbound_url_problem(url: str) -> str | None:
    """Why the platform must not call `url` (a webhook target), or None if it may.

    Only http(s) to a host an administrator approved (setting OUTBOUND_ALLOWED_HOSTS; an entry starting
    with a dot allows its subdomains), and only if every address the name resolves to is public: never
    loopback, private, link-local or reserved — checked again before each call (DNS may change).
    """
    import ipaddress
    import socket
    from urllib.parse import urlsplit

    from django.utils.translation import gettext as _

    parts = urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return _("Enter a valid http(s) URL.")
    host = parts.hostname.lower().rstrip(".")
    allowed = [entry.lower() for entry in getattr(settings, "OUTBOUND_ALLOWED_HOSTS", [])]
    if not any(host == entry or (entry.startswith(".") and host.endswith(entry)) for entry in allowed):
        return _("The host %(host)s is not approved for webhooks: ask a platform administrator to approve it.") % {
            "host": host
        }
    try:
        infos = socket.getaddrinfo(host, parts.port or (443 if parts.scheme == "https" else 80))
    except (OSError, UnicodeError):
        return _("The host %(host)s cannot be found.") % {"host": host}
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        if not address.is_global or address.is_multicast:
            return _("The host %(host)s points to an internal address: only public addresses are allowed.") % {
                "host": host
            }
    return None
