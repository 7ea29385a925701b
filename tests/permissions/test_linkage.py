"""Matrix: linkage review (proposals, persons, undo) and the network picture and its alerts.

Reviewers are supervisors (their post's records) and investigators (every post's): a
supervisor meets another post's proposal or person as not found, an investigator may
decide it. The network is the investigators'; analysts see its structure without names.
"""

from __future__ import annotations

import pytest

from lintas.accounts.roles import Role
from tests.permissions.matrix import Row, check, page
from tests.permissions.world import World

pytestmark = pytest.mark.django_db

SV, INV, AN = Role.SUPERVISOR, Role.INVESTIGATOR, Role.ANALYST
REVIEWERS = frozenset({SV, INV})
OWN_POST = {SV: 200, INV: 200}
OTHER_POST = {SV: 404, INV: 200}


def _confirm(side: str) -> Row:
    def args(w: World) -> dict[str, str]:
        return {"proposal_id": str(getattr(w, side).r.proposal.pk)}

    def data(w: World) -> dict[str, str]:
        return {"action": "confirm", "version": str(getattr(w, side).r.proposal.version)}

    home = side == "home"
    return Row(
        "linkage:proposal_review",
        "POST",
        page(**({SV: 302, INV: 302} if home else {SV: 404, INV: 302})),
        args,
        of="own" if home else "other",
        data=data,
        writes=REVIEWERS if home else frozenset({INV}),
    )


def _undo(side: str) -> Row:
    def args(w: World) -> dict[str, str]:
        return {"person_id": str(getattr(w, side).r.person.pk)}

    def data(w: World) -> dict[str, str]:
        record = getattr(w, side).r.person_record
        return {"person_record": str(record.pk), "reason": "Dua orang yang berbeda"}

    home = side == "home"
    return Row(
        "linkage:person_record_undo",
        "POST",
        page(**({SV: 302, INV: 302} if home else {SV: 404, INV: 302})),
        args,
        of="own" if home else "other",
        data=data,
        writes=REVIEWERS if home else frozenset({INV}),
    )


def _proposal(w: World, side: str) -> dict[str, str]:
    return {"proposal_id": str(getattr(w, side).r.proposal.pk)}


def _person(w: World, side: str) -> dict[str, str]:
    return {"person_id": str(getattr(w, side).r.person.pk)}


def _alert(side: str) -> Row:
    home = side == "home"
    return Row(
        "linkage:network_alerts",
        "POST",
        page(**{INV: 302}),
        of="own" if home else "other",
        data=lambda w: {
            "alert": str(getattr(w, side).r.network_alert.pk),
            "version": "1",
        },
        # Another agency's alert reads as not found: the message is shown, nothing written.
        writes=frozenset({INV}) if home else frozenset(),
    )


ROWS = [
    Row("linkage:review_queue", "GET", page(**OWN_POST)),
    Row("linkage:review_queue", "POST", page(**{SV: 405, INV: 405})),
    Row("linkage:proposal_review", "GET", page(**OWN_POST), lambda w: _proposal(w, "home"), "own"),
    Row(
        "linkage:proposal_review",
        "GET",
        page(**OTHER_POST),
        lambda w: _proposal(w, "other"),
        "other",
    ),
    _confirm("home"),
    _confirm("other"),
    Row("linkage:person", "GET", page(**OWN_POST), lambda w: _person(w, "home"), "own"),
    Row("linkage:person", "GET", page(**OTHER_POST), lambda w: _person(w, "other"), "other"),
    Row("linkage:person", "POST", page(**{SV: 405, INV: 405}), lambda w: _person(w, "home"), "own"),
    Row(
        "linkage:person_record_undo",
        "GET",
        page(**{SV: 405, INV: 405}),
        lambda w: _person(w, "home"),
        "own",
    ),
    _undo("home"),
    _undo("other"),
    # The picture is for investigators (names) and analysts (structure only); GET only.
    Row("linkage:network", "GET", page(**{INV: 200, AN: 200})),
    Row("linkage:network", "POST", page(405)),
    Row("linkage:network_alerts", "GET", page(**{INV: 200})),
    _alert("home"),
    _alert("other"),
]


def test_linkage_pages(world: World) -> None:
    check(world, ROWS)
