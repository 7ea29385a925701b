"""Pages where people decide on proposed links: the queue, one proposal, one person."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lintas.accounts.decorators import requires, signed_in_user
from lintas.accounts.roles import Capability
from lintas.common.errors import NotFound, ValidationFailed
from lintas.common.nodes import require_hub
from lintas.common.pages import flashed
from lintas.linkage import decisions, selectors
from lintas.linkage.models import Person, ProposalStatus, RecordSource

# How the engine's comparisons read on the page; an unknown one shows its own name.
COMPARISONS = {
    "name": gettext_lazy("Name"),
    "full_name": gettext_lazy("Name"),
    "birth_date": gettext_lazy("Birth date"),
    "sex": gettext_lazy("Sex"),
    "village": gettext_lazy("Village"),
    "village_code": gettext_lazy("Village"),
    "district": gettext_lazy("District"),
    "district_code": gettext_lazy("District"),
    "place": gettext_lazy("Village or district"),
    "phone": gettext_lazy("Phone"),
    "document": gettext_lazy("Document number"),
    "document_number": gettext_lazy("Document number"),
}
GROUP_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
MAX_FIELDS = 200


def _label(comparison: str) -> str:
    return str(COMPARISONS.get(comparison, comparison))


@requires(Capability.REVIEW_LINKS)
@require_GET
def review_queue(request: HttpRequest) -> HttpResponse:
    """The proposals waiting for a decision (or decided ones, by status)."""
    require_hub()
    user = signed_in_user(request)
    status = request.GET.get("status", ProposalStatus.PROPOSED)
    if status not in ProposalStatus.values:
        status = ProposalStatus.PROPOSED
    rows = list(selectors.proposals_queue(user=user, status=status)[: selectors.QUEUE_LIMIT])
    labels = dict(RecordSource.choices)
    items = [
        {
            "proposal": p,
            "sources": sorted({str(labels.get(r.source, r.source)) for r in p.records.all()}),
            "posts": sorted({r.post.name for r in p.records.all() if r.post is not None}),
        }
        for p in rows
    ]
    return render(
        request,
        "linkage/review_queue.html",
        {"items": items, "status": status, "statuses": ProposalStatus.choices},
    )


def _letter(i: int) -> str:
    return GROUP_LETTERS[i] if i < len(GROUP_LETTERS) else str(i + 1)


def _evidence_table(review: selectors.ProposalReview) -> dict[str, Any]:
    """The pairs as columns and the comparisons as rows: each cell a level and its weight."""
    names: list[str] = []
    for pair in review.pairs:
        names += [c.comparison for c in pair.comparisons if c.comparison not in names]
    cells = [{c.comparison: c for c in pair.comparisons} for pair in review.pairs]
    return {
        "pairs": [
            {
                "pair": pair,
                "label": f"{_letter(pair.left)} ↔ {_letter(pair.right)}",
                "agreed": ", ".join(_label(c) for c in pair.agreed),
                "disagreed": ", ".join(_label(c) for c in pair.disagreed),
            }
            for pair in review.pairs
        ],
        "rows": [
            {"label": _label(name), "cells": [row.get(name) for row in cells]} for name in names
        ],
    }


def _groups_from(request: HttpRequest) -> list[list[str]]:
    """The reviewer's groups from ``group-<record id>`` fields (values ``1``..``n``)."""
    fields = [k for k in request.POST if k.startswith("group-")]
    if not fields or len(fields) > MAX_FIELDS:
        raise ValidationFailed(_("Put each record into a group."))
    groups: dict[int, list[str]] = {}
    for key in fields:
        value = request.POST.get(key, "")
        if not (value.isascii() and value.isdigit() and 0 < len(value) < 4):
            raise ValidationFailed(_("Choose a group for each record."))
        record_id = decisions.valid_uuid(key.removeprefix("group-"))
        if record_id is None:
            raise ValidationFailed(_("A record that is not part of this proposal was named."))
        groups.setdefault(int(value), []).append(record_id)
    return [groups[k] for k in sorted(groups)]


def _decide(request: HttpRequest, proposal_id: UUID) -> None:
    user = signed_in_user(request)
    version = request.POST.get("version", "")
    action = request.POST.get("action", "")
    if action == "confirm":
        decisions.proposal_confirm(actor=user, proposal_id=proposal_id, version=version)
        messages.success(request, _("Confirmed: these records are one person."))
    elif action == "decline":
        decisions.proposal_decline(actor=user, proposal_id=proposal_id, version=version)
        messages.success(request, _("Recorded: these are different people."))
    elif action == "split":
        groups = _groups_from(request)
        decisions.proposal_split(
            actor=user, proposal_id=proposal_id, version=version, groups=groups
        )
        messages.success(request, _("Split: each group is recorded as its own person."))
    else:
        raise ValidationFailed(_("Choose what to decide."))


@requires(Capability.REVIEW_LINKS)
@require_http_methods(["GET", "POST"])
def proposal_review(request: HttpRequest, proposal_id: UUID) -> HttpResponse:
    """One proposal with its records side by side and the evidence for each pair."""
    require_hub()
    user = signed_in_user(request)
    if request.method == "POST":
        # Scope first: a proposal out of reach reads as not found, before anything else.
        if not selectors.proposals_visible(user=user).filter(pk=proposal_id).exists():
            raise NotFound(_("No such proposal."))
        with flashed(request, fields=True):
            _decide(request, proposal_id)
        return redirect("linkage:proposal_review", proposal_id=proposal_id)
    review = selectors.proposal_for_review(user=user, proposal_id=proposal_id)
    letters = [_letter(i) for i in range(len(review.cards))]
    return render(
        request,
        "linkage/proposal.html",
        {
            "review": review,
            "proposal": review.proposal,
            "columns": list(zip(letters, review.cards, strict=True)),
            "group_numbers": range(1, len(review.cards) + 1),
            "evidence": _evidence_table(review),
        },
    )


@requires(Capability.REVIEW_LINKS)
@require_GET
def person_page(request: HttpRequest, person_id: UUID) -> HttpResponse:
    """A confirmed person: their records, each with its undo, and what was undone."""
    require_hub()
    user = signed_in_user(request)
    page = selectors.person_for_review(user=user, person_id=person_id)
    return render(request, "linkage/person.html", {"page": page, "person": page.person})


@requires(Capability.REVIEW_LINKS)
@require_POST
def person_record_undo(request: HttpRequest, person_id: UUID) -> HttpResponse:
    """Undo one record's link to the person, with a reason."""
    require_hub()
    user = signed_in_user(request)
    if not Person.objects.filter(selectors.person_scope(user), pk=person_id).exists():
        raise NotFound(_("No such person."))
    with flashed(request, fields=True) as refused:
        record_id = decisions.valid_uuid(request.POST.get("person_record", ""))
        if record_id is None:
            raise ValidationFailed(_("No such link."))
        decisions.person_record_undo(
            actor=user,
            person_record_id=record_id,
            person_id=person_id,
            reason=request.POST.get("reason", ""),
        )
    if not refused:
        messages.success(request, _("The link was undone; the record stands alone again."))
    return redirect("linkage:person", person_id=person_id)
