"""The outreach pages' forms: they parse what was typed; the services hold every rule.

Counts are text fields on purpose: a negative, non-number or too large count gets the
service's own message, the same one the phone app gets. Each form carries the record's
id, made when the form was shown, so that a double submit saves the record once.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lintas.accounts.models import Agency
from lintas.cases.models import AtRisk
from lintas.common.ids import uuid7
from lintas.outreach.models import ActivityKind, Audience, GroupKind


def _count(label: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        initial="0",
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 6}),
    )


class RecordForm(forms.Form):
    id = forms.CharField(widget=forms.HiddenInput, max_length=40)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("id", str(uuid7()))


class VillageInput(forms.TextInput):
    def __init__(self) -> None:
        super().__init__(attrs={"list": "villages", "autocomplete": "off", "size": 18})


class ActivityForm(RecordForm):
    kind = forms.ChoiceField(label=_("Kind of activity"), choices=ActivityKind.choices)
    held_on = forms.CharField(
        label=_("Date"), max_length=10, widget=forms.DateInput(attrs={"type": "date"})
    )
    village = forms.CharField(
        label=_("Village code"),
        max_length=13,
        widget=VillageInput(),
        help_text=_("Type the village name or its official code, e.g. 53.20.01.2001."),
    )
    audiences = forms.MultipleChoiceField(
        label=_("Audience"),
        choices=Audience.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    girls = _count(_("Girls (under 18)"))
    boys = _count(_("Boys (under 18)"))
    women = _count(_("Women (18 and over)"))
    men = _count(_("Men (18 and over)"))
    partners = forms.ModelMultipleChoiceField(
        label=_("Partner agencies"),
        queryset=Agency.objects.none(),
        required=False,
        to_field_name="code",
    )
    language = forms.CharField(label=_("Language"), max_length=40, required=False)
    materials = forms.CharField(label=_("Materials handed out"), max_length=500, required=False)
    concerns = forms.CharField(
        label=_("Questions and concerns raised"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("No names. A possible case goes in a community report."),
    )
    follow_up_requested = forms.BooleanField(label=_("Follow-up requested"), required=False)

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["partners"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = (
            Agency.objects.filter(is_active=True).exclude(pk=agency.pk).order_by("name")
        )


class GroupForm(RecordForm):
    kind = forms.ChoiceField(label=_("Kind of group"), choices=GroupKind.choices)
    name = forms.CharField(label=_("Name"), max_length=150)
    village = forms.CharField(label=_("Village code"), max_length=13, widget=VillageInput())
    member_count = _count(_("Members"))
    contact_name = forms.CharField(
        label=_("Contact person"),
        max_length=150,
        required=False,
        help_text=_("Stored encrypted; only your agency sees it."),
    )
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=30, required=False)


class MeetingForm(RecordForm):
    held_on = forms.CharField(
        label=_("Date"), max_length=10, widget=forms.DateInput(attrs={"type": "date"})
    )
    women = _count(_("Women attending"))
    men = _count(_("Men attending"))
    note = forms.CharField(
        label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReportForm(RecordForm):
    body = forms.CharField(
        label=_("What was heard"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Do not name a villager unless they agreed to it."),
    )
    village = forms.CharField(label=_("Village code"), max_length=13, widget=VillageInput())
    happened_on = forms.CharField(
        label=_("When it happened"),
        max_length=10,
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    at_risk = forms.ChoiceField(label=_("Who is at risk"), choices=AtRisk.choices)
    group = forms.ChoiceField(label=_("Source group"), required=False)
    named_with_consent = forms.BooleanField(
        label=_("A person is named, and they agreed to it"), required=False
    )

    def __init__(self, *args: Any, groups: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["group"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("None: an outreach worker heard it")), *groups]


class IndicatorImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("Header: district_code,indicator,year,value,source (UTF-8)."),
    )


class PlanForm(RecordForm):
    year = forms.CharField(label=_("Year"), max_length=4)
    quarter = forms.ChoiceField(
        label=_("Quarter"), choices=[("1", "1"), ("2", "2"), ("3", "3"), ("4", "4")]
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class TargetForm(RecordForm):
    district = forms.ChoiceField(label=_("District"))
    activities_planned = forms.CharField(label=_("Activities planned"), max_length=6, initial="1")
    who = forms.CharField(label=_("Who goes"), max_length=200, required=False)

    def __init__(self, *args: Any, districts: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["district"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = districts
