"""Outbound channels: the text of a notice per channel, and the adapters that hand it on.

Texts come from templates/notifications/messages/ (sms.txt, email_subject.txt, email_body.txt),
with per-category overrides (e.g. sms/emergency.warning.txt), rendered in the recipient's language
(Simplified Chinese by default). SMS texts carry the platform's signature and are kept to 140
characters when the link allows it (the notice's body is shortened, never the link).

Adapters:
- e-mail: Django's mail API (EMAIL_BACKEND and the EMAIL_* settings); the message's id is the
  e-mail's Message-ID.
- SMS: chosen by SMS_BACKEND. "log" (the embedded default) writes each message to the logger and to
  var/sms.log, so a newcomer sees what would be sent. "http" POSTs JSON {"id", "to", "text"} to
  SMS_GATEWAY_URL with "Authorization: Bearer <SMS_GATEWAY_KEY>"; a 2xx answer means sent.

Both send the message's id (a UUID that never changes across attempts): a worker that dies after
the gateway or mail server accepted a message but before it was marked sent leaves the message to
be sent again, with the same id, and the gateway / mail system drops the duplicate by that id.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks
from django.template import Context
from django.template.loader import select_template
from django.utils import translation
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from .models import OutboundMessage

logger = logging.getLogger(__name__)

SMS_MAX_CHARS = 140
TEMPLATE_DIR = "notifications/messages"


class DeliveryError(Exception):
    """The channel did not accept the message (gateway down, an error answer, SMTP refused).

    The message is kept as the outbound message's last error, which staff read on the 外发通知 page:
    in the platform's language (workers run without a request, so in LANGUAGE_CODE), the technical
    cause appended as the library gave it.
    """


# Texts ---------------------------------------------------------------------------------------


def absolute_url(url: str) -> str:
    """`url` made absolute with PUBLIC_BASE_URL; "" when it cannot be (a relative link is useless off-site)."""
    if not url:
        return ""
    if urlsplit(url).scheme in ("http", "https"):
        return url
    base = getattr(settings, "PUBLIC_BASE_URL", "")
    if base and url.startswith("/"):
        return base + url
    return ""


def _render(kind: str, category: str, context: dict[str, Any], suffix: str = ".txt") -> str:
    names = [f"{TEMPLATE_DIR}/{kind}/{category}{suffix}"] if category else []
    names.append(f"{TEMPLATE_DIR}/{kind}{suffix}")
    template = select_template(names)
    # Plain text: no HTML escaping ("&" stays "&" in an SMS).
    return template.template.render(Context(context, autoescape=False)).strip()


def render_sms(*, title: str, body: str, url: str, category: str, name: str = "", language: str | None = None) -> str:
    """The SMS text: signature, title, body (shortened to keep ≤ 140 characters when possible), link."""
    link = absolute_url(url)
    with translation.override(language or settings.LANGUAGE_CODE):
        context = {"title": title, "body": body, "url": link, "name": name, "category": category}
        text = _collapse(_render("sms", category, context))
        excess = len(text) - SMS_MAX_CHARS
        if excess > 0 and body:
            keep = max(len(body) - excess - 1, 0)
            context["body"] = (body[:keep] + "…") if keep else ""
            text = _collapse(_render("sms", category, context))
    return text


def render_email(
    *, title: str, body: str, url: str, category: str, name: str = "", language: str | None = None
) -> tuple[str, str]:
    """(subject, plain-text body) of the e-mail for a notice."""
    link = absolute_url(url)
    with translation.override(language or settings.LANGUAGE_CODE):
        context = {"title": title, "body": body, "url": link, "name": name, "category": category}
        subject = " ".join(_render("email_subject", category, context).split())
        text = _render("email_body", category, context)
    return subject[:200], text


def _collapse(text: str) -> str:
    """One line: line breaks in a notice's body become spaces (an SMS is one paragraph)."""
    return " ".join(part.strip() for part in text.splitlines() if part.strip())


# Adapters ------------------------------------------------------------------------------------


def deliver(message: OutboundMessage) -> None:
    """Hand `message` to its channel; raises DeliveryError when the channel did not accept it."""
    if message.channel == "email":
        _send_email(message)
    elif message.channel == "sms":
        sms_backend().send(message_id=str(message.message_id), to=message.address, text=message.body)
    else:
        raise DeliveryError(_("Unknown channel %(channel)s.") % {"channel": message.channel})


def _send_email(message: OutboundMessage) -> None:
    from django.core.mail import EmailMessage

    domain = (getattr(settings, "DEFAULT_FROM_EMAIL", "") or "platform@localhost").rsplit("@", 1)[-1].strip("> ")
    email = EmailMessage(
        subject=message.title,
        body=message.body,
        to=[message.address],
        headers={"Message-ID": f"<{message.message_id}@{domain or 'localhost'}>"},
    )
    try:
        email.send(fail_silently=False)
    except Exception as exc:  # SMTP refused, connection refused, timeout: one failed attempt
        raise DeliveryError(
            _("The mail server did not accept the message: %(error)s") % {"error": f"{type(exc).__name__}: {exc}"}
        ) from exc


class LogSmsBackend:
    """The embedded default: what would be sent goes to the log and to var/sms.log."""

    def send(self, *, message_id: str, to: str, text: str) -> None:
        logger.info("SMS %s to %s: %s", message_id, to, text)
        path = Path(getattr(settings, "SMS_LOG_FILE", "") or Path(settings.VAR_DIR) / "sms.log")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("a", encoding="utf-8") as handle:
                handle.write(json.dumps({"id": message_id, "to": to, "text": text}, ensure_ascii=False) + "\n")
        except OSError:
            logger.warning("could not write %s", path, exc_info=True)


class HttpSmsBackend:
    """An SMS gateway behind HTTP: POST JSON {"id", "to", "text"}; a 2xx answer means accepted."""

    def __init__(self, url: str, key: str, timeout: float) -> None:
        self.url = url
        self.key = key
        self.timeout = timeout

    def send(self, *, message_id: str, to: str, text: str) -> None:
        data = json.dumps({"id": message_id, "to": to, "text": text}, ensure_ascii=False).encode("utf-8")
        request = urllib.request.Request(
            self.url,
            data=data,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Authorization": f"Bearer {self.key}",
                "Idempotency-Key": message_id,
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                status = response.status
        except urllib.error.HTTPError as exc:
            raise DeliveryError(_("The SMS gateway answered HTTP %(status)s.") % {"status": exc.code}) from exc
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise DeliveryError(_("The SMS gateway cannot be reached: %(error)s") % {"error": reason}) from exc
        if not 200 <= status < 300:
            raise DeliveryError(_("The SMS gateway answered HTTP %(status)s.") % {"status": status})


def sms_backend() -> LogSmsBackend | HttpSmsBackend:
    name = getattr(settings, "SMS_BACKEND", "log")
    if name == "http":
        return HttpSmsBackend(
            url=settings.SMS_GATEWAY_URL,
            key=getattr(settings, "SMS_GATEWAY_KEY", ""),
            timeout=float(getattr(settings, "SMS_GATEWAY_TIMEOUT", 5)),
        )
    return LogSmsBackend()


@checks.register()
def check_sms_settings(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """`manage.py check` names the SMS setting that is wrong before a worker finds out."""
    errors: list[checks.CheckMessage] = []
    backend = getattr(settings, "SMS_BACKEND", "log")
    if backend not in ("log", "http"):
        errors.append(
            checks.Error(
                f"SMS_BACKEND must be 'log' or 'http', not {backend!r}.", id="safety_platform.E101", obj="SMS_BACKEND"
            )
        )
    if backend == "http":
        url = getattr(settings, "SMS_GATEWAY_URL", "")
        parts = urlsplit(url or "")
        if parts.scheme not in ("http", "https") or not parts.hostname:
            errors.append(
                checks.Error(
                    f"SMS_GATEWAY_URL must be an http(s) URL when SMS_BACKEND=http (got {url!r}).",
                    id="safety_platform.E102",
                    obj="SMS_GATEWAY_URL",
                )
            )
        if not getattr(settings, "SMS_GATEWAY_KEY", ""):
            errors.append(
                checks.Error(
                    "SMS_GATEWAY_KEY is required when SMS_BACKEND=http.",
                    id="safety_platform.E103",
                    obj="SMS_GATEWAY_KEY",
                )
            )
    return errors
