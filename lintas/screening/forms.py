from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lintas.screening.interview import ANSWERS, QUESTIONS
from lintas.screening.models import AlertOutcome, InterviewOutcome, WatchListKind

ANSWER_LABELS = {"yes": _("Yes"), "no": _("No"), "unknown": _("Does not know / will not say")}


class CloseAlertForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=AlertOutcome.choices)
    note = forms.CharField(
        label=_("Note"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class InterviewForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=InterviewOutcome.choices)
    note = forms.CharField(
        label=_("Note (required when referring)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for q in QUESTIONS:
            self.fields[q.id] = forms.ChoiceField(
                label=q.text,
                choices=[(a, ANSWER_LABELS[a]) for a in ANSWERS],
                widget=forms.RadioSelect,
            )
        # Questions first, then the outcome.
        self.order_fields([q.id for q in QUESTIONS] + ["outcome", "note"])

    def answers(self) -> dict[str, str]:
        return {q.id: self.cleaned_data[q.id] for q in QUESTIONS}


class RuleSetImportForm(forms.Form):
    file = forms.FileField(label=_("Rule set file (JSON)"))


class WatchListForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=WatchListKind.choices)
    name = forms.CharField(label=_("Name"), max_length=120)


class WatchEntryForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    birth_date = forms.CharField(
        label=_("Birth date (YYYY-MM-DD or year)"), max_length=10, required=False
    )
    sex = forms.ChoiceField(
        label=_("Sex"), required=False, choices=[("", "—"), ("M", _("Male")), ("F", _("Female"))]
    )
    nationality = forms.CharField(label=_("Nationality (3 letters)"), max_length=3, required=False)
    source = forms.CharField(label=_("Source"), max_length=150)
    expires_on = forms.DateField(
        label=_("Expires on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    consent_reference = forms.CharField(
        label=_("Consent record (survivors only)"), max_length=100, required=False
    )


class WatchImportForm(forms.Form):
    file = forms.FileField(
        label=_(
            "CSV file: id,full_name,birth_date,sex,nationality "
            "(agency lists: full_name,licence_number)"
        )
    )
    source = forms.CharField(label=_("Source"), max_length=150)
