from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lintas.crossings.models import (
    Direction,
    DocumentKind,
    Outcome,
    PlbDestination,
    Purpose,
    RefusalReason,
    Sex,
)
from lintas.crossings.services import CrossingData, DocumentData, TravellerData
from lintas.places.models import EntryPoint, Post
from lintas.screening.facts import OBSERVATIONS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CrossingForm(forms.Form):
    # Set when the desk warns of a second crossing in the same direction.
    same_direction_warning = False

    def plb_destinations(self) -> list[PlbDestination]:
        """The Timor-Leste sub-districts a border pass is valid for, offered as destinations."""
        return list(PlbDestination.objects.only("name", "municipality"))

    crossing_id = forms.UUIDField(widget=forms.HiddenInput)
    mrz_format = forms.CharField(required=False, max_length=4, widget=forms.HiddenInput)
    mrz_errors = forms.CharField(required=False, max_length=300, widget=forms.HiddenInput)
    direction = forms.ChoiceField(
        label=_("Direction (F2)"), choices=Direction.choices, widget=forms.RadioSelect
    )
    entry_point = forms.ChoiceField(label=_("Entry point"))
    purpose = forms.ChoiceField(label=_("Purpose (F4)"), choices=Purpose.choices)
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=Outcome.choices,
        initial=Outcome.CROSSED,
        widget=forms.RadioSelect,
        required=False,  # a desk that does not send it registers a crossing
    )
    refusal_reason = forms.ChoiceField(
        label=_("Reason for the refusal"),
        choices=[("", "—"), *RefusalReason.choices],
        required=False,
    )
    kind = forms.ChoiceField(label=_("Document"), choices=DocumentKind.choices)
    number = forms.CharField(label=_("Document number"), max_length=30)
    issuing_state = forms.CharField(label=_("Issuing state"), max_length=3, initial="IDN")
    expiry_date = forms.DateField(label=_("Expiry date"), required=False, widget=DATE)
    issued_on = forms.DateField(label=_("Issued on (PLB)"), required=False, widget=DATE)
    document_reason = forms.CharField(
        label=_("Why the expired document is accepted"),
        max_length=200,
        required=False,
        help_text=_("For example: a citizen coming home"),
    )
    surname = forms.CharField(label=_("Surname"), max_length=100)
    given_names = forms.CharField(label=_("Given names"), max_length=150, required=False)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, initial=Sex.UNSPECIFIED)
    birth_date = forms.DateField(label=_("Birth date"), required=False, widget=DATE)
    nationality = forms.CharField(label=_("Nationality"), max_length=3, initial="IDN")
    residence_district = forms.CharField(
        label=_("District of residence (code)"),
        max_length=8,
        required=False,
        help_text=_("Needed for border-pass holders, e.g. 53.04.02"),
    )
    destination = forms.CharField(
        label=_("Destination"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"list": "plb-destinations", "autocomplete": "off"}),
        help_text=_("A border pass: one of the sub-districts offered."),
    )
    employer_name = forms.CharField(label=_("Employer"), max_length=150, required=False)
    recruiter_name = forms.CharField(label=_("Recruiter"), max_length=150, required=False)
    placement_agency_licence = forms.CharField(
        label=_("Placement agency licence"), max_length=60, required=False
    )
    goods_value_idr = forms.IntegerField(
        label=_("Goods value (IDR, KILB)"), min_value=0, max_value=10**12, required=False
    )
    kilb_number = forms.CharField(label=_("KILB card"), max_length=30, required=False)
    sponsor_phone = forms.CharField(
        label=_("Sponsor or recruiter phone"), max_length=25, required=False
    )
    observations = forms.MultipleChoiceField(
        label=_("What you saw or heard"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(code, text) for code, text in OBSERVATIONS.items()],
    )
    notes = forms.CharField(label=_("Notes"), max_length=500, required=False)
    confirm_direction = forms.BooleanField(
        label=_("Yes: the same direction again is right"), required=False
    )
    accept_document_problems = forms.BooleanField(
        label=_("I checked the document by hand: the data above is right"), required=False
    )

    def __init__(self, *args: Any, post: Post, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["entry_point"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            (e.code, e.name) for e in EntryPoint.objects.filter(post=post).order_by("position")
        ]

    def clean_outcome(self) -> str:
        return str(self.cleaned_data.get("outcome") or Outcome.CROSSED)

    def service_arguments(self, *, group_id: str | None = None) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "traveller": TravellerData(
                surname=d["surname"],
                given_names=d["given_names"],
                sex=d["sex"],
                birth_date=d["birth_date"],
                nationality=d["nationality"],
                residence_district_code=d["residence_district"].strip(),
            ),
            "document": DocumentData(
                kind=d["kind"],
                number=d["number"],
                issuing_state=d["issuing_state"],
                expiry_date=d["expiry_date"],
                issued_on=d["issued_on"],
                mrz_format=d["mrz_format"],
                mrz_errors=tuple(e for e in d["mrz_errors"].split(",") if e),
            ),
            "crossing": CrossingData(
                direction=d["direction"],
                purpose=d["purpose"],
                entry_point_code=d["entry_point"],
                destination=d["destination"],
                employer_name=d["employer_name"],
                recruiter_name=d["recruiter_name"],
                placement_agency_licence=d["placement_agency_licence"],
                goods_value_idr=d["goods_value_idr"],
                kilb_number=d["kilb_number"],
                sponsor_phone=d["sponsor_phone"],
                observations=tuple(d["observations"]),
                notes=d["notes"],
                outcome=d["outcome"],
                refusal_reason=d["refusal_reason"],
                document_reason=d["document_reason"],
                group_id=uuid.UUID(group_id) if group_id else None,
            ),
            "crossing_id": d["crossing_id"],
            "accept_document_problems": d["accept_document_problems"],
        }


class MarketVisitForm(forms.Form):
    full_name = forms.CharField(
        label=_("Name"), max_length=150, widget=forms.TextInput(attrs={"autofocus": True})
    )
    origin_village = forms.CharField(label=_("Village of origin"), max_length=100)
    id_number = forms.CharField(label=_("ID number (if any)"), max_length=30, required=False)


class GroupForm(forms.Form):
    label = forms.CharField(label=_("Group (bus, family)"), max_length=100, required=False)


class CheckoutForm(forms.Form):
    visit_number = forms.CharField(label=_("Scan or type the slip number"), max_length=40)
