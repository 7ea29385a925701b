"""Matrix: triage, cases (own, another agency's, and one referred to us), referrals, follow-ups."""

from __future__ import annotations

import pytest

from lintas.accounts.roles import Role
from tests.permissions.matrix import Row, check, page
from tests.permissions.world import World

pytestmark = pytest.mark.django_db

R = Role
TRIAGE = frozenset({R.SUPERVISOR, R.INVESTIGATOR})
CASES = frozenset({R.SUPERVISOR, R.INVESTIGATOR, R.CASE_WORKER})


def cases(status: int, **other: int) -> dict[str, int]:
    """The three roles that manage cases (all in the home office) get ``status``."""
    return page(supervisor=status, investigator=status, case_worker=status, **other)


def _case(w: World) -> dict[str, object]:
    return {"case_id": w.home.case.pk}  # type: ignore[union-attr]


def _other_case(w: World) -> dict[str, object]:
    return {"case_id": w.other.case.pk}  # type: ignore[union-attr]


def _shared_case(w: World) -> dict[str, object]:
    return {"case_id": w.shared_case.pk}


def _event(w: World) -> dict[str, object]:
    return {"type": "Recruitment", "date": "2026-01-05", "description": "Dijanjikan kerja"}


def _action(fn):  # type: ignore[no-untyped-def]
    return lambda w: {**fn(w), "action": "event"}


def _follow_up(side: str):  # type: ignore[no-untyped-def]
    return lambda w: {"follow_up_id": getattr(w, side).follow_up.pk}


def _referral(side: str):  # type: ignore[no-untyped-def]
    return lambda w: {"referral_id": getattr(w, side).incoming.pk}


def _visit(w: World) -> dict[str, object]:
    return {"outcome": "safe", "done_on": w.today.isoformat(), "note": ""}


ROWS = [
    Row("cases:tip_queue", "GET", page(supervisor=200, investigator=200)),
    Row("cases:tip_queue", "POST", page(supervisor=200, investigator=200)),
    # Tips come from the public: there is one triage queue, not one per agency.
    Row(
        "cases:tip_detail",
        "GET",
        page(supervisor=200, investigator=200),
        lambda w: {"tip_id": w.tip.pk},
    ),
    Row(
        "cases:tip_detail",
        "POST",
        page(supervisor=302, investigator=302),
        lambda w: {"tip_id": w.tip.pk},
        data=lambda w: {"action": "verify"},
        writes=TRIAGE,
    ),
    Row("cases:case_list", "GET", cases(200)),
    Row("cases:case_list", "POST", cases(200)),
    Row("cases:case_new", "GET", cases(302)),
    Row(
        "cases:case_new", "POST", cases(302), data=lambda w: {"summary": "Kasus baru"}, writes=CASES
    ),
    Row("cases:case_detail", "GET", cases(200), _case, "own"),
    Row("cases:case_detail", "GET", cases(404), _other_case, "other"),
    Row("cases:case_detail", "GET", cases(200), _shared_case, "shared"),
    # The case page answers a POST as a GET.
    Row("cases:case_detail", "POST", cases(200), _case, "own"),
    Row("cases:case_detail", "POST", cases(404), _other_case, "other"),
    Row("cases:case_action", "GET", cases(405), _action(_case), "own"),
    Row("cases:case_action", "POST", cases(302), _action(_case), "own", data=_event, writes=CASES),
    Row("cases:case_action", "POST", cases(404), _action(_other_case), "other", data=_event),
    # Referred and accepted: the receiving agency reads the case but only its owner edits it.
    Row("cases:case_action", "POST", cases(400), _action(_shared_case), "shared", data=_event),
    Row("cases:referral_inbox", "GET", cases(200)),
    Row("cases:referral_inbox", "POST", cases(200)),
    Row("cases:referral_decide", "GET", cases(405), _referral("home"), "own"),
    Row(
        "cases:referral_decide",
        "POST",
        cases(302),
        _referral("home"),
        "own",
        data=lambda w: {"action": "accept"},
        writes=CASES,
    ),
    # Another agency's referral or follow-up reads as not found, as every record does that
    # the reader may not see (it was a redirect to the inbox with a message).
    Row(
        "cases:referral_decide",
        "POST",
        cases(404),
        _referral("other"),
        "other",
        data=lambda w: {"action": "accept"},
    ),
    Row("cases:follow_ups", "GET", cases(200)),
    Row("cases:follow_ups", "POST", cases(200)),
    Row("cases:follow_up_record", "GET", cases(405), _follow_up("home"), "own"),
    Row(
        "cases:follow_up_record",
        "POST",
        cases(302),
        _follow_up("home"),
        "own",
        data=_visit,
        writes=CASES,
    ),
    Row("cases:follow_up_record", "POST", cases(404), _follow_up("other"), "other", data=_visit),
]


def test_cases(world: World) -> None:
    check(world, ROWS)
