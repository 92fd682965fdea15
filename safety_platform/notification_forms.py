"""Forms of the notification pages: a user's channels per notice group, the outbound list's filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models.notifications import (
    URGENT_GROUPS,
    NotificationGroup,
    OutboundChannel,
    OutboundStatus,
)
from .validators import normalize_mainland_mobile


class NotificationPreferencesForm(forms.Form):
    """通知设置: the user's mobile and e-mail, and per group whether e-mail / SMS are wanted."""

    phone = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        required=False,
        help_text=_("A mainland mobile number, for SMS notices."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel", "class": "form-control"}),
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "class": "form-control"}),
    )

    def __init__(self, *args: Any, user: Any, preferences: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["phone"].initial = user.phone
        self.fields["email"].initial = user.email
        for group in NotificationGroup:
            pref = preferences.get(group.value)
            email_default = pref.email if pref is not None else True
            sms_default = pref.sms if pref is not None else group in URGENT_GROUPS
            self.fields[f"{group.value}_email"] = forms.BooleanField(
                label=_("%(group)s by e-mail") % {"group": group.label}, required=False, initial=email_default
            )
            self.fields[f"{group.value}_sms"] = forms.BooleanField(
                label=_("%(group)s by SMS") % {"group": group.label}, required=False, initial=sms_default
            )

    def rows(self) -> list[dict[str, Any]]:
        return [
            {"label": group.label, "email": self[f"{group.value}_email"], "sms": self[f"{group.value}_sms"]}
            for group in NotificationGroup
        ]

    def clean_phone(self) -> str:
        value = (self.cleaned_data.get("phone") or "").strip()
        return normalize_mainland_mobile(value) if value else ""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        wants_sms = any(data.get(f"{group.value}_sms") for group in NotificationGroup)
        if wants_sms and not data.get("phone") and "phone" not in self.errors:
            self.add_error("phone", _("Enter a mobile number to receive notices by SMS."))
        wants_email = any(data.get(f"{group.value}_email") for group in NotificationGroup)
        if wants_email and not data.get("email") and "email" not in self.errors:
            self.add_error("email", _("Enter an e-mail address to receive notices by e-mail."))
        return data

    def choices(self) -> dict[str, dict[str, bool]]:
        return {
            group.value: {
                "email": bool(self.cleaned_data.get(f"{group.value}_email")),
                "sms": bool(self.cleaned_data.get(f"{group.value}_sms")),
            }
            for group in NotificationGroup
        }


def _blank(choices: Any) -> list[tuple[str, Any]]:
    return [("", _("All")), *choices]


class OutboundFilterForm(forms.Form):
    """Filters of the 外发通知 list; a value outside the choices is refused naming the field."""

    status = forms.ChoiceField(label=_("Delivery status"), required=False, choices=_blank(OutboundStatus.choices))
    channel = forms.ChoiceField(label=_("Channel"), required=False, choices=_blank(OutboundChannel.choices))
    group = forms.ChoiceField(label=_("Notice group"), required=False, choices=_blank(NotificationGroup.choices))
    address = forms.CharField(label=_("Address"), required=False, max_length=254)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = (
                "form-select form-select-sm" if isinstance(field, forms.ChoiceField) else "form-control form-control-sm"
            )
            field.widget.attrs["class"] = css
