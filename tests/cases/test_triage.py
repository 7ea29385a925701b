"""One triage queue: tips verified, merged, linked to a case, opened as one, closed, answered."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from lintas.accounts.models import User
from lintas.accounts.roles import AgencyType, Role
from lintas.audit.models import AuditEntry
from lintas.cases.models import Case, Tip, TipMessage
from lintas.cases.selectors import tips_queue
from lintas.cases.triage import (
    tip_close,
    tip_link_case,
    tip_merge,
    tip_open_case,
    tip_reply,
    tip_verify,
)
from lintas.common.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from lintas.places.models import Regency
from tests.factories import make_agency

pytestmark = pytest.mark.django_db


@pytest.fixture
def triager(make_role: Callable[..., User]) -> User:
    return make_role(Role.INVESTIGATOR, agency=make_agency(type=AgencyType.LAW_ENFORCEMENT))


def tip(body: str = "Anak tetangga dibawa ke Kalimantan oleh agen") -> Tip:
    return Tip.objects.create(channel="web", body=body, regency=Regency.objects.get(code="53.04"))


def test_queue_and_verify(triager: User, make_role: Callable[..., User]) -> None:
    first, second = tip(), tip("Dua perempuan muda diajak kerja tanpa dokumen")
    assert list(tips_queue(user=triager)) == [first, second]
    tip_verify(actor=triager, tip_id=first.pk)
    assert list(tips_queue(user=triager)) == [second]
    assert list(tips_queue(user=triager, status="verified")) == [first]
    with pytest.raises(Conflict):
        tip_verify(actor=triager, tip_id=first.pk)
    with pytest.raises(PermissionDenied):
        tips_queue(user=make_role(Role.POST_OFFICER))
    # The refused second verification showed nothing, and its read entry went with it.
    reads = AuditEntry.objects.filter(action="read.tip_content", object_id=str(first.pk))
    assert reads.count() == 1


def test_merge_and_open_case(triager: User) -> None:
    original, duplicate = tip(), tip("Sama dengan laporan kemarin")
    with pytest.raises(ValidationFailed):
        tip_merge(actor=triager, tip_id=original.pk, into_id=original.pk)
    merged = tip_merge(actor=triager, tip_id=duplicate.pk, into_id=original.pk)
    assert (merged.status, merged.merged_into_id) == ("merged", original.pk)
    case = tip_open_case(actor=triager, tip_id=original.pk)
    original.refresh_from_db()
    assert (original.status, original.case_id) == ("linked", case.pk)
    assert case.summary.startswith("Anak tetangga")
    assert (case.owner_agency_id, case.regency_id) == (triager.agency_id, "53.04")
    with pytest.raises(Conflict):
        tip_close(actor=triager, tip_id=original.pk, reason="x")


def test_link_close_and_reply(triager: User) -> None:
    linked, closed = tip(), tip("Spam")
    case = tip_open_case(actor=triager, tip_id=tip("Kasus lain").pk)
    assert tip_link_case(actor=triager, tip_id=linked.pk, case=case).case_id == case.pk
    with pytest.raises(ValidationFailed):
        tip_close(actor=triager, tip_id=closed.pk, reason="")
    assert tip_close(actor=triager, tip_id=closed.pk, reason="Bukan laporan TPPO").status == (
        "closed"
    )
    message = tip_reply(
        actor=triager, tip_id=linked.pk, text="Terima kasih. Laporan Anda sedang ditangani polisi."
    )
    assert (message.from_reporter, message.body[:13]) == (False, "Terima kasih.")
    assert TipMessage.objects.count() == 1


def test_unknown_tip_is_not_found(triager: User) -> None:
    import uuid

    with pytest.raises(NotFound):
        tip_verify(actor=triager, tip_id=uuid.uuid4())
    assert not Case.objects.exists()


def test_interview_referral_lands_in_the_queue(triager: User) -> None:
    from lintas.places.models import Post
    from lintas.screening.interview import QUESTIONS, interview_record
    from tests.factories import make_user
    from tests.screening.conftest import cross

    officer = make_user(Role.POST_OFFICER, post=Post.objects.get(code="motamasin"))
    crossing = cross(officer, purpose="work")
    answers = {q.id: q.concern for q in QUESTIONS}
    interview_record(
        actor=officer,
        crossing=crossing,
        answers=answers,
        outcome="refer_police",
        note="Diancam perekrut",
    )
    [desk_tip] = tips_queue(user=triager)
    assert (desk_tip.channel, desk_tip.crossing_id, desk_tip.regency_id) == (
        "desk",
        crossing.pk,
        "53.21",
    )
    assert "Diancam perekrut" in desk_tip.body
