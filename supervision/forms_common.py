"""What the supervision pages' forms share: the enterprise picked in a search box."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from enterprises.models import Enterprise
from enterprises.registry.fields import EnterpriseChoiceField


class EnterpriseForm(forms.Form):
    """A form that names one enterprise, picked in a search box among `enterprises` (those the user may see; never
    a list of them all). A subclass may declare its own `enterprise` field and the box's class."""

    enterprise = EnterpriseChoiceField(operating_only=False)
    enterprise_class = "form-control"

    def __init__(self, *args: Any, enterprises: QuerySet[Enterprise], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["enterprise"]
        assert isinstance(field, EnterpriseChoiceField)
        field.queryset = enterprises
        field.widget.attrs.setdefault("class", self.enterprise_class)
