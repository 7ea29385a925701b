"""The second interview: stored answers, an outcome, and the alert it closes."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from lintas.accounts.models import User
from lintas.common.errors import NotFound, ValidationFailed
from lintas.places.models import Post
from lintas.screening.interview import QUESTIONS, interview_record, suggested_outcome
from lintas.screening.models import Alert, SecondInterview
from tests.screening.conftest import cross

pytestmark = pytest.mark.django_db

CALM = {q.id: ("no" if q.concern == "yes" else "yes") for q in QUESTIONS}


def test_suggestions() -> None:
    assert suggested_outcome(CALM) == "no_concern"
    assert suggested_outcome({**CALM, "threatened": "yes"}) == "refer_police"
    assert suggested_outcome({**CALM, "under_18": "yes"}) == "refer_protection"
    assert suggested_outcome({**CALM, "owes_money": "yes", "holds_own_documents": "no"}) == (
        "refer_protection"
    )


def test_interview_closes_the_alert(officer: User) -> None:
    crossing = cross(officer, purpose="work")
    alert = Alert.objects.get(crossing=crossing)
    answers = {**CALM, "owes_money": "yes", "holds_own_documents": "no", "threatened": "yes"}
    done = interview_record(
        actor=officer,
        crossing=crossing,
        answers=answers,
        outcome="refer_police",
        note="Paspor dipegang sponsor",
        alert=alert,
    )
    assert (done.concern_count, done.outcome) == (3, "refer_police")
    alert.refresh_from_db()
    assert (alert.status, alert.outcome) == ("closed", "referred_police")


@pytest.mark.parametrize(
    ("answers", "outcome", "note", "field"),
    [
        ({**CALM, "threatened": "maybe"}, "no_concern", "", "threatened"),
        ({k: v for k, v in CALM.items() if k != "under_18"}, "no_concern", "", "under_18"),
        (CALM, "send_home", "", "outcome"),
        (CALM, "refer_police", "", "note"),
        (CALM, "refer_police", "x\x00", "note"),
    ],
    ids=["bad-answer", "missing", "bad-outcome", "no-note", "nul"],
)
def test_bad_interviews_change_nothing(
    officer: User, answers: dict[str, str], outcome: str, note: str, field: str
) -> None:
    crossing = cross(officer)
    with pytest.raises(ValidationFailed) as exc:
        interview_record(
            actor=officer, crossing=crossing, answers=answers, outcome=outcome, note=note
        )
    assert field in exc.value.field_errors
    assert not SecondInterview.objects.exists()


def test_another_post_cannot_interview(officer: User, user_factory: Callable[..., User]) -> None:
    from lintas.accounts.roles import Role

    crossing = cross(officer)
    other = user_factory(Role.POST_OFFICER, post=Post.objects.get(code="wini"))
    with pytest.raises(NotFound):
        interview_record(
            actor=other, crossing=crossing, answers=CALM, outcome="no_concern", note=""
        )


def test_interview_page(officer: User, login_client: Callable[[User], Client]) -> None:
    crossing = cross(officer, purpose="work")
    alert = Alert.objects.get(crossing=crossing)
    client = login_client(officer)
    page = client.get(f"/screening/interview/{crossing.pk}/?alert={alert.pk}").content.decode()
    assert "Apakah Anda sendiri yang memegang paspor" in page
    data = {**CALM, "outcome": "no_concern", "note": "", "alert": str(alert.pk)}
    response = client.post(f"/screening/interview/{crossing.pk}/", data)
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.status == "closed"
    bad = client.post(f"/screening/interview/{crossing.pk}/", {"outcome": "no_concern"})
    assert bad.status_code == 400
    assert SecondInterview.objects.count() == 1
