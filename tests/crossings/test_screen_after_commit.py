"""A registration is screened after it commits; a failed screening is logged and visible."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.test import Client

from lintas.accounts.models import User
from lintas.audit.models import AuditEntry
from lintas.crossings.models import Crossing, DocumentKind
from lintas.crossings.services import CrossingData, DocumentData, TravellerData, crossing_register
from lintas.screening.models import RuleSet, RuleSetStatus, ScreeningResult
from tests.crossings.test_desk import desk_post

pytestmark = pytest.mark.django_db

LOGGER = "lintas.crossings.services"


def _register(officer: User) -> Crossing:
    return crossing_register(
        actor=officer,
        traveller=TravellerData(
            surname="Bria", given_names="Yohanes", sex="M", birth_date=date(1985, 5, 1)
        ),
        document=DocumentData(
            kind=DocumentKind.PASSPORT,
            number="C7654321",
            issuing_state="IDN",
            expiry_date=date(2030, 1, 1),
        ),
        crossing=CrossingData(
            direction="out", purpose="family", entry_point_code="motaain-motaain"
        ),
    )


def _no_active_rule_set() -> None:
    # A node without an active rule set: screening raises NotFound.
    RuleSet.objects.filter(status=RuleSetStatus.ACTIVE).update(status=RuleSetStatus.RETIRED)


def test_screening_waits_for_the_commit(
    officer: User, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        crossing = _register(officer)
    assert len(callbacks) == 1
    assert ScreeningResult.objects.filter(crossing=crossing).count() == 0
    callbacks[0]()
    assert ScreeningResult.objects.get(crossing=crossing).level == "none"


def test_a_failed_screening_keeps_the_crossing_and_is_logged_and_audited(
    officer: User, django_capture_on_commit_callbacks: Any, caplog: pytest.LogCaptureFixture
) -> None:
    _no_active_rule_set()
    with (
        caplog.at_level("ERROR", logger=LOGGER),
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        crossing = _register(officer)
    assert len(callbacks) == 1
    assert Crossing.objects.filter(pk=crossing.pk).count() == 1
    assert ScreeningResult.objects.filter(crossing=crossing).count() == 0
    logged = [(r.name, r.levelname, r.getMessage()) for r in caplog.records if r.name == LOGGER]
    assert logged == [(LOGGER, "ERROR", f"screening failed for crossing {crossing.pk}")]
    assert caplog.records[-1].exc_info is not None
    entries = AuditEntry.objects.filter(action="screening.failed")
    assert [(e.kind, e.object_type, e.object_id, str(e.actor_id)) for e in entries] == [
        ("write", "crossings.crossing", str(crossing.pk), str(officer.pk))
    ]


def test_the_desk_says_when_the_screening_did_not_run(
    officer: User,
    login_client: Callable[[User], Client],
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = login_client(officer)
    _no_active_rule_set()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/crossings/desk/", desk_post())
    assert response.status_code == 302
    page = client.get("/crossings/desk/").content.decode()
    assert (
        "Penyaringan tidak berjalan untuk JOSE MARIA DA COSTA. Perlintasan tersimpan; "
        "beri tahu supervisor Anda."
    ) in page
    assert AuditEntry.objects.filter(action="screening.failed").count() == 1
