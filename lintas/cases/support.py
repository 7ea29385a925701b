"""Survivor support: the plan of services, and follow-up visits against re-trafficking."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lintas.accounts.models import Agency, User
from lintas.accounts.roles import Capability
from lintas.cases.models import (
    CasePerson,
    FollowUp,
    FollowUpOutcome,
    PersonRole,
    ServiceStatus,
    ServiceType,
    SupportService,
)
from lintas.cases.selectors import case_for
from lintas.common.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from lintas.common.text import clean_text
from lintas.journal import record_change

FOLLOW_UP_MONTHS = (1, 3, 6, 12)


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, clamped to the month's end (31 Jan + 1 = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    last = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(day.day, last))


def _may_work_on(actor: User, person: CasePerson) -> None:
    """The owner agency, or an agency the case was referred to and that accepted it."""
    case_for(user=actor, case_id=person.case_id)


def support_service_add(
    *, actor: User, person: CasePerson, type: str, provider: Agency, note: str = ""
) -> SupportService:
    """Plan a service (shelter, medical, legal aid...) for a survivor, with its provider."""
    if type not in ServiceType.values:
        raise ValidationFailed(_("Invalid input."), field_errors={"type": _("Unknown type.")})
    if person.role != PersonRole.VICTIM:
        raise ValidationFailed(_("Support services are for survivors."))
    note = clean_text(note, field="note", max_length=1000, required=False)
    _may_work_on(actor, person)
    with transaction.atomic():
        service = SupportService.objects.create(
            case_id=person.case_id,
            person=person,
            type=type,
            provider=provider,
            note=note,
            created_by=actor,
        )
        record_change(
            actor=actor,
            action="support_service.add",
            instance=service,
            changed=["case_id", "person_id", "type", "provider_id"],
        )
    return service


def support_service_set_status(
    *, actor: User, service: SupportService, status: str, expected_version: int | None = None
) -> SupportService:
    if status not in ServiceStatus.values:
        raise ValidationFailed(_("Invalid input."), field_errors={"status": _("Unknown status.")})
    _may_work_on(actor, service.person)
    if (
        service.provider_id != actor.agency_id
        and not case_for(user=actor, case_id=service.case_id).owner
    ):
        raise PermissionDenied(_("Only the provider or the case owner updates this service."))
    with transaction.atomic():
        service = SupportService.objects.select_for_update().get(pk=service.pk)
        if expected_version is not None and expected_version != service.version:
            raise Conflict(_("Someone changed this service meanwhile; reload it."))
        service.status = status
        service.version += 1
        service.updated_at = timezone.now()
        service.save()
        record_change(
            actor=actor,
            action="support_service.status",
            instance=service,
            changed=["status", "version"],
        )
    return service


def follow_ups_schedule(
    *,
    actor: User,
    person: CasePerson,
    start: date | None = None,
    months: tuple[int, ...] = FOLLOW_UP_MONTHS,
    assigned_to: User | None = None,
) -> list[FollowUp]:
    """Schedule follow-up visits for a survivor, at 1, 3, 6 and 12 months by default."""
    if person.role != PersonRole.VICTIM:
        raise ValidationFailed(_("Follow-ups are for survivors."))
    if not months or any(m < 0 or m > 60 for m in months):
        raise ValidationFailed(_("Months between 0 and 60."))
    _may_work_on(actor, person)
    start = start or timezone.localdate()
    made = []
    with transaction.atomic():
        for m in sorted(set(months)):
            follow_up = FollowUp.objects.create(
                case_id=person.case_id,
                person=person,
                agency=actor.agency,
                assigned_to=assigned_to or actor,
                due_on=add_months(start, m),
                created_by=actor,
            )
            record_change(
                actor=actor,
                action="follow_up.schedule",
                instance=follow_up,
                changed=["case_id", "person_id", "due_on", "assigned_to_id"],
            )
            made.append(follow_up)
    return made


def follow_up_record(
    *, actor: User, follow_up_id: UUID | str, outcome: str, note: str, done_on: date | None = None
) -> FollowUp:
    """Record a follow-up visit; 'recruited again' or 'at risk' is for the case worker to act on."""
    if not actor.can(Capability.MANAGE_CASES):
        raise PermissionDenied(_("You may not do this."))
    if outcome not in FollowUpOutcome.values:
        raise ValidationFailed(
            _("Invalid input."), field_errors={"outcome": _("Choose an outcome.")}
        )
    note = clean_text(note, field="note", max_length=2000, required=outcome != FollowUpOutcome.SAFE)
    done_on = done_on or timezone.localdate()
    if done_on > timezone.localdate():
        raise ValidationFailed(
            _("Invalid input."), field_errors={"done_on": _("A visit cannot be in the future.")}
        )
    with transaction.atomic():
        follow_up = (
            FollowUp.objects.select_for_update()
            .filter(pk=follow_up_id, agency_id=actor.agency_id)
            .first()
        )
        if follow_up is None:
            raise NotFound(_("No such follow-up."))
        if follow_up.done_on is not None:
            if (follow_up.done_on, follow_up.outcome, follow_up.note) == (done_on, outcome, note):
                # The same visit sent again (a phone retrying): nothing changes.
                return follow_up
            raise Conflict(_("This follow-up was already recorded."))
        follow_up.done_on, follow_up.outcome, follow_up.note = done_on, outcome, note
        follow_up.updated_at = timezone.now()
        follow_up.save()
        record_change(
            actor=actor,
            action="follow_up.record",
            instance=follow_up,
            changed=["done_on", "outcome", "note"],
        )
    return follow_up
