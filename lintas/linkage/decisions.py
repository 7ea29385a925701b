"""People decide: confirm, split or decline a proposed link, and undo a confirmed one.

Every decision runs at the hub, in one transaction, with the proposal's row locked and the
version the reviewer saw checked: of two reviewers deciding the same proposal at once,
exactly one decides and the other is told who did. Nothing is merged in place: a person
is a grouping of records (``PersonRecord``), and a grouping that changes is marked undone
and made anew, so every decision stays in the history. A reviewer decides only over
records whose identity they may see; otherwise the decision is refused and nothing changes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from itertools import combinations
from typing import Any
from uuid import UUID

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lintas.accounts.models import User
from lintas.accounts.roles import Capability
from lintas.audit.services import audit_append, audited_state
from lintas.common.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from lintas.common.nodes import require_hub
from lintas.common.text import clean_text
from lintas.linkage.models import (
    LinkProposal,
    LinkRecord,
    LinkRefusal,
    Person,
    PersonRecord,
    ProposalStatus,
)
from lintas.linkage.record_cards import hidden_records
from lintas.linkage.selectors import person_scope, proposals_visible

MAX_GROUPS = 50


def _need_reviewer(actor: User) -> None:
    require_hub()
    if not actor.can(Capability.REVIEW_LINKS):
        raise PermissionDenied(_("You are not allowed to do this."))


def _version(value: object) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = str(value or "").strip()
    if not (text.isascii() and text.isdigit() and len(text) < 10):
        raise ValidationFailed(_("The form is out of date: open the proposal again."))
    return int(text)


def _locked_proposal(actor: User, proposal_id: UUID | str, version: object) -> LinkProposal:
    """The proposal in the actor's scope, locked, still waiting, at the version they saw."""
    seen = _version(version)
    proposal = (
        LinkProposal.objects.select_for_update(of=("self",))
        .filter(pk__in=proposals_visible(user=actor).filter(pk=proposal_id).values("pk"))
        .first()
    )
    if proposal is None:
        raise NotFound(_("No such proposal."))
    if proposal.status != ProposalStatus.PROPOSED:
        who = proposal.decided_by.username if proposal.decided_by else "—"
        raise Conflict(
            _("Already decided by %(who)s: %(status)s. Nothing was changed.")
            % {"who": who, "status": proposal.get_status_display()},
            code="already_decided",
        )
    if proposal.version != seen:
        raise Conflict(
            _("The proposal changed since you opened it: look at it again. Nothing was changed."),
            code="stale",
        )
    return proposal


def _locked_records(proposal: LinkProposal) -> list[LinkRecord]:
    ids = list(proposal.records.values_list("pk", flat=True))
    return list(
        LinkRecord.objects.select_for_update(of=("self",))
        .filter(pk__in=ids)
        .select_related("post")
        .order_by("pk")
    )


def _refuse_hidden(actor: User, records: list[LinkRecord]) -> None:
    hidden = hidden_records(user=actor, records=records)
    if hidden:
        raise PermissionDenied(
            _(
                "You may not see %(n)d of these records (%(what)s), so you may not decide "
                "on this link: ask a reviewer who may see every record. Nothing was changed."
            )
            % {"n": len(hidden), "what": "; ".join(sorted({c.hidden_reason for c in hidden}))},
            code="record_hidden",
        )


def _decided(actor: User, proposal: LinkProposal, status: str, extra: dict[str, Any]) -> None:
    proposal.status = status
    proposal.decided_by = actor
    proposal.decided_at = timezone.now()
    proposal.version += 1
    proposal.save(update_fields=["status", "decided_by", "decided_at", "version"])
    audit_append(
        actor=actor,
        action=f"linkage.proposal_{status}",
        obj=proposal,
        changed={**audited_state(proposal), **extra},
        fields=["status", "decided_by_id", "decided_at", "version", *extra],
    )


def _ordered(a: LinkRecord, b: LinkRecord) -> tuple[LinkRecord, LinkRecord]:
    return (a, b) if str(a.pk) < str(b.pk) else (b, a)


def _live_refusals(records: Sequence[LinkRecord]) -> list[LinkRefusal]:
    ids = [r.pk for r in records]
    return list(
        LinkRefusal.objects.filter(left_id__in=ids, right_id__in=ids, undone_at__isnull=True)
    )


def _group_into_person(actor: User, proposal: LinkProposal, records: list[LinkRecord]) -> Person:
    """Make ``records`` one person, joining the persons some of them already belong to.

    The oldest of those persons is kept; the records of the others are undone there and
    confirmed anew under the kept one, so the result is one person and history stays.
    """
    persons = PersonRecord.objects.filter(record__in=records, undone_at__isnull=True).values(
        "person_id"
    )
    live = list(
        PersonRecord.objects.select_for_update(of=("self",))
        .filter(person_id__in=persons, undone_at__isnull=True)
        .select_related("person", "record")
        .order_by("person__created_at", "person_id", "pk")
    )
    members = {r.pk: r for r in records}
    for row in live:
        members.setdefault(row.record_id, row.record)
    union = sorted(members.values(), key=lambda r: str(r.pk))
    if union != sorted(records, key=lambda r: str(r.pk)):
        _refuse_hidden(actor, union)
    if _live_refusals(union):
        raise Conflict(
            _(
                "Two of these records were declared different people earlier: split the "
                "proposal instead, or keep them apart. Nothing was changed."
            ),
            code="refused_pair",
        )
    now = timezone.now()
    keeper = live[0].person if live else None
    if keeper is None:
        keeper = Person.objects.create(created_by=actor, created_at=now)
        audit_append(
            actor=actor, action="linkage.person_create", obj=keeper, changed=audited_state(keeper)
        )
    kept = {row.record_id for row in live if row.person_id == keeper.pk}
    moved = [row for row in live if row.person_id != keeper.pk]
    for row in moved:
        row.undone_by, row.undone_at = actor, now
        row.undo_reason = f"joined person {keeper.pk}"[:300]
        row.save(update_fields=["undone_by", "undone_at", "undo_reason"])
        audit_append(
            actor=actor,
            action="linkage.person_record_undo",
            obj=row,
            changed=audited_state(row),
            fields=["undone_by_id", "undone_at", "undo_reason"],
        )
    for record in union:
        if record.pk in kept:
            continue
        row = PersonRecord.objects.create(
            person=keeper, record=record, proposal=proposal, confirmed_by=actor, confirmed_at=now
        )
        audit_append(
            actor=actor, action="linkage.person_record_confirm", obj=row, changed=audited_state(row)
        )
    return keeper


def _refuse_pairs(
    actor: User, proposal: LinkProposal, pairs: Iterable[tuple[LinkRecord, LinkRecord]]
) -> int:
    """Record that each pair is two different people (pairs already refused are kept)."""
    wanted = [_ordered(a, b) for a, b in pairs]
    if not wanted:
        return 0
    records = list({r.pk: r for pair in wanted for r in pair}.values())
    same = PersonRecord.objects.filter(record__in=records, undone_at__isnull=True).values_list(
        "record_id", "person_id"
    )
    person_of = dict(same)
    for a, b in wanted:
        if a.pk in person_of and person_of.get(a.pk) == person_of.get(b.pk):
            raise Conflict(
                _(
                    "Two of these records were confirmed as one person earlier: undo that "
                    "link on the person's page first. Nothing was changed."
                ),
                code="confirmed_pair",
            )
    existing = {(r.left_id, r.right_id) for r in _live_refusals(records)}
    existing |= {(b, a) for a, b in existing}
    made = 0
    for a, b in wanted:
        if (a.pk, b.pk) in existing:
            continue
        refusal = LinkRefusal.objects.create(left=a, right=b, proposal=proposal, decided_by=actor)
        audit_append(
            actor=actor,
            action="linkage.refusal_create",
            obj=refusal,
            changed=audited_state(refusal),
        )
        made += 1
    return made


def _atomic_decision[T](work: Callable[[], T]) -> T:
    """Run ``work`` in one transaction; a second live grouping of a record is a conflict."""
    try:
        with transaction.atomic():
            return work()
    except IntegrityError:
        raise Conflict(
            _("Someone decided on these records at the same moment: look again. Nothing changed."),
            code="concurrent",
        ) from None


def proposal_confirm(*, actor: User, proposal_id: UUID | str, version: object) -> Person:
    """All the proposal's records are one person (joined with persons they already belong to)."""
    _need_reviewer(actor)

    def work() -> Person:
        proposal = _locked_proposal(actor, proposal_id, version)
        records = _locked_records(proposal)
        _refuse_hidden(actor, records)
        person = _group_into_person(actor, proposal, records)
        _decided(actor, proposal, ProposalStatus.CONFIRMED, {"person_id": str(person.pk)})
        return person

    return _atomic_decision(work)


def _split_groups(records: list[LinkRecord], groups: object) -> list[list[LinkRecord]]:
    by_id = {str(r.pk): r for r in records}
    if not isinstance(groups, list | tuple) or not groups or len(groups) > MAX_GROUPS:
        raise ValidationFailed(_("Put each record into a group."), code="no_groups")
    seen: set[str] = set()
    out: list[list[LinkRecord]] = []
    for group in groups:
        if not isinstance(group, list | tuple):
            raise ValidationFailed(_("Put each record into a group."), code="no_groups")
        members = []
        for raw in group:
            key = str(raw).strip().lower()
            if key not in by_id:
                raise ValidationFailed(
                    _("A record that is not part of this proposal was named."), code="foreign"
                )
            if key in seen:
                raise ValidationFailed(_("A record was put into two groups."), code="twice")
            seen.add(key)
            members.append(by_id[key])
        if members:
            out.append(members)
    if seen != set(by_id):
        raise ValidationFailed(_("Put each record into a group."), code="unassigned")
    if len(out) < 2:
        raise ValidationFailed(
            _("A split needs at least two groups: to keep them all together, confirm."),
            code="one_group",
        )
    return out


def proposal_split(
    *, actor: User, proposal_id: UUID | str, version: object, groups: object
) -> list[Person]:
    """The reviewer's groups: each of two or more records is a person; across groups, refused.

    ``groups`` lists the record ids (``LinkRecord`` ids) of each group; every record of the
    proposal is in exactly one group, and there are at least two groups.
    """
    _need_reviewer(actor)

    def work() -> list[Person]:
        proposal = _locked_proposal(actor, proposal_id, version)
        records = _locked_records(proposal)
        chosen = _split_groups(records, groups)
        _refuse_hidden(actor, records)
        across = [(a, b) for g1, g2 in combinations(chosen, 2) for a in g1 for b in g2]
        refused = _refuse_pairs(actor, proposal, across)
        persons = [_group_into_person(actor, proposal, g) for g in chosen if len(g) >= 2]
        _decided(
            actor,
            proposal,
            ProposalStatus.SPLIT,
            {
                "groups": [sorted(str(r.pk) for r in g) for g in chosen],
                "refusals": refused,
                "person_ids": [str(p.pk) for p in persons],
            },
        )
        return persons

    return _atomic_decision(work)


def proposal_decline(*, actor: User, proposal_id: UUID | str, version: object) -> int:
    """None of the proposal's records are the same person: every pair is refused."""
    _need_reviewer(actor)

    def work() -> int:
        proposal = _locked_proposal(actor, proposal_id, version)
        records = _locked_records(proposal)
        _refuse_hidden(actor, records)
        refused = _refuse_pairs(actor, proposal, combinations(records, 2))
        _decided(actor, proposal, ProposalStatus.DECLINED, {"refusals": refused})
        return refused

    return _atomic_decision(work)


def person_record_undo(
    *,
    actor: User,
    person_record_id: UUID | str,
    reason: str,
    person_id: UUID | str | None = None,
) -> PersonRecord:
    """Take one record out of a confirmed person; the row is marked undone, never deleted."""
    _need_reviewer(actor)
    reason = clean_text(reason, field="reason", max_length=300)

    def work() -> PersonRecord:
        in_scope = Person.objects.filter(person_scope(actor))
        if person_id is not None:
            in_scope = in_scope.filter(pk=person_id)
        row = (
            PersonRecord.objects.select_for_update(of=("self",))
            .filter(pk=person_record_id, person__in=in_scope.values("pk"))
            .select_related("record", "record__post")
            .first()
        )
        if row is None:
            raise NotFound(_("No such link."))
        if row.undone_at is not None:
            raise Conflict(_("This link was already undone. Nothing was changed."), code="undone")
        _refuse_hidden(actor, [row.record])
        row.undone_by, row.undone_at, row.undo_reason = actor, timezone.now(), reason
        row.save(update_fields=["undone_by", "undone_at", "undo_reason"])
        audit_append(
            actor=actor,
            action="linkage.person_record_undo",
            obj=row,
            changed=audited_state(row),
            fields=["undone_by_id", "undone_at", "undo_reason"],
        )
        return row

    return _atomic_decision(work)


def valid_uuid(raw: object) -> str | None:
    """``raw`` as a canonical UUID text, or None (a forged id is refused, never a 500)."""
    try:
        return str(UUID(str(raw)[:40]))
    except ValueError:
        return None
