"""Who sees which case, and how much of it: need-to-know by agency and referral."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lintas.accounts.models import User
from lintas.accounts.roles import Capability
from lintas.audit.services import access_log_append
from lintas.cases.models import (
    Case,
    CasePerson,
    FollowUp,
    Referral,
    ReferralStatus,
    Tip,
    TipStatus,
)
from lintas.common.errors import NotFound, PermissionDenied

SHARED = (ReferralStatus.ACCEPTED, ReferralStatus.COMPLETED)


def _need(user: User, capability: Capability) -> None:
    if not user.can(capability):
        raise PermissionDenied(_("You are not allowed to do this."))


def cases_visible(*, user: User) -> QuerySet[Case]:
    """Cases of the user's agency, and cases referred to it and accepted."""
    _need(user, Capability.MANAGE_CASES)
    shared = Referral.objects.filter(to_agency_id=user.agency_id, status__in=SHARED).values(
        "case_id"
    )
    return Case.objects.filter(
        Q(owner_agency_id=user.agency_id) | Q(pk__in=shared), deleted_at__isnull=True
    )


@dataclass(frozen=True)
class CaseAccess:
    case: Case
    owner: bool
    identity: bool


def case_for(*, user: User, case_id: UUID | str) -> CaseAccess:
    """One case and what the user may see of it; another agency's case reads as not found."""
    case = (
        cases_visible(user=user)
        .select_related("owner_agency", "owner", "regency")
        .filter(pk=case_id)
        .first()
    )
    if case is None:
        raise NotFound(_("No such case."))
    owner = case.owner_agency_id == user.agency_id
    identity = (
        owner
        or Referral.objects.filter(
            case=case, to_agency_id=user.agency_id, status__in=SHARED, covers_identity=True
        ).exists()
    )
    return CaseAccess(case=case, owner=owner, identity=identity)


@dataclass(frozen=True)
class PersonView:
    """A person as the reader may see them: identity fields only when allowed."""

    person: CasePerson
    name: str
    birth_date: str
    identity_number: str
    phone: str
    address: str


def persons_of(*, user: User, access: CaseAccess) -> list[PersonView]:
    """The case's people; reading victims' identities is written to the access log."""
    people = list(
        access.case.persons.filter(deleted_at__isnull=True).order_by("role", "created_at")
    )
    out = []
    hidden = str(_("(hidden: not covered by the referral)"))
    for p in people:
        if access.identity:
            if p.role == "victim":
                access_log_append(actor=user, obj=p, purpose="victim_identity")
            name = " ".join(x for x in (p.first_name, p.second_name) if x) or "—"
            out.append(PersonView(p, name, p.birth_date, p.identity_number, p.phone, p.address))
        else:
            out.append(PersonView(p, hidden, "", "", "", ""))
    return out


def referrals_incoming(*, user: User) -> QuerySet[Referral]:
    """Referrals to the user's agency; a pending one shows no identity until accepted."""
    _need(user, Capability.MANAGE_CASES)
    return (
        Referral.objects.filter(to_agency_id=user.agency_id)
        .select_related("case", "from_agency", "case__regency")
        .order_by("status", "-created_at")
    )


def referral_for_receiver(*, user: User, referral_id: UUID | str) -> Referral:
    referral = referrals_incoming(user=user).filter(pk=referral_id).first()
    if referral is None:
        raise NotFound(_("No such referral."))
    return referral


def tips_queue(*, user: User, status: str = TipStatus.NEW) -> QuerySet[Tip]:
    """The one triage queue for tips from the portal, SMS, desks and outreach."""
    _need(user, Capability.TRIAGE_TIPS)
    qs = Tip.objects.filter(deleted_at__isnull=True).select_related("regency", "district")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("created_at")


def tip_for_triage(*, user: User, tip_id: UUID | str) -> Tip:
    tip = tips_queue(user=user, status="").filter(pk=tip_id).first()
    if tip is None:
        raise NotFound(_("No such tip."))
    access_log_append(actor=user, obj=tip, purpose="tip_content")
    return tip


def follow_ups_due(*, user: User, today: date | None = None) -> QuerySet[FollowUp]:
    """Follow-ups of the user's agency not yet done; overdue ones first."""
    _need(user, Capability.MANAGE_CASES)
    today = today or timezone.localdate()
    return (
        FollowUp.objects.filter(
            agency_id=user.agency_id, done_on__isnull=True, deleted_at__isnull=True
        )
        .select_related("case")
        .order_by("due_on")
    )


def follow_up_of_agency(*, user: User, follow_up_id: UUID | str) -> FollowUp:
    """One follow-up of the user's agency, done or not; another agency's reads as not found."""
    _need(user, Capability.MANAGE_CASES)
    follow_up = FollowUp.objects.filter(
        pk=follow_up_id, agency_id=user.agency_id, deleted_at__isnull=True
    ).first()
    if follow_up is None:
        raise NotFound(_("No such follow-up."))
    return follow_up


def follow_ups_mine(*, user: User) -> QuerySet[FollowUp]:
    """Visits still to make on the user's own cases, or assigned to the user; soonest first.

    What a case worker's phone carries: the case reference and the due date, no identity.
    """
    return follow_ups_due(user=user).filter(Q(assigned_to=user) | Q(case__owner=user))


def follow_ups_overdue(*, user: User, today: date | None = None) -> QuerySet[FollowUp]:
    today = today or timezone.localdate()
    mine = follow_ups_due(user=user, today=today).filter(due_on__lt=today)
    return mine.filter(Q(assigned_to=user) | Q(assigned_to__isnull=True))
