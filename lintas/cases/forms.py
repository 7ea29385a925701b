from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lintas.accounts.models import Agency
from lintas.cases import htcds
from lintas.cases.models import (
    CaseStatus,
    ConsentKind,
    EventType,
    FollowUpOutcome,
    PersonRole,
    ServiceType,
)
from lintas.cases.referrals import REASONS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MULTI = forms.CheckboxSelectMultiple


def _choices(field: str) -> list[tuple[str, str]]:
    return htcds.picklist(field)


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=CaseStatus.choices)
    reason = forms.CharField(label=_("Reason for closure"), max_length=500, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class PersonForm(forms.Form):
    role = forms.ChoiceField(label=_("Role in the case"), choices=PersonRole.choices)
    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    second_name = forms.CharField(label=_("Family name"), max_length=100, required=False)
    birth_date = forms.DateField(label=_("Birth date"), required=False, widget=DATE)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    gender = forms.ChoiceField(
        label=_("Gender"), required=False, choices=[("", "—"), *_choices("prs_Gender")]
    )
    citizenship = forms.CharField(label=_("Citizenship (3 letters)"), max_length=3, required=False)
    residence_district_code = forms.CharField(
        label=_("District of residence (code)"), max_length=8, required=False
    )
    trafficking_status = forms.ChoiceField(
        label=_("Trafficking status"),
        required=False,
        choices=[("", "—"), *_choices("vic_TraffickingStatus")],
    )
    age_when_trafficked = forms.IntegerField(
        label=_("Age when trafficked"), min_value=0, max_value=120, required=False
    )
    recruitment_methods = forms.MultipleChoiceField(
        label=_("Recruitment"),
        required=False,
        widget=MULTI,
        choices=_choices("vic_MethodOfRecruitment"),
    )
    methods_of_control = forms.MultipleChoiceField(
        label=_("Methods of control"),
        required=False,
        widget=MULTI,
        choices=_choices("vic_MethodsOfControl"),
    )
    exploitation_types = forms.MultipleChoiceField(
        label=_("Type of exploitation"),
        required=False,
        widget=MULTI,
        choices=_choices("vic_TypeOfExploitation"),
    )
    roles_in_process = forms.MultipleChoiceField(
        label=_("Perpetrator's role"),
        required=False,
        widget=MULTI,
        choices=_choices("per_RoleInProcess"),
    )


class EventForm(forms.Form):
    type = forms.ChoiceField(label=_("Event"), choices=EventType.choices)
    date = forms.DateField(label=_("Date"), required=False, widget=DATE)
    country = forms.CharField(label=_("Country (3 letters)"), max_length=3, required=False)
    city = forms.CharField(label=_("Place"), max_length=100, required=False)
    description = forms.CharField(
        label=_("What happened"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ConsentForm(forms.Form):
    person = forms.ChoiceField(label=_("Person"))
    kind = forms.ChoiceField(label=_("Consent"), choices=ConsentKind.choices)
    agency = forms.ModelChoiceField(
        label=_("Agency (for disclosure)"), required=False, queryset=Agency.objects.none()
    )
    method = forms.ChoiceField(
        label=_("How"), choices=[("written", _("Written")), ("verbal", _("Verbal, witnessed"))]
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, persons: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["person"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = persons
        agency = self.fields["agency"]
        assert isinstance(agency, forms.ModelChoiceField)
        agency.queryset = Agency.objects.live().filter(is_active=True)


class ReferralForm(forms.Form):
    to_agency = forms.ModelChoiceField(label=_("Refer to"), queryset=Agency.objects.none())
    reason = forms.ChoiceField(label=_("Reason"), choices=[(r, r) for r in REASONS])
    covers_identity = forms.BooleanField(
        label=_("Share the survivor's identity"), required=False, initial=True
    )
    details = forms.CharField(
        label=_("Details"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    override_reason = forms.CharField(
        label=_("Supervisor override without consent: written reason"),
        max_length=500,
        required=False,
    )

    def __init__(self, *args: Any, exclude_agency: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["to_agency"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Agency.objects.live().filter(is_active=True).exclude(pk=exclude_agency)


class ServiceForm(forms.Form):
    person = forms.ChoiceField(label=_("Survivor"))
    type = forms.ChoiceField(label=_("Service"), choices=ServiceType.choices)
    provider = forms.ModelChoiceField(label=_("Provider"), queryset=Agency.objects.none())
    note = forms.CharField(label=_("Note"), max_length=1000, required=False)

    def __init__(self, *args: Any, persons: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["person"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = persons
        provider = self.fields["provider"]
        assert isinstance(provider, forms.ModelChoiceField)
        provider.queryset = Agency.objects.live().filter(is_active=True)


class ScheduleForm(forms.Form):
    person = forms.ChoiceField(label=_("Survivor"))
    start = forms.DateField(label=_("From"), widget=DATE)

    def __init__(self, *args: Any, persons: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["person"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = persons


class FollowUpForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=FollowUpOutcome.choices)
    done_on = forms.DateField(label=_("Visited on"), widget=DATE)
    note = forms.CharField(
        label=_("Note (required unless safe)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)
