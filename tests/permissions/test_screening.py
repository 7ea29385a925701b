"""Matrix: alerts, second interviews, rule sets and watch lists."""

from __future__ import annotations

import pytest

from lintas.accounts.roles import Role
from lintas.screening.interview import ANSWERS, QUESTIONS
from tests.permissions.matrix import Row, check, page
from tests.permissions.world import World

pytestmark = pytest.mark.django_db

R = Role
WATCHERS = frozenset({R.SUPERVISOR, R.INVESTIGATOR})
SA = frozenset({R.SYSTEM_ADMIN})


def _alert(side: str):  # type: ignore[no-untyped-def]
    return lambda w: {"alert_id": getattr(w, side).alert.pk}


def _crossing(side: str):  # type: ignore[no-untyped-def]
    return lambda w: {"crossing_id": getattr(w, side).crossing.pk}


def _list(side: str):  # type: ignore[no-untyped-def]
    return lambda w: {"list_id": getattr(w, side).watch_list.pk}


def _answers(w: World) -> dict[str, object]:
    return {**{q.id: ANSWERS[-1] for q in QUESTIONS}, "outcome": "no_concern", "note": ""}


def _entry(w: World) -> dict[str, object]:
    return {"action": "add", "full_name": "Yakobus Nahak", "sex": "M", "source": "DPO Polda"}


# Every signed-in role reaches the queue; it lists only what the role may see (an empty
# queue for the desk and office roles; a case worker's own survivor alerts).
QUEUE = page(200)
# A post supervisor sees the alerts of the post; investigators (no post) every post's.
OWN_ALERT = page(404, supervisor=200, investigator=200)
OTHER_ALERT = page(404, investigator=200)

ROWS = [
    Row("screening:alerts", "GET", QUEUE),
    Row("screening:alerts", "POST", QUEUE),
    Row("screening:alert_detail", "GET", OWN_ALERT, _alert("home"), "own"),
    Row("screening:alert_detail", "GET", OTHER_ALERT, _alert("other"), "other"),
    Row(
        "screening:alert_detail",
        "POST",
        page(404, supervisor=302, investigator=302),
        _alert("home"),
        "own",
        data=lambda w: {"action": "acknowledge"},
        writes=WATCHERS,
    ),
    Row(
        "screening:alert_detail",
        "POST",
        page(404, investigator=302),
        _alert("other"),
        "other",
        data=lambda w: {"action": "acknowledge"},
        writes=frozenset({R.INVESTIGATOR}),
    ),
    Row(
        "screening:interview",
        "GET",
        page(post_officer=200, supervisor=200, investigator=200),
        _crossing("home"),
        "own",
    ),
    Row(
        "screening:interview",
        "GET",
        page(post_officer=404, supervisor=404, investigator=200),
        _crossing("other"),
        "other",
    ),
    Row(
        "screening:interview",
        "POST",
        page(post_officer=302, supervisor=302, investigator=302),
        _crossing("home"),
        "own",
        data=_answers,
        writes=frozenset({R.POST_OFFICER, R.SUPERVISOR, R.INVESTIGATOR}),
    ),
    Row(
        "screening:interview",
        "POST",
        page(post_officer=404, supervisor=404, investigator=302),
        _crossing("other"),
        "other",
        data=_answers,
        writes=frozenset({R.INVESTIGATOR}),
    ),
    Row("screening:rulesets", "GET", page(system_admin=200)),
    Row("screening:rulesets", "POST", page(system_admin=400)),  # no file
    Row("screening:ruleset_export", "GET", page(system_admin=200), lambda w: {"version": 1}),
    Row("screening:ruleset_export", "POST", page(system_admin=200), lambda w: {"version": 1}),
    Row("screening:watch_lists", "GET", page(supervisor=200, investigator=200, case_worker=200)),
    # A case worker keeps survivor lists only: a suspects' list is refused by the service.
    Row(
        "screening:watch_lists",
        "POST",
        page(supervisor=302, investigator=302, case_worker=400),
        data=lambda w: {"kind": "wanted_suspect", "name": "DPO baru"},
        writes=WATCHERS,
    ),
    # The list of the home office: its watchers see it; the case worker's own lists are
    # survivor lists, so this one reads as not found.
    Row(
        "screening:watch_list",
        "GET",
        page(supervisor=200, investigator=200, case_worker=404),
        _list("home"),
        "own",
    ),
    Row(
        "screening:watch_list",
        "GET",
        page(supervisor=404, investigator=404, case_worker=404),
        _list("other"),
        "other",
    ),
    Row(
        "screening:watch_list",
        "POST",
        page(supervisor=302, investigator=302, case_worker=404),
        _list("home"),
        "own",
        data=_entry,
        writes=WATCHERS,
    ),
    Row(
        "screening:watch_list",
        "POST",
        page(supervisor=404, investigator=404, case_worker=404),
        _list("other"),
        "other",
        data=_entry,
    ),
]


def test_screening(world: World) -> None:
    check(world, ROWS)
