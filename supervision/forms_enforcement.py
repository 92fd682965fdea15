"""Forms of the enforcement pages: issuing a document, opening a case, each step of a case, the lists' filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safety_platform.forms import DateInput, StyledFormMixin

from .forms_common import EnterpriseForm
from .models.enforcement import INSPECTION_KINDS, CaseStatus, DocumentKind, Violation


def _area(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


TYPED_NUMBER = _("Leave empty to number it automatically; type it for a paper document entered later.")


def _document_number(help_text: Any = "") -> forms.CharField:
    """The document's number, typed only for a paper document entered later (empty: numbered automatically)."""
    return forms.CharField(
        label=_("Document number"),
        required=False,
        max_length=60,
        help_text=help_text,
    )


class DocumentIssueForm(StyledFormMixin, EnterpriseForm):
    """An inspection document: the record, the order to rectify (its items become hazards), the re-inspection."""

    kind = forms.ChoiceField(
        label=_("Document kind"),
        choices=[(k.value, k.label) for k in INSPECTION_KINDS],
        initial=DocumentKind.RECTIFICATION_ORDER,
    )
    issued_on = forms.DateField(label=_("Date of issue"), initial=timezone.localdate, widget=DateInput())
    number = _document_number(TYPED_NUMBER)
    findings = forms.CharField(label=_("Facts found"), required=False, widget=_area(4))
    legal_basis = forms.CharField(
        label=_("Legal basis"),
        required=False,
        help_text=_("Required for an order to rectify."),
        widget=_area(2),
    )
    items = forms.CharField(
        label=_("Items to rectify"),
        required=False,
        help_text=_("One per line; each becomes a hazard with the deadline below."),
        widget=_area(4),
    )
    rectify_by = forms.DateField(label=_("Rectify by"), required=False, widget=DateInput())
    hazard_codes = forms.CharField(
        label=_("Hazards already registered"),
        required=False,
        max_length=2000,
        help_text=_("Codes of existing hazards the document covers, separated by commas."),
    )
    conclusion = forms.CharField(
        label=_("Conclusion"),
        required=False,
        help_text=_("Required for a re-inspection opinion."),
        widget=_area(3),
    )

    def item_lines(self) -> list[str]:
        return [line.strip() for line in (self.cleaned_data.get("items") or "").splitlines() if line.strip()]

    def codes(self) -> list[str]:
        raw = (self.cleaned_data.get("hazard_codes") or "").replace("，", ",")
        return [c.strip() for c in raw.split(",") if c.strip()]


class DocumentVoidForm(StyledFormMixin, forms.Form):
    """作废: the reason is required and kept on the document."""

    reason = forms.CharField(
        label=_("Reason for voiding"),
        max_length=300,
        error_messages={"required": _("Give the reason for voiding the document.")},
    )


class CaseOpenForm(StyledFormMixin, EnterpriseForm):
    title = forms.CharField(label=_("Cause of the case"), max_length=200)
    violation = forms.ChoiceField(label=_("Violation"), choices=Violation.choices)
    filed_on = forms.DateField(label=_("Date filed"), initial=timezone.localdate, widget=DateInput())
    findings = forms.CharField(label=_("Facts found"), required=False, widget=_area(3))
    number = _document_number(TYPED_NUMBER)


class InvestigateForm(StyledFormMixin, forms.Form):
    note = forms.CharField(label=_("Evidence gathered"), required=False, widget=_area(3))


class NotifyForm(StyledFormMixin, forms.Form):
    notified_on = forms.DateField(label=_("Notified on"), widget=DateInput())
    findings = forms.CharField(label=_("Facts and intended penalty"), widget=_area(3))
    legal_basis = forms.CharField(label=_("Legal basis"), required=False, widget=_area(2))
    number = _document_number()


class StatementForm(StyledFormMixin, forms.Form):
    statement = forms.CharField(label=_("The party's statement and defence"), required=False, widget=_area(3))
    hearing_requested = forms.BooleanField(label=_("The party requests a hearing"), required=False)
    requested_on = forms.DateField(label=_("Hearing requested on"), required=False, widget=DateInput())


class HearingForm(StyledFormMixin, forms.Form):
    held_on = forms.DateField(label=_("Hearing held on"), widget=DateInput())
    note = forms.CharField(label=_("Hearing record"), widget=_area(3))


class DecideForm(StyledFormMixin, forms.Form):
    decided_on = forms.DateField(label=_("Decided on"), widget=DateInput())
    fine_amount = forms.DecimalField(
        label=_("Fine (yuan)"),
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )
    suspension_days = forms.IntegerField(
        label=_("Suspension of production (days)"),
        required=False,
        min_value=0,
        max_value=3650,
    )
    licence_revocation_proposed = forms.BooleanField(label=_("Propose to revoke a licence"), required=False)
    legal_basis = forms.CharField(label=_("Legal basis"), required=False, widget=_area(2))
    findings = forms.CharField(label=_("Reasons for the decision"), required=False, widget=_area(3))
    number = _document_number()


class ExecuteForm(StyledFormMixin, forms.Form):
    executed_on = forms.DateField(label=_("Execution started on"), widget=DateInput())
    note = forms.CharField(label=_("Note"), required=False, widget=_area(2))


class CloseForm(StyledFormMixin, forms.Form):
    closed_on = forms.DateField(label=_("Closed on"), widget=DateInput())
    fine_paid_on = forms.DateField(label=_("Fine paid on"), required=False, widget=DateInput())
    note = forms.CharField(label=_("Note"), required=False, widget=_area(2))


class ExtendForm(StyledFormMixin, forms.Form):
    days = forms.IntegerField(label=_("Extend by (days)"), min_value=1, max_value=365)
    reason = forms.CharField(label=_("Reason for the extension"), max_length=300)


class WithdrawForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason for withdrawing the case"), max_length=300)


STEP_FORMS: dict[str, type[forms.Form]] = {
    "investigate": InvestigateForm,
    "notify": NotifyForm,
    "statement": StatementForm,
    "hearing": HearingForm,
    "decide": DecideForm,
    "execute": ExecuteForm,
    "close": CloseForm,
    "extend": ExtendForm,
    "withdraw": WithdrawForm,
}
STEP_LABELS: dict[str, Any] = {
    "investigate": _("Start the investigation"),
    "notify": _("Notify the party"),
    "statement": _("Record the statement or a hearing request"),
    "hearing": _("Record the hearing"),
    "decide": _("Decide"),
    "execute": _("Execute the decision"),
    "close": _("Close the case"),
    "extend": _("Extend the decision deadline"),
    "withdraw": _("Withdraw the case"),
    "open": _("File the case"),
}


class DocumentFilterForm(StyledFormMixin, forms.Form):
    widget_style = {"small": True}

    kind = forms.ChoiceField(
        label=_("Document kind"),
        required=False,
        choices=[("", _("All")), *DocumentKind.choices],
    )
    year = forms.IntegerField(
        label=_("Year"),
        required=False,
        min_value=2000,
        max_value=2100,
    )
    number = forms.CharField(
        label=_("Document number"),
        required=False,
        max_length=60,
    )


class CaseFilterForm(StyledFormMixin, forms.Form):
    widget_style = {"small": True}

    status = forms.ChoiceField(
        label=_("Case status"),
        required=False,
        choices=[("", _("All")), *CaseStatus.choices],
    )
    overdue = forms.BooleanField(label=_("Past the decision deadline"), required=False)
