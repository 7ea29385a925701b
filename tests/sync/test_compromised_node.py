"""A stolen node: forged pushes, generated from the sync registry, are refused and change nothing.

The genuine events come from the real services run as the Motaain node (inside a
transaction rolled back afterwards, so the hub starts without them): exactly what a node
would push. Each forgery changes one thing a node's officers could not have done through
the services at their post, and pushes the whole batch with it, signed with the node's
real key. Every synced model is covered: a model added without a policy, or a
node-writable model with no genuine event here, fails ``test_every_synced_model_*``.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.apps import apps
from django.core import mail
from django.db import transaction
from django.test import override_settings

from lintas.accounts.models import Agency, User
from lintas.accounts.roles import AgencyType, Role
from lintas.audit.models import AuditEntry
from lintas.audit.selectors import audit_chain_verify
from lintas.cases.models import ConsentKind, PersonRole
from lintas.cases.referrals import referral_create
from lintas.cases.services import (
    PersonData,
    case_event_add,
    case_open,
    case_person_add,
    consent_record,
)
from lintas.cases.support import follow_ups_schedule, support_service_add
from lintas.cases.tips import tip_submit
from lintas.cases.triage import tip_reply
from lintas.common.models import LintasModel
from lintas.crossings.kilb import kilb_card_issue
from lintas.crossings.models import DocumentKind
from lintas.crossings.services import (
    CrossingData,
    DocumentData,
    TravellerData,
    crossing_group_create,
    crossing_register,
    market_visit_checkout,
    market_visit_register,
)
from lintas.places.models import Post
from lintas.screening.interview import QUESTIONS, interview_record
from lintas.screening.models import Alert, AlertAudience, Level, RuleSet
from lintas.screening.services import _alert_create, ruleset_seed
from lintas.screening.watchlists import watch_entry_add, watch_list_create
from lintas.sync.models import AppliedEvent, OutboxEvent, SecurityEvent, SyncNode
from lintas.sync.policy import NodePolicy
from lintas.sync.registry import registered, spec_for
from tests.factories import make_agency, make_user
from tests.sync.helpers import FakeNode

pytestmark = pytest.mark.django_db
NODE = "post-motaain"
TODAY = date.today()


class _Rollback(Exception):
    pass


@dataclass
class People:
    officer: User  # immigration desk officer at Motaain
    supervisor: User  # supervisor at Motaain (manages cases, may override consent)
    registrar: User  # market registrar at Motaain
    customs: User  # customs supervisor at Motaain (issues KILB cards)
    wini: User  # desk officer at Wini
    wini_supervisor: User
    sysadmin: User
    admin: User  # agency administrator at Motaain
    shelter: Agency


@pytest.fixture
def people(reference: None) -> People:
    motaain, wini = Post.objects.get(code="motaain"), Post.objects.get(code="wini")
    post_agency = make_agency(type=AgencyType.IMMIGRATION, post=motaain)
    supervisor = make_user(Role.SUPERVISOR, agency=post_agency, post=motaain)
    supervisor.email = "supervisor@example.org"
    return People(
        officer=make_user(Role.POST_OFFICER, agency=post_agency, post=motaain),
        supervisor=supervisor,
        registrar=make_user(Role.MARKET_REGISTRAR, post=motaain),
        customs=make_user(
            Role.SUPERVISOR, agency=make_agency(type=AgencyType.CUSTOMS), post=motaain
        ),
        wini=make_user(Role.POST_OFFICER, post=wini),
        wini_supervisor=make_user(Role.SUPERVISOR, post=wini),
        sysadmin=_with_email(make_user(Role.SYSTEM_ADMIN), "admin@example.org"),
        admin=make_user(Role.AGENCY_ADMIN, agency=post_agency, post=motaain),
        shelter=make_agency(type=AgencyType.NGO, name="Rumah Aman Kupang"),
    )


def _with_email(user: User, email: str) -> User:
    User.objects.filter(pk=user.pk).update(email=email)
    user.refresh_from_db()
    return user


def _desk_work(p: People) -> None:
    """A day at the Motaain node, through the services: every model a node writes."""
    crossing = crossing_register(
        actor=p.officer,
        traveller=TravellerData(surname="Bria", given_names="Yohanes", sex="M"),
        document=DocumentData(
            kind=DocumentKind.PASSPORT,
            number="C7654321",
            issuing_state="IDN",
            expiry_date=date(2031, 1, 1),
        ),
        crossing=CrossingData(
            direction="out",
            purpose="work",
            entry_point_code="motaain-motaain",
            destination="Batugade",
        ),
    )
    issued = TODAY - timedelta(days=10)
    crossing_register(
        actor=p.officer,
        traveller=TravellerData(
            surname="Mau", given_names="Fransiska", sex="F", residence_district_code="53.04.02"
        ),
        document=DocumentData(
            kind=DocumentKind.PLB,
            number="PLB4242",
            issuing_state="IDN",
            issued_on=issued,
            expiry_date=issued + timedelta(days=364),
        ),
        crossing=CrossingData(
            direction="out",
            purpose="trade",
            entry_point_code="motaain-motaain",
            destination="Balibo",
        ),
    )
    kilb_card_issue(
        actor=p.customs,
        number="KILB-9",
        plb_number="PLB4242",
        monthly_limit_idr=1_000_000,
        expiry_date=TODAY + timedelta(days=300),
    )
    crossing_group_create(actor=p.officer, label="Bus Atambua")
    visit = market_visit_register(
        actor=p.registrar, full_name="Ana Soares", origin_village="Batugade"
    )
    market_visit_checkout(actor=p.registrar, visit_number=visit.visit_number)
    from lintas.screening.services import crossing_screen

    crossing_screen(crossing=crossing, actor=p.officer)
    alert = _alert_create(
        actor=p.officer,
        kind="indicators",
        audience=AlertAudience.POST,
        level=Level.HIGH,
        crossing=crossing,
        summary={"reasons": []},
    )
    interview_record(
        actor=p.officer,
        crossing=crossing,
        answers={q.id: "no" for q in QUESTIONS},
        outcome="refer_police",
        note="Dokumen penempatan tidak ada.",
        alert=Alert.objects.get(pk=alert.pk),
    )
    case = case_open(actor=p.supervisor, summary="Calon PMI tanpa dokumen")
    victim = case_person_add(
        actor=p.supervisor, case=case, data=PersonData(role=PersonRole.VICTIM, first_name="Maria")
    )
    case_event_add(actor=p.supervisor, case=case, type="Recruitment", date_=TODAY)
    consent_record(
        actor=p.supervisor,
        person=victim,
        kind=ConsentKind.DISCLOSE,
        method="written",
        agency=p.shelter,
    )
    referral_create(
        actor=p.supervisor,
        case=case,
        to_agency=p.shelter,
        reason="AdditionalServicesRequired",
        covers_identity=False,
    )
    support_service_add(actor=p.supervisor, person=victim, type="medical", provider=p.shelter)
    follow_ups_schedule(actor=p.supervisor, person=victim, months=(1,))


def capture(work: Callable[[], None]) -> list[dict[str, Any]]:
    """The events ``work`` would queue at the Motaain node; nothing of it stays."""
    start = OutboxEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    events: list[dict[str, Any]] = []
    with override_settings(LINTAS_NODE=NODE):
        try:
            with transaction.atomic():
                work()
                events = [
                    {"model": e.model, "record_id": e.record_id, "op": e.op, "payload": e.payload}
                    for e in OutboxEvent.objects.filter(id__gt=start).order_by("id")
                ]
                raise _Rollback
        except _Rollback:
            pass
    return events


@pytest.fixture
def genuine(people: People) -> list[dict[str, Any]]:
    return capture(lambda: _desk_work(people))


@pytest.fixture
def node(people: People) -> FakeNode:
    return FakeNode(code=NODE, post="motaain")


def send(node: FakeNode, events: list[dict[str, Any]]) -> Any:
    numbered = []
    for i, e in enumerate(events, start=1):
        numbered.append({**e, "seq": i, "event_id": _event_id(), "urgent": False})
    node.seq = len(numbered)
    return node.push(node.batch(numbered, after=0))


def _event_id() -> str:
    from lintas.common.ids import uuid7

    return str(uuid7())


def synced_counts() -> dict[str, int]:
    counts = {label: apps.get_model(label)._base_manager.count() for label in sorted(registered())}
    counts["audit"] = AuditEntry.objects.count()
    counts["applied"] = AppliedEvent.objects.count()
    counts["applied_seq"] = int(SyncNode.objects.get(pk=NODE).applied_seq)
    return counts


# --- the registry is complete ------------------------------------------------------------


def _synced_models() -> list[str]:
    return sorted(
        m._meta.label_lower
        for m in apps.get_models()
        if issubclass(m, LintasModel) and not m._meta.abstract
    )


def test_every_synced_model_declares_a_node_policy() -> None:
    missing = [label for label in _synced_models() if spec_for(label) is None]
    assert missing == []
    assert all(isinstance(spec.policy, NodePolicy) for spec in registered().values())
    assert sorted(registered()) == _synced_models()


def test_every_synced_model_is_tried_here(genuine: list[dict[str, Any]]) -> None:
    """Node-writable models each have a genuine event to forge; hub-only ones a hub row."""
    writable = {label for label, spec in registered().items() if not spec.policy.hub_only}
    assert writable - {e["model"] for e in genuine} == set()
    assert {label for label, spec in registered().items() if spec.policy.hub_only} == set(HUB_ROWS)


# --- the genuine day is accepted, with the hub's own audit of it ---------------------------


def test_the_genuine_push_is_applied_and_audited_at_the_hub(
    node: FakeNode, genuine: list[dict[str, Any]], people: People
) -> None:
    before = synced_counts()
    response = send(node, genuine)
    assert response.status_code == 200, response.content
    assert node.data(response)["applied"] == len(genuine)
    records = {(e["model"], e["record_id"]) for e in genuine}
    applied = AuditEntry.objects.filter(node="hub", action=f"sync.apply:{NODE}")
    assert applied.count() == len(records)
    assert set(applied.values_list("object_type", "object_id")) == records
    crossing = next(e for e in genuine if e["model"] == "crossings.crossing")
    entry = applied.get(object_id=crossing["record_id"])
    assert entry.actor_id == people.officer.pk
    assert synced_counts()["applied_seq"] == before["applied_seq"] + len(genuine)
    assert [r.intact for r in audit_chain_verify(node="hub")] == [True]


# --- forgeries generated from each model's policy -------------------------------------------


def _forgeries(p: People, genuine: list[dict[str, Any]]) -> Iterator[tuple[str, str, Any, str]]:
    """(label, what, how to forge the batch, the refusal code expected)."""
    for label, spec in sorted(registered().items()):
        policy = spec.policy
        if policy.hub_only:
            continue
        first = next(
            e for e in genuine if e["model"] == label and e["payload"].get("created_by_id")
        )
        index = genuine.index(first)

        def setter(i: int, **values: Any) -> Callable[[list[dict[str, Any]]], None]:
            def forge(events: list[dict[str, Any]]) -> None:
                events[i]["payload"].update(values)

            return forge

        yield (
            label,
            "an officer of another post",
            setter(index, created_by_id=str(p.wini.pk)),
            ("policy.officer"),
        )
        yield (
            label,
            "a system administrator",
            setter(index, created_by_id=str(p.sysadmin.pk)),
            ("policy.officer"),
        )
        lacking = next(
            u
            for u in (p.registrar, p.officer, p.admin, p.supervisor)
            if policy.capability is not None and not u.can(policy.capability)
        )
        yield (
            label,
            "a role without the capability",
            setter(index, created_by_id=str(lacking.pk)),
            "policy.capability",
        )
        yield label, "a password", setter(index, password="argon2$forged"), "policy.secret"
        yield label, "another node's owner", setter(index, origin="post-wini"), "foreign_record"
        if policy.post is not None:
            yield label, "another post", setter(index, **{policy.post: "wini"}), "policy.post"
        for attname in policy.officers:
            later = next(
                (
                    i
                    for i, e in enumerate(genuine)
                    if e["model"] == label and e["payload"].get(attname)
                ),
                None,
            )
            if later is not None:
                yield (
                    label,
                    f"{attname} of another post",
                    setter(later, **{attname: str(p.wini.pk)}),
                    "policy.officer",
                )


def _rule_forgeries(
    p: People, genuine: list[dict[str, Any]]
) -> Iterator[tuple[str, str, Any, str]]:
    """The business rules of the services, one forgery each."""

    def at(label: str, **values: Any) -> Callable[[list[dict[str, Any]]], None]:
        index = next(i for i, e in enumerate(genuine) if e["model"] == label)

        def forge(events: list[dict[str, Any]]) -> None:
            events[index]["payload"].update(values)

        return forge

    def drop(label: str) -> Callable[[list[dict[str, Any]]], None]:
        def forge(events: list[dict[str, Any]]) -> None:
            events[:] = [e for e in events if e["model"] != label]

        return forge

    def both(
        *steps: Callable[[list[dict[str, Any]]], None],
    ) -> Callable[[list[dict[str, Any]]], None]:
        def forge(events: list[dict[str, Any]]) -> None:
            for step in steps:
                step(events)

        return forge

    yield (
        "cases.referral",
        "no consent",
        both(at("cases.referral", consent_id=None), drop("cases.consent")),
        "policy.consent",
    )
    yield (
        "cases.referral",
        "accepted by the sender",
        at(
            "cases.referral",
            status="accepted",
            decided_by_id=str(p.supervisor.pk),
            decided_at="2026-12-01T00:00:00+00:00",
        ),
        "policy.decision",
    )
    yield (
        "cases.referral",
        "identity shared without consent, override by an officer",
        both(
            at(
                "cases.referral",
                consent_id=None,
                override_reason="urgent",
                override_by_id=str(p.officer.pk),
                covers_identity=True,
            ),
            drop("cases.consent"),
        ),
        "policy.capability",
    )
    yield (
        "cases.case",
        "owned by another agency",
        at("cases.case", owner_agency_id=str(p.shelter.pk)),
        "policy.owner_agency",
    )
    yield "cases.tip", "a public tip", at("cases.tip", channel="web"), "policy.channel"
    yield "cases.tip", "already linked", at("cases.tip", status="linked"), "policy.state"
    yield (
        "crossings.crossing",
        "an entry point of Wini",
        at("crossings.crossing", entry_point_id=_entry_point("wini")),
        "policy.entry_point",
    )
    yield (
        "crossings.crossing",
        "a refusal with no reason",
        at("crossings.crossing", outcome="refused", refusal_reason=""),
        "policy.outcome",
    )
    yield (
        "crossings.crossing",
        "a crossing with a refusal reason",
        at("crossings.crossing", refusal_reason="suspected_trafficking"),
        "policy.outcome",
    )
    yield (
        "crossings.crossing",
        "a passport crossing with an extended stay",
        at("crossings.crossing", stay_extended_to=30, stay_extension_reason="Duka"),
        "policy.stay",
    )
    yield (
        "crossings.crossing",
        "a direction that is neither",
        at("crossings.crossing", direction="up"),
        "policy.direction",
    )
    yield (
        "screening.alert",
        "a quiet alert to anyone",
        at("screening.alert", audience="case_worker", recipient_id=str(p.wini.pk)),
        "policy.recipient",
    )
    yield (
        "screening.alert",
        "born acknowledged",
        at("screening.alert", status="closed"),
        "policy.state",
    )


def _entry_point(post: str) -> int:
    from lintas.places.models import EntryPoint

    return int(EntryPoint.objects.get(code=f"{post}-{post}").pk)


FORGERIES = [
    "policy",  # generated per model from its policy
    "rules",  # the services' business rules
]


@pytest.mark.parametrize("family", FORGERIES)
def test_forged_pushes_are_refused_and_change_nothing(
    family: str, node: FakeNode, genuine: list[dict[str, Any]], people: People
) -> None:
    cases = list(
        _forgeries(people, genuine) if family == "policy" else _rule_forgeries(people, genuine)
    )
    assert len(cases) >= (60 if family == "policy" else 9)
    refused: dict[str, int] = {}
    for label, what, forge, code in cases:
        events = copy.deepcopy(genuine)
        forge(events)
        before = synced_counts()
        security = SecurityEvent.objects.count()
        response = send(node, events)
        data = node.data(response)
        assert (response.status_code, data.get("code")) == (
            403,
            code,
        ), f"{label}: {what}: {response.status_code} {data}"
        after = synced_counts()
        # The refusal itself is audited at the hub (one entry); nothing else changed.
        assert after.pop("audit") == before.pop("audit") + (1 if code != "foreign_record" else 0)
        assert after == before, f"{label}: {what}"
        assert SecurityEvent.objects.count() == security + (0 if code == "foreign_record" else 1)
        refused[label] = refused.get(label, 0) + 1
    # Every node-writable model had its forgeries refused.
    if family == "policy":
        writable = {label for label, spec in registered().items() if not spec.policy.hub_only}
        assert set(refused) == writable
    # The genuine batch still goes through afterwards: the refusals were for the right reason.
    assert send(node, genuine).status_code == 200


def test_a_refusal_is_a_security_event_seen_by_administrators(
    node: FakeNode,
    genuine: list[dict[str, Any]],
    people: People,
    django_capture_on_commit_callbacks: Any,
) -> None:
    events = copy.deepcopy(genuine)
    index = next(i for i, e in enumerate(events) if e["model"] == "cases.referral")
    events[index]["payload"]["status"] = "accepted"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = send(node, events)
    assert response.status_code == 403
    event = SecurityEvent.objects.get()
    assert (event.node, event.code, event.model, event.record_id, event.seq) == (
        NODE,
        "policy.decision",
        "cases.referral",
        events[index]["record_id"],
        index + 1,
    )
    entry = AuditEntry.objects.filter(node="hub", action="sync.refused").get()
    assert (entry.object_type, entry.object_id) == ("sync.syncnode", NODE)
    assert [m.to for m in mail.outbox] == [["admin@example.org"]]
    assert "cases.referral" in mail.outbox[0].body
    assert "Maria" not in mail.outbox[0].body
    assert SyncNode.objects.get(pk=NODE).last_error.startswith("policy.decision:")


# --- hub-only models ---------------------------------------------------------------------


def _hub_rows(p: People) -> dict[str, Any]:
    ruleset_seed()
    investigator = make_user(Role.INVESTIGATOR)
    watch_list = watch_list_create(actor=investigator, kind="known_recruiter", name="Perekrut")
    entry = watch_entry_add(
        actor=investigator,
        watch_list=watch_list,
        fields={"full_name": "Yakobus Nahak", "source": "Polda NTT"},
    )
    submitted = tip_submit(
        channel="web", body="Ada calo di desa kami.", regency_code="53.04", language="id"
    )
    message = tip_reply(actor=investigator, tip_id=submitted.tip.pk, text="Terima kasih.")
    return {
        "accounts.agency": p.shelter,
        "accounts.user": p.officer,
        "screening.ruleset": RuleSet.objects.order_by("-version").first(),
        "screening.watchlist": watch_list,
        "screening.watchlistentry": entry,
        "cases.tipmessage": message,
        **_outreach_rows(),
        **_messaging_rows(),
    }


def _outreach_rows() -> dict[str, Any]:
    """One record of each outreach model, made at the hub through its services."""
    from lintas.common.ids import uuid7
    from lintas.outreach.imports import indicators_import
    from lintas.outreach.models import Indicator
    from lintas.outreach.planning import current_quarter, plan_create, plan_target_add
    from lintas.outreach.services import (
        activity_record,
        community_report_file,
        group_register,
        meeting_record,
    )

    ngo = make_agency(type=AgencyType.NGO, name="Rumah Perempuan Kupang")
    coordinator = make_user(Role.OUTREACH_COORDINATOR, agency=ngo)
    sabu = "53.20.01.2002"
    activity = activity_record(
        actor=coordinator,
        id=uuid7(),
        kind="awareness",
        held_on=TODAY - timedelta(days=3),
        village_code=sabu,
        reached={"women": 20, "men": 12},
        language="Sabu",
        concerns="Calo datang tiap musim panen.",
    )
    group = group_register(
        actor=coordinator,
        id=uuid7(),
        kind="migrant_workers",
        name="Kelompok Buruh Migran Menia",
        village_code=sabu,
        member_count=14,
    )
    meeting = meeting_record(
        actor=coordinator,
        id=uuid7(),
        group_id=group.pk,
        held_on=TODAY - timedelta(days=1),
        women=6,
        men=4,
        note="Membahas kontrak kerja.",
    )
    report = community_report_file(
        actor=coordinator,
        id=uuid7(),
        body="Dua anak perempuan dibawa ke Kupang oleh orang asing.",
        village_code=sabu,
        group_id=group.pk,
    )
    year, quarter = current_quarter()
    plan = plan_create(actor=coordinator, id=uuid7(), year=year, quarter=quarter, note="Sabu")
    target = plan_target_add(
        actor=coordinator,
        id=uuid7(),
        plan_id=plan.pk,
        district_code="53.20.01",
        activities_planned=3,
        who="Tim Sabu",
    )
    analyst = make_user(Role.ANALYST)
    header = b"district_code,indicator,year,value,source\n"
    assert indicators_import(actor=analyst, data=header + b"53.20.01,stunting,2024,40,SSGI\n").saved
    return {
        "outreach.activity": activity,
        "outreach.supportgroup": group,
        "outreach.meeting": meeting,
        "outreach.communityreport": report,
        "outreach.indicator": Indicator.objects.get(),
        "outreach.plan": plan,
        "outreach.plantarget": target,
    }


def _messaging_rows() -> dict[str, Any]:
    """A tip by SMS at the hub: the message, its conversation and the question sent back."""
    from lintas.messaging.models import Conversation, InboundMessage, OutboundMessage
    from lintas.messaging.services import inbound_receive

    inbound_receive(
        gateway="kannel",
        message_id="m-1",
        sender="+6281234567890",
        text="Ada calo di desa kami yang membawa anak-anak ke Malaysia",
    )
    return {
        "messaging.inboundmessage": InboundMessage.objects.get(),
        "messaging.outboundmessage": OutboundMessage.objects.get(),
        "messaging.conversation": Conversation.objects.get(),
    }


HUB_ROWS = [
    "accounts.agency",
    "accounts.user",
    "cases.tipmessage",
    "messaging.conversation",
    "messaging.inboundmessage",
    "messaging.outboundmessage",
    "outreach.activity",
    "outreach.communityreport",
    "outreach.indicator",
    "outreach.meeting",
    "outreach.plan",
    "outreach.plantarget",
    "outreach.supportgroup",
    "screening.ruleset",
    "screening.watchlist",
    "screening.watchlistentry",
]
# A field of each hub-only model that a forged edit changes.
CHANGEABLE = ("name", "full_name", "body", "note", "source", "concerns", "step", "to_masked")
CHANGEABLE += ("sender_masked", "digest")


@pytest.mark.parametrize("label", HUB_ROWS)
@pytest.mark.parametrize("how", ["new", "edit"])
def test_a_node_may_not_make_or_change_hub_records(
    label: str, how: str, node: FakeNode, people: People
) -> None:
    row = _hub_rows(people)[label]
    state = node.event(row)
    node.seq = 0
    payload = state["payload"]
    if how == "new":
        from lintas.common.ids import uuid7

        payload["id"] = str(uuid7())
        for unique in ("code", "username", "version"):
            if unique in payload:
                payload[unique] = f"x{payload[unique]}" if unique != "version" else 999
        payload["origin"] = NODE
    else:
        changeable = next(n for n in CHANGEABLE if n in payload)
        payload[changeable] = "forged at the node"
        if label == "accounts.user":
            payload["role"] = Role.SYSTEM_ADMIN
    event = {**state, "record_id": payload["id"], "payload": payload, "seq": 1}
    before = synced_counts()
    response = node.push(node.batch([event], after=0))
    assert (response.status_code, node.data(response)["code"]) == (403, "policy.hub_only")
    after = synced_counts()
    assert after.pop("audit") == before.pop("audit") + 1
    assert after == before


def test_audit_verify_at_the_hub_finds_a_node_record_that_has_no_entry(
    node: FakeNode, genuine: list[dict[str, Any]], people: People
) -> None:
    from io import StringIO

    from django.core.management import CommandError, call_command

    from lintas.audit.selectors import applied_records_uncovered
    from lintas.crossings.models import Crossing

    assert send(node, genuine).status_code == 200
    checked, uncovered = applied_records_uncovered()
    assert (checked, uncovered) == (len({e["record_id"] for e in genuine}), [])
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    assert f"covered node_records={checked}" in out.getvalue()
    # A crossing slipped into the hub's database past the sync service:
    planted = Crossing.objects.get(
        pk=next(e for e in genuine if e["model"] == "crossings.crossing")["record_id"]
    )
    planted.pk = None
    from lintas.common.ids import uuid7

    planted.id = uuid7()
    planted.save(force_insert=True)
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("audit", "verify", stdout=out)
    assert (
        f"UNCOVERED model=crossings.crossing id={planted.pk} origin={NODE} "
        "reason='applied from a node without a hub audit entry'"
    ) in out.getvalue()


def test_the_hub_page_shows_the_refusal_until_an_administrator_reviews_it(
    node: FakeNode,
    genuine: list[dict[str, Any]],
    people: People,
    login_client: Callable[[User], Any],
) -> None:
    events = copy.deepcopy(genuine)
    events[0]["payload"]["created_by_id"] = str(people.wini.pk)
    assert send(node, events).status_code == 403
    event = SecurityEvent.objects.get()
    admin = login_client(people.sysadmin)
    html = admin.get("/sync/", HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert 'id="security"' in html
    assert "Kejadian keamanan" in html
    assert "policy.officer" in html
    assert f"/sync/security/{event.pk}/review" in html
    # A supervisor may not review it, and nothing changes when they try.
    supervisor = login_client(people.supervisor)
    refused = supervisor.post(f"/sync/security/{event.pk}/review", {"note": "x"})
    assert refused.status_code == 403
    assert SecurityEvent.objects.get().reviewed_at is None
    done = admin.post(f"/sync/security/{event.pk}/review", {"note": "PC ditemukan, dicabut"})
    assert done.status_code == 302
    event.refresh_from_db()
    assert (event.reviewed_by_id, event.review_note) == (
        people.sysadmin.pk,
        "PC ditemukan, dicabut",
    )
    assert 'id="no-security"' in admin.get("/sync/").content.decode()


def test_the_node_keeps_and_shows_the_refused_event(
    people: People, settings: Any, login_client: Callable[[User], Any]
) -> None:
    from django.utils import timezone

    from lintas.sync.client import _keep_refused
    from lintas.sync.models import HubLink
    from lintas.sync.policy import PolicyRefusal
    from tests.sync.helpers import node_change

    settings.LINTAS_NODE = NODE
    HubLink.objects.create(
        hub_url="http://127.0.0.1:1",
        node=NODE,
        private_key="0" * 64,
        hub_public_key="0" * 64,
        enrolled_at=timezone.now(),
    )
    group = node_change("Bus Kefa")
    queued = OutboxEvent.objects.get(record_id=str(group.pk))
    refusal = PolicyRefusal(
        model="crossings.crossinggroup",
        record_id=str(group.pk),
        rule="post",
        message="The record belongs to another post than this node's.",
        seq=queued.pk,
    )
    _keep_refused(refusal)
    queued.refresh_from_db()
    assert (queued.acked_at, queued.refusal[:12]) == (None, "policy.post:")
    assert queued.refused_at is not None
    html = login_client(people.sysadmin).get("/sync/", HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert 'id="refused"' in html
    assert "Ditolak oleh hub" in html
    assert f"#{queued.pk}" in html
