"""What a post node may write of tips and cases, as the case services would.

At a post, an officer's second interview may end in a desk tip, and a supervisor (who
manages cases) may open a case for their agency, record its people, events and consent,
plan services and follow-ups, and refer it. The hub holds each record to the services'
rules: the case belongs to the writer's agency, a referral rests on recorded consent to
disclose to that very agency for every victim (or a supervisor's written override), and
only the receiving agency decides on a referral, at the hub. Triage and staff replies to
the public happen at the hub.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lintas.accounts.roles import Capability
from lintas.cases.models import (
    Case,
    CasePerson,
    CaseStatus,
    Consent,
    ConsentKind,
    PersonRole,
    ReferralStatus,
    TipChannel,
    TipStatus,
)
from lintas.crossings.models import Crossing
from lintas.sync.policy import HUB_ONLY, NodeContext, NodePolicy, NodeWrite, refuse
from lintas.sync.registry import SyncSpec, register


def _writer_agency(ctx: NodeContext, w: NodeWrite) -> str:
    officer = ctx.officer(w.value("created_by_id"))
    return str(officer.agency_id) if officer is not None else ""


def _own_cases(ctx: NodeContext, writes: list[NodeWrite], attname: str = "case_id") -> None:
    """The case belongs to the agency of the officer who wrote the record."""
    cases = ctx.rows(Case, [w.value(attname) for w in writes])
    for w in writes:
        case = cases.get(str(w.value(attname)))
        if case is None or str(getattr(case, "owner_agency_id", "")) != _writer_agency(ctx, w):
            raise refuse(w, "owner_agency", _("The case belongs to another agency."))


def _persons_of_case(ctx: NodeContext, writes: list[NodeWrite]) -> None:
    persons = ctx.rows(CasePerson, [w.value("person_id") for w in writes])
    for w in writes:
        person = persons.get(str(w.value("person_id")))
        if person is None or str(getattr(person, "case_id", "")) != str(w.value("case_id")):
            raise refuse(w, "person", _("The person is not in this case."))


def _tip_rules(ctx: NodeContext, writes: list[NodeWrite]) -> None:
    """A node makes desk tips only: new, from a crossing of its post, nothing decided."""
    crossings = ctx.rows(Crossing, [w.value("crossing_id") for w in writes])
    for w in writes:
        if w.value("channel") != TipChannel.DESK:
            raise refuse(w, "channel", _("A node files desk tips only."))
        if (
            w.value("status") != TipStatus.NEW
            or w.value("case_id") is not None
            or w.value("merged_into_id") is not None
            or w.value("receipt_hash")
        ):
            raise refuse(w, "state", _("A new tip is not yet triaged."))
        crossing = crossings.get(str(w.value("crossing_id")))
        if crossing is None or str(getattr(crossing, "post_id", "")) != str(ctx.post_id):
            raise refuse(w, "crossing", _("The crossing was not registered at this post."))


def _case_rules(ctx: NodeContext, writes: list[NodeWrite]) -> None:
    for w in writes:
        if not w.created:
            continue
        if str(w.value("owner_id")) != str(w.value("created_by_id")) or str(
            w.value("owner_agency_id")
        ) != _writer_agency(ctx, w):
            raise refuse(w, "owner_agency", _("A case is opened for the opener's own agency."))
        if w.value("status") != CaseStatus.ACTIVE:
            raise refuse(w, "state", _("A new case is active."))


def _case_child_rules(ctx: NodeContext, writes: list[NodeWrite]) -> None:
    _own_cases(ctx, writes)


def _person_child_rules(ctx: NodeContext, writes: list[NodeWrite]) -> None:
    _own_cases(ctx, writes)
    _persons_of_case(ctx, writes)


def _consent_rules(ctx: NodeContext, writes: list[NodeWrite]) -> None:
    persons = ctx.rows(CasePerson, [w.value("person_id") for w in writes])
    cases = ctx.rows(Case, [getattr(p, "case_id", None) for p in persons.values()])
    now = timezone.now()
    for w in writes:
        person = persons.get(str(w.value("person_id")))
        case = cases.get(str(getattr(person, "case_id", "")))
        if case is None or str(getattr(case, "owner_agency_id", "")) != _writer_agency(ctx, w):
            raise refuse(w, "owner_agency", _("The case belongs to another agency."))
        if w.created and (w.value("withdrawn_at") is not None or w.value("given_at") > now):
            raise refuse(w, "state", _("A consent is recorded as given, not in the future."))


def _victims_by_case(ctx: NodeContext, case_ids: set[str]) -> dict[str, list[str]]:
    """The victims of each case as they will stand: the hub's and this batch's."""
    victims: dict[str, set[str]] = defaultdict(set)
    for person_pk, person_case in CasePerson.objects.filter(
        case_id__in=list(case_ids), role=PersonRole.VICTIM, deleted_at__isnull=True
    ).values_list("pk", "case_id"):
        victims[str(person_case)].add(str(person_pk))
    for pk, person in ctx.staged.get(CasePerson, {}).items():
        case_id = str(getattr(person, "case_id", ""))
        if case_id in case_ids:
            if (
                getattr(person, "role", "") == PersonRole.VICTIM
                and getattr(person, "deleted_at", None) is None
            ):
                victims[case_id].add(pk)
            else:
                victims[case_id].discard(pk)
    return {k: sorted(v) for k, v in victims.items()}


def _consents_by_person(ctx: NodeContext, person_ids: set[str]) -> dict[str, list[Any]]:
    found: dict[str, dict[str, Any]] = defaultdict(dict)
    for consent in Consent.objects.filter(person_id__in=list(person_ids), deleted_at__isnull=True):
        found[str(consent.person_id)][str(consent.pk)] = consent
    for pk, staged in ctx.staged.get(Consent, {}).items():
        person_id = str(getattr(staged, "person_id", ""))
        if person_id in person_ids:
            found[person_id][pk] = staged
    return {k: list(v.values()) for k, v in found.items()}


def _referral_rules(ctx: NodeContext, writes: list[NodeWrite]) -> None:
    """Consent to disclose to the receiver for every victim, or a supervisor's override."""
    created = [w for w in writes if w.created]
    _own_cases(ctx, writes)
    for w in writes:
        revoked = w.value("status") == ReferralStatus.REVOKED and w.was("status") in (
            ReferralStatus.PENDING,
            ReferralStatus.ACCEPTED,
        )
        if not w.created and w.value("status") != w.was("status") and not revoked:
            raise refuse(w, "decision", _("Only the receiving agency decides on a referral."))
    if not created:
        return
    case_ids = {str(w.value("case_id")) for w in created}
    victims = _victims_by_case(ctx, case_ids)
    consents = _consents_by_person(ctx, {p for ps in victims.values() for p in ps})
    for w in created:
        if str(w.value("from_agency_id")) != _writer_agency(ctx, w):
            raise refuse(w, "owner_agency", _("A referral comes from the writer's agency."))
        if str(w.value("to_agency_id")) == str(w.value("from_agency_id")):
            raise refuse(w, "to_agency", _("A referral goes to another agency."))
        if (
            w.value("status") != ReferralStatus.PENDING
            or w.value("decided_by_id") is not None
            or w.value("decided_at") is not None
            or w.value("completed_at") is not None
        ):
            raise refuse(w, "decision", _("Only the receiving agency decides on a referral."))
        to_agency = str(w.value("to_agency_id"))
        case_victims = victims.get(str(w.value("case_id")), [])

        def disclosed(person: str, to_agency: str = to_agency) -> bool:
            return any(
                c.kind == ConsentKind.DISCLOSE
                and str(c.agency_id) == to_agency
                and c.withdrawn_at is None
                for c in consents.get(person, [])
            )

        consented = bool(case_victims) and all(disclosed(p) for p in case_victims)
        if consented:
            consent = w.value("consent_id")
            if consent is None or not any(
                str(c.pk) == str(consent) for p in case_victims for c in consents.get(p, [])
            ):
                raise refuse(w, "consent", _("The referral must name the consent it rests on."))
            continue
        override_by = ctx.officer(w.value("override_by_id"))
        if (
            not str(w.value("override_reason") or "").strip()
            or override_by is None
            or str(override_by.pk) != str(w.value("created_by_id"))
            or not override_by.can(Capability.OVERRIDE_CONSENT)
        ):
            raise refuse(
                w,
                "consent",
                _("No consent to disclose is recorded, and no supervisor overrode it."),
            )


def register_policies() -> None:
    manage = Capability.MANAGE_CASES
    for spec in (
        SyncSpec(
            "cases.tip",
            NodePolicy(create=True, capability=Capability.HOLD_INTERVIEW, rules=(_tip_rules,)),
        ),
        SyncSpec("cases.tipmessage", HUB_ONLY),
        SyncSpec(
            "cases.case",
            NodePolicy(
                create=True,
                change=frozenset({"status", "reason_for_closure", "summary", "regency_id"}),
                capability=manage,
                rules=(_case_rules,),
            ),
        ),
        SyncSpec(
            "cases.caseperson",
            NodePolicy(create=True, capability=manage, rules=(_case_child_rules,)),
        ),
        SyncSpec(
            "cases.caseevent",
            NodePolicy(create=True, capability=manage, rules=(_case_child_rules,)),
        ),
        SyncSpec(
            "cases.consent",
            NodePolicy(
                create=True,
                change=frozenset({"withdrawn_at"}),
                capability=manage,
                rules=(_consent_rules,),
            ),
        ),
        SyncSpec(
            "cases.referral",
            NodePolicy(
                create=True,
                change=frozenset({"status", "rejection_reason"}),
                capability=manage,
                officers={"override_by_id": Capability.OVERRIDE_CONSENT},
                rules=(_referral_rules,),
            ),
        ),
        SyncSpec(
            "cases.supportservice",
            NodePolicy(
                create=True,
                change=frozenset({"status", "note"}),
                capability=manage,
                rules=(_person_child_rules,),
            ),
        ),
        SyncSpec(
            "cases.followup",
            NodePolicy(
                create=True,
                change=frozenset({"done_on", "outcome", "note"}),
                capability=manage,
                rules=(_person_child_rules,),
            ),
        ),
    ):
        register(spec)
