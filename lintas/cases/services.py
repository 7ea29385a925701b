"""Cases and the people in them: opening, persons, events, consent, status."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lintas.accounts.models import Agency, User
from lintas.accounts.roles import Capability
from lintas.cases import htcds
from lintas.cases.models import (
    Case,
    CaseEvent,
    CasePerson,
    CaseStatus,
    Consent,
    ConsentKind,
    EventType,
    PersonRole,
)
from lintas.cases.selectors import case_for
from lintas.common.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from lintas.common.text import clean_text
from lintas.journal import record_change
from lintas.places.models import District, Regency


def _owner_only(actor: User, case: Case) -> Case:
    """The case, locked, if the actor's agency owns it; others may read but not edit it."""
    access = case_for(user=actor, case_id=case.pk)
    if not access.owner:
        raise PermissionDenied(_("Only the agency that owns the case changes it."))
    return Case.objects.select_for_update().get(pk=case.pk)


def _bump(case: Case, expected_version: int | None) -> None:
    """Concurrent edits become a conflict to resolve, never a silent overwrite."""
    if expected_version is not None and expected_version != case.version:
        raise Conflict(
            _(
                "Someone changed this case meanwhile (version %(now)s, you had %(had)s). "
                "Reload it and make your change again."
            )
            % {"now": case.version, "had": expected_version}
        )
    case.version += 1
    case.updated_at = timezone.now()


def case_open(*, actor: User, summary: str = "", regency: Regency | None = None) -> Case:
    """Open a case owned by the actor's agency, with a reference like TPPO-2026-0007."""
    if not actor.can(Capability.MANAGE_CASES):
        raise PermissionDenied(_("You are not allowed to do this."))
    summary = clean_text(summary, field="summary", max_length=5000, required=False)
    year = timezone.localdate().year
    for _attempt in range(5):
        try:
            with transaction.atomic():
                count = Case.objects.filter(reference__startswith=f"TPPO-{year}-").count()
                case = Case.objects.create(
                    reference=f"TPPO-{year}-{count + 1:04d}",
                    owner_agency=actor.agency,
                    owner=actor,
                    summary=summary,
                    regency=regency,
                    created_by=actor,
                )
                record_change(
                    actor=actor,
                    action="case.open",
                    instance=case,
                    changed=["reference", "owner_agency_id", "regency_id", "summary"],
                )
                return case
        except IntegrityError:
            continue
    raise Conflict(_("Could not number the case; try again."))


def case_set_status(
    *, actor: User, case: Case, status: str, reason: str = "", expected_version: int | None = None
) -> Case:
    """Move the case to Active, FollowUp, Closed or ClosedReferred (closing needs a reason)."""
    if status not in CaseStatus.values:
        raise ValidationFailed(_("Invalid input."), field_errors={"status": _("Unknown status.")})
    closing = status in (CaseStatus.CLOSED, CaseStatus.CLOSED_REFERRED)
    reason = clean_text(reason, field="reason_for_closure", max_length=500, required=closing)
    with transaction.atomic():
        case = _owner_only(actor, case)
        _bump(case, expected_version)
        case.status = status
        case.reason_for_closure = reason if closing else ""
        case.save()
        record_change(
            actor=actor,
            action="case.status",
            instance=case,
            changed=["status", "reason_for_closure", "version"],
        )
    return case


def _multi(name: str, values: list[str], field_name: str, errors: dict[str, Any]) -> list[str]:
    allowed = htcds.picklist_values(field_name)
    bad = [v for v in values if v not in allowed]
    if bad:
        errors[name] = _("Not a value of the standard: %(values)s") % {"values": ", ".join(bad)}
    return sorted(set(values))


@dataclass
class PersonData:
    role: str
    first_name: str = ""
    second_name: str = ""
    birth_date: date | None = None
    identity_number: str = ""
    phone: str = ""
    address: str = ""
    gender: str = ""
    citizenship: str = ""
    residence_district_code: str = ""
    trafficking_status: str = ""
    age_when_trafficked: int | None = None
    recruitment_methods: list[str] = field(default_factory=list)
    methods_of_control: list[str] = field(default_factory=list)
    exploitation_types: list[str] = field(default_factory=list)
    vulnerabilities: list[str] = field(default_factory=list)
    roles_in_process: list[str] = field(default_factory=list)


def case_person_add(*, actor: User, case: Case, data: PersonData) -> CasePerson:
    """Add a victim, suspect, witness or reporter; identity fields are stored encrypted."""
    errors: dict[str, Any] = {}
    if data.role not in PersonRole.values:
        errors["role"] = _("Unknown role.")
    texts = {}
    for name, size in (
        ("first_name", 100),
        ("second_name", 100),
        ("identity_number", 30),
        ("phone", 30),
        ("address", 300),
    ):
        try:
            texts[name] = clean_text(
                getattr(data, name), field=name, max_length=size, required=False
            )
        except ValidationFailed as exc:
            errors.update(exc.field_errors)
    if data.gender and data.gender not in htcds.picklist_values("prs_Gender"):
        errors["gender"] = _("Unknown value.")
    if data.trafficking_status and data.trafficking_status not in htcds.picklist_values(
        "vic_TraffickingStatus"
    ):
        errors["trafficking_status"] = _("Unknown value.")
    if data.birth_date and data.birth_date > timezone.localdate():
        errors["birth_date"] = _("A birth date cannot be in the future.")
    lists = {
        "recruitment_methods": _multi(
            "recruitment_methods", data.recruitment_methods, "vic_MethodOfRecruitment", errors
        ),
        "methods_of_control": _multi(
            "methods_of_control", data.methods_of_control, "vic_MethodsOfControl", errors
        ),
        "exploitation_types": _multi(
            "exploitation_types", data.exploitation_types, "vic_TypeOfExploitation", errors
        ),
        "vulnerabilities": _multi(
            "vulnerabilities", data.vulnerabilities, "vic_Vulnerabilities", errors
        ),
        "roles_in_process": _multi(
            "roles_in_process", data.roles_in_process, "per_RoleInProcess", errors
        ),
    }
    district = None
    if data.residence_district_code:
        district = District.objects.filter(code=data.residence_district_code).first()
        if district is None:
            errors["residence_district"] = _("Unknown district.")
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), field_errors=errors)
    with transaction.atomic():
        case = _owner_only(actor, case)
        person = CasePerson.objects.create(
            case=case,
            role=data.role,
            created_by=actor,
            birth_date=data.birth_date.isoformat() if data.birth_date else "",
            birth_year=data.birth_date.year if data.birth_date else None,
            gender=data.gender,
            citizenship=data.citizenship.upper()[:3],
            residence_district=district,
            residence_regency_id=district.regency_id if district else None,
            trafficking_status=data.trafficking_status,
            age_when_trafficked=data.age_when_trafficked,
            **texts,
            **lists,
        )
        record_change(
            actor=actor,
            action="case_person.add",
            instance=person,
            changed=["case_id", "role", "first_name", "second_name", "birth_date", *lists],
        )
    return person


def case_event_add(
    *,
    actor: User,
    case: Case,
    type: str,
    date_: date | None,
    description: str = "",
    country: str = "",
    regency: Regency | None = None,
    district: District | None = None,
    city: str = "",
) -> CaseEvent:
    """Record a recruitment, transit or exploitation event with its date and place."""
    if type not in EventType.values:
        raise ValidationFailed(_("Invalid input."), field_errors={"type": _("Unknown type.")})
    description = clean_text(description, field="description", max_length=2000, required=False)
    city = clean_text(city, field="city", max_length=100, required=False)
    with transaction.atomic():
        case = _owner_only(actor, case)
        event = CaseEvent.objects.create(
            case=case,
            type=type,
            date=date_,
            description=description,
            country=country.upper()[:3],
            regency=regency,
            district=district,
            city=city,
            created_by=actor,
        )
        record_change(
            actor=actor,
            action="case_event.add",
            instance=event,
            changed=["case_id", "type", "date", "country", "regency_id"],
        )
    return event


def consent_record(
    *,
    actor: User,
    person: CasePerson,
    kind: str,
    method: str,
    note: str = "",
    agency: Agency | None = None,
) -> Consent:
    """Record a consent the person gave; disclosure consent names the agency."""
    errors: dict[str, Any] = {}
    if kind not in ConsentKind.values:
        errors["kind"] = _("Unknown consent.")
    if method not in ("written", "verbal"):
        errors["method"] = _("Written, or verbal with a witness.")
    if kind == ConsentKind.DISCLOSE and agency is None:
        errors["agency"] = _("Name the agency the person agrees to disclose to.")
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), field_errors=errors)
    note = clean_text(note, field="note", max_length=300, required=False)
    with transaction.atomic():
        _owner_only(actor, person.case)
        consent = Consent.objects.create(
            person=person,
            kind=kind,
            agency=agency if kind == ConsentKind.DISCLOSE else None,
            method=method,
            note=note,
            given_at=timezone.now(),
            created_by=actor,
        )
        record_change(
            actor=actor,
            action="consent.give",
            instance=consent,
            changed=["person_id", "kind", "agency_id", "method"],
        )
    return consent


def consent_withdraw(*, actor: User, consent: Consent) -> Consent:
    """The person withdrew their consent; it no longer allows anything new."""
    with transaction.atomic():
        _owner_only(actor, consent.person.case)
        consent = Consent.objects.select_for_update().get(pk=consent.pk)
        if consent.withdrawn_at is not None:
            raise Conflict(_("This consent was already withdrawn."))
        consent.withdrawn_at = timezone.now()
        consent.updated_at = consent.withdrawn_at
        consent.save(update_fields=["withdrawn_at", "updated_at"])
        record_change(
            actor=actor, action="consent.withdraw", instance=consent, changed=["withdrawn_at"]
        )
    return consent


def consent_in_force(person: CasePerson, kind: str, agency: Agency | None = None) -> Consent | None:
    qs = Consent.objects.filter(person=person, kind=kind, withdrawn_at__isnull=True)
    if agency is not None:
        qs = qs.filter(agency=agency)
    return qs.order_by("-given_at").first()


def person_of_case(case: Case, person_id: UUID | str) -> CasePerson:
    person = case.persons.filter(pk=person_id).first()
    if person is None:
        raise NotFound(_("No such person in this case."))
    return person
