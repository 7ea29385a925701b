"""Confirming, splitting, declining and undoing links: exact persons, refusals and history."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import override_settings

from lintas.accounts.models import User
from lintas.accounts.roles import Role
from lintas.audit.models import AuditEntry
from lintas.cases.tips import tip_submit
from lintas.common.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from lintas.linkage.decisions import (
    person_record_undo,
    proposal_confirm,
    proposal_decline,
    proposal_split,
)
from lintas.linkage.models import (
    LinkProposal,
    LinkRefusal,
    Person,
    PersonRecord,
    ProposalStatus,
    RecordSource,
)
from lintas.linkage.selectors import linked_records, person_of
from tests.linkage.review_world import ReviewWorld, propose, record, review_world, victim_in_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(user_factory: Callable[..., User]) -> ReviewWorld:
    return review_world(user_factory)


def _live(person: Person) -> set[Any]:
    return set(
        PersonRecord.objects.filter(person=person, undone_at__isnull=True).values_list(
            "record_id", flat=True
        )
    )


def _state() -> tuple[int, int, int, int, list[tuple[str, int]]]:
    return (
        Person.objects.count(),
        PersonRecord.objects.count(),
        LinkRefusal.objects.count(),
        AuditEntry.objects.count(),
        sorted(LinkProposal.objects.values_list("status", "version")),
    )


def test_confirm_makes_one_person_of_every_record(world: ReviewWorld) -> None:
    before = AuditEntry.objects.count()
    p = world.the_proposal
    person = proposal_confirm(actor=world.investigator, proposal_id=p.pk, version=1)
    assert _live(person) == {r.pk for r in world.records.values()}
    p.refresh_from_db()
    assert (p.status, p.version, p.decided_by) == ("confirmed", 2, world.investigator)
    actions = list(
        AuditEntry.objects.filter(seq__gt=0)
        .order_by("-seq")[: AuditEntry.objects.count() - before]
        .values_list("action", flat=True)
    )
    assert sorted(actions) == sorted(
        ["linkage.person_create"]
        + ["linkage.person_record_confirm"] * 3
        + ["linkage.proposal_confirmed"]
    )
    wini = world.crossings["wini"]
    others = linked_records(source=RecordSource.TRAVELLER, record_id=wini.traveller_id)
    assert {r.pk for r in others} == {world.records["motaain"].pk, world.records["motamasin"].pk}
    assert person_of(source=RecordSource.TRAVELLER, record_id=wini.traveller_id) == person


def test_confirm_joins_persons_the_records_already_belong_to(world: ReviewWorld) -> None:
    wini, motaain, motamasin = (world.records[k] for k in ("wini", "motaain", "motamasin"))
    first = proposal_confirm(
        actor=world.investigator, proposal_id=propose([wini, motaain]).pk, version=1
    )
    submitted = tip_submit(body="Maria Bria dibawa ke Kupang oleh seorang perekrut.")
    tip = record(RecordSource.TIP, submitted.tip.pk)
    second = proposal_confirm(
        actor=world.investigator, proposal_id=propose([motamasin, tip]).pk, version=1
    )
    # The big proposal spans both persons: the older person is kept, the other joins it.
    joined = proposal_confirm(
        actor=world.investigator, proposal_id=world.the_proposal.pk, version=1
    )
    assert joined == first
    assert _live(first) == {wini.pk, motaain.pk, motamasin.pk, tip.pk}
    assert _live(second) == set()
    undone = PersonRecord.objects.filter(person=second).order_by("record_id")
    assert [(r.undone_by, r.undo_reason) for r in undone] == [
        (world.investigator, f"joined person {first.pk}")
    ] * 2
    assert PersonRecord.objects.filter(undone_at__isnull=True).count() == 4


def test_split_makes_persons_of_groups_and_refuses_pairs_across(world: ReviewWorld) -> None:
    wini, motaain, motamasin = (world.records[k] for k in ("wini", "motaain", "motamasin"))
    p = world.the_proposal
    persons = proposal_split(
        actor=world.supervisors["motaain"],
        proposal_id=p.pk,
        version="1",
        groups=[[str(wini.pk), str(motaain.pk).upper()], [str(motamasin.pk)]],
    )
    assert len(persons) == 1
    assert _live(persons[0]) == {wini.pk, motaain.pk}
    refused = {frozenset((r.left_id, r.right_id)) for r in LinkRefusal.objects.all()}
    assert refused == {frozenset((wini.pk, motamasin.pk)), frozenset((motaain.pk, motamasin.pk))}
    assert all(str(r.left_id) < str(r.right_id) for r in LinkRefusal.objects.all())
    p.refresh_from_db()
    assert (p.status, p.version) == (ProposalStatus.SPLIT, 2)


def test_decline_refuses_every_pair(world: ReviewWorld) -> None:
    made = proposal_decline(actor=world.investigator, proposal_id=world.the_proposal.pk, version=1)
    assert made == 3
    assert Person.objects.count() == 0
    # A later proposal with a refused pair cannot be confirmed.
    again = propose([world.records["wini"], world.records["motaain"]])
    before = _state()
    with pytest.raises(Conflict) as refused:
        proposal_confirm(actor=world.investigator, proposal_id=again.pk, version=1)
    assert refused.value.code == "refused_pair"
    assert _state() == before


def test_a_decided_proposal_is_not_decided_again(world: ReviewWorld) -> None:
    p = world.the_proposal
    proposal_confirm(actor=world.investigator, proposal_id=p.pk, version=1)
    before = _state()
    for version in (1, 2):
        with pytest.raises(Conflict) as second:
            proposal_decline(actor=world.supervisors["wini"], proposal_id=p.pk, version=version)
        assert second.value.code == "already_decided"
        assert str(second.value.message) == (
            "Sudah diputuskan oleh penyidik.uji: Dikonfirmasi. Tidak ada yang diubah."
        )
    assert _state() == before


def test_a_stale_version_is_refused(world: ReviewWorld) -> None:
    p = world.the_proposal
    LinkProposal.objects.filter(pk=p.pk).update(version=5)
    before = _state()
    with pytest.raises(Conflict) as stale:
        proposal_confirm(actor=world.investigator, proposal_id=p.pk, version=4)
    assert stale.value.code == "stale"
    for bad in ("", "abc", "1\x00", None, "9" * 20, True):
        with pytest.raises(ValidationFailed):
            proposal_confirm(actor=world.investigator, proposal_id=p.pk, version=bad)
    assert _state() == before


@pytest.mark.parametrize(
    ("groups", "code"),
    [
        ([], "no_groups"),
        ("wini", "no_groups"),
        ([["wini", "motaain", "motamasin"]], "one_group"),
        ([["wini", "motaain"], []], "unassigned"),
        ([["wini"], ["motaain"]], "unassigned"),
        ([["wini", "motaain"], ["motamasin", "wini"]], "twice"),
        ([["wini", "motaain"], ["motamasin", "forged"]], "foreign"),
        ([["wini", "motaain"], ["motamasin", "outside"]], "foreign"),
        ([["wini", "motaain"], ["motamasin\x00"]], "foreign"),
        ([["wini", "motaain"], "motamasin"], "no_groups"),
    ],
)
def test_a_bad_split_changes_nothing(world: ReviewWorld, groups: Any, code: str) -> None:
    outside = record(RecordSource.TIP, "0190d7a0-0000-7000-8000-0000000000ff")
    names = {
        **{k: str(r.pk) for k, r in world.records.items()},
        "forged": "0190d7a0-dead-7000-8000-000000000000",
        "outside": str(outside.pk),
        "motamasin\x00": str(world.records["motamasin"].pk) + "\x00",
    }
    if isinstance(groups, list):
        groups = [[names[k] for k in g] if isinstance(g, list) else g for g in groups]
    before = _state()
    with pytest.raises(ValidationFailed) as refused:
        proposal_split(
            actor=world.investigator, proposal_id=world.the_proposal.pk, version=1, groups=groups
        )
    assert refused.value.code == code
    assert _state() == before


def test_undo_takes_one_record_out_and_keeps_the_history(world: ReviewWorld) -> None:
    person = proposal_confirm(
        actor=world.investigator, proposal_id=world.the_proposal.pk, version=1
    )
    row = PersonRecord.objects.get(person=person, record=world.records["motamasin"])
    undone = person_record_undo(
        actor=world.supervisors["motamasin"], person_record_id=row.pk, reason="  Orang lain  "
    )
    assert (undone.undone_by, undone.undo_reason) == (world.supervisors["motamasin"], "Orang lain")
    assert _live(person) == {world.records["wini"].pk, world.records["motaain"].pk}
    assert PersonRecord.objects.filter(person=person).count() == 3
    before = _state()
    with pytest.raises(Conflict):
        person_record_undo(actor=world.investigator, person_record_id=row.pk, reason="lagi")
    for reason in ("", "a\x00b", "x" * 301):
        other = PersonRecord.objects.get(person=person, record=world.records["wini"])
        with pytest.raises(ValidationFailed):
            person_record_undo(actor=world.investigator, person_record_id=other.pk, reason=reason)
    assert _state() == before


def test_a_split_over_a_confirmed_pair_is_refused(world: ReviewWorld) -> None:
    wini, motaain = world.records["wini"], world.records["motaain"]
    proposal_confirm(actor=world.investigator, proposal_id=propose([wini, motaain]).pk, version=1)
    before = _state()
    with pytest.raises(Conflict) as refused:
        proposal_decline(actor=world.investigator, proposal_id=world.the_proposal.pk, version=1)
    assert refused.value.code == "confirmed_pair"
    assert _state() == before


def test_a_supervisor_decides_only_proposals_of_their_post(
    world: ReviewWorld, user_factory: Callable[..., User]
) -> None:
    two_posts = propose([world.records["wini"], world.records["motaain"]])
    others = [
        user_factory(role)
        for role in (Role.POST_OFFICER, Role.CASE_WORKER, Role.ANALYST, Role.SYSTEM_ADMIN)
    ]
    before = _state()
    with pytest.raises(NotFound):
        proposal_confirm(actor=world.supervisors["motamasin"], proposal_id=two_posts.pk, version=1)
    for other in others:
        with pytest.raises(PermissionDenied):
            proposal_confirm(actor=other, proposal_id=two_posts.pk, version=1)
    assert _state() == before
    person = proposal_confirm(actor=world.supervisors["wini"], proposal_id=two_posts.pk, version=1)
    assert _live(person) == {world.records["wini"].pk, world.records["motaain"].pk}


def test_decisions_are_the_hub_s(world: ReviewWorld) -> None:
    before = _state()
    with override_settings(LINTAS_NODE="post-motaain"), pytest.raises(PermissionDenied) as node:
        proposal_confirm(actor=world.investigator, proposal_id=world.the_proposal.pk, version=1)
    assert node.value.code == "hub_only"
    with override_settings(LINTAS_NODE="post-motaain"):
        wini = world.crossings["wini"]
        assert linked_records(source="traveller", record_id=wini.traveller_id) == []
    assert _state() == before


def test_a_link_to_a_record_the_reviewer_may_not_see_is_refused(
    world: ReviewWorld, user_factory: Callable[..., User]
) -> None:
    worker = user_factory(Role.CASE_WORKER)
    victim = victim_in_case(worker)
    proposal = propose([world.records["wini"], victim])
    before = _state()
    for decide in (proposal_confirm, proposal_decline):
        with pytest.raises(PermissionDenied) as refused:
            decide(actor=world.investigator, proposal_id=proposal.pk, version=1)
        assert refused.value.code == "record_hidden"
        assert str(refused.value.message) == (
            "Anda tidak boleh melihat 1 dari catatan ini (Orang dalam kasus milik lembaga yang "
            "kasusnya tidak boleh Anda baca.), jadi Anda tidak boleh memutuskan tautan ini: "
            "mintalah peninjau yang boleh melihat semua catatan. Tidak ada yang diubah."
        )
    with pytest.raises(PermissionDenied):
        proposal_split(
            actor=world.investigator,
            proposal_id=proposal.pk,
            version=1,
            groups=[[str(world.records["wini"].pk)], [str(victim.pk)]],
        )
    assert _state() == before
    # An investigator of the agency that owns the case may see both sides, and decides.
    owner_side = user_factory(Role.INVESTIGATOR, agency=world.investigator.agency)
    case_owner = user_factory(Role.CASE_WORKER, agency=owner_side.agency)
    own_victim = victim_in_case(case_owner)
    own = propose([world.records["motaain"], own_victim])
    person = proposal_confirm(actor=owner_side, proposal_id=own.pk, version=1)
    assert _live(person) == {world.records["motaain"].pk, own_victim.pk}
