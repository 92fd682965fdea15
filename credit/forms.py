"""Forms of the credit pages (they validate input; services decide)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safety_platform.forms import DateInput, IdsChoiceField, StyledFormMixin

from .choices import BlacklistCase
from .models import CreditRecord, Rule
from .services import credit_rules_for_manual_entry


class _StyledForm(StyledFormMixin, forms.Form):
    """A credit page's form: its widgets take Bootstrap's classes once its fields are set up."""


class CreditRecordForm(_StyledForm):
    rule = forms.ModelChoiceField(queryset=Rule.objects.none(), label=_("Rule"))
    occurred_on = forms.DateField(label=_("Date of the behaviour"), widget=DateInput())
    evidence = forms.CharField(
        label=_("Evidence"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        help_text=_("What happened, document numbers, who found it."),
    )
    evidence_file = forms.FileField(
        label=_("Evidence file"), required=False, help_text=_("Photo, PDF or Word/Excel document.")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        rules = credit_rules_for_manual_entry()
        rule_field = cast(forms.ModelChoiceField, self.fields["rule"])
        rule_field.queryset = Rule.objects.filter(pk__in=[r.pk for r in rules]).order_by("criterion", "code")
        rule_field.label_from_instance = lambda rule: (  # type: ignore[method-assign,assignment]
            f"{rule.get_criterion_display()} · {rule.title} ({rule.points:+d})"
        )
        self.fields["occurred_on"].initial = timezone.localdate()


class ReasonForm(_StyledForm):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class NoteForm(_StyledForm):
    note = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)


class OptionalNoteForm(NoteForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["note"].required = False
        self.fields["note"].label = _("Note")


class BlacklistProposalForm(_StyledForm):
    case = forms.ChoiceField(choices=BlacklistCase.choices, label=_("Order 11 case"))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
    legal_basis = forms.CharField(
        label=_("Legal basis"),
        max_length=300,
        required=False,
        help_text=_("Defaults to MEM Order 11 (安全生产严重失信主体名单管理办法)."),
    )
    evidence_records = IdsChoiceField(
        queryset=CreditRecord.objects.none(),
        required=False,
        label=_("Evidence records"),
        widget=forms.CheckboxSelectMultiple,
    )

    # The two short fields share a row on a desktop; the reason and the evidence take the full width.
    field_order = ["case", "legal_basis", "reason", "evidence_records"]

    def __init__(self, *args: Any, enterprise: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        records_field = cast(forms.ModelMultipleChoiceField, self.fields["evidence_records"])
        records_field.queryset = (
            CreditRecord.objects.filter(enterprise=enterprise, behaviour="bad").active().select_related("rule")
        )
        records_field.label_from_instance = lambda r: f"{r.occurred_on} · {r.rule.title}"  # type: ignore[method-assign,assignment]


class ObjectionForm(_StyledForm):
    objection = forms.CharField(
        label=_("Grounds of the objection"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )


class ApproveForm(_StyledForm):
    """The committee's approval. The end date is not a field: the rule set's period fixes it (Order 11)."""

    listed_on = forms.DateField(
        label=_("Listed from"),
        widget=DateInput(),
        required=False,
        help_text=_("Empty: today. The listing cannot start before the day of approval."),
    )
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["listed_on"].initial = today
        self.fields["listed_on"].widget.attrs["min"] = today.isoformat()


class RepairForm(_StyledForm):
    statement = forms.CharField(
        label=_("What has been corrected"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )
    evidence_file = forms.FileField(label=_("Evidence file"), required=False)


class WebhookForm(_StyledForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    url = forms.URLField(label=_("URL"), max_length=500, assume_scheme="https")
    blacklist = forms.BooleanField(label=_("Blacklist changes"), required=False, initial=True)
    ratings = forms.BooleanField(label=_("Credit grade changes"), required=False)
