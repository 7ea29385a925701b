"""The journal: one audit entry and one outbox event per service write, digest over the record."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from lintas.accounts.models import User
from lintas.accounts.roles import Role
from lintas.audit.chain import change_digest
from lintas.audit.models import AuditEntry
from lintas.audit.services import _digest_key, audited_state
from lintas.crossings.models import Crossing
from lintas.crossings.services import CrossingData
from lintas.sync.models import OutboxEvent
from tests.crossings.conftest import register


def _crossing_data(actor: User, **fields: str) -> CrossingData:
    base = CrossingData(
        direction="out",
        purpose="work",
        entry_point_code=f"{actor.post_id}-{actor.post_id}",
        destination="Batugade",
    )
    return replace(base, **fields)


def test_the_crossing_entry_proves_the_investigation_fields(officer: User) -> None:
    result = register(
        officer,
        crossing=_crossing_data(
            officer,
            recruiter_name="Pak Markus",
            employer_name="PT Sawit Jaya",
            placement_agency_licence="KEP.123/2024",
            sponsor_phone="081234567890",
        ),
    )
    crossing = Crossing.objects.get(pk=result.pk)
    entry = AuditEntry.objects.get(object_type="crossings.crossing", object_id=str(crossing.pk))
    state = audited_state(crossing)
    assert state["recruiter_name"] == "Pak Markus"
    assert state["sponsor_phone"] == "+6281234567890"
    expected = change_digest(
        _digest_key(), {"object": ["crossings.crossing", str(crossing.pk)], **state}
    )
    assert entry.digest == expected
    # The same crossing with another recruiter would have another digest: the field counts.
    other = change_digest(
        _digest_key(),
        {"object": ["crossings.crossing", str(crossing.pk)], **state, "recruiter_name": "Pak Yos"},
    )
    assert other != entry.digest
    assert (
        OutboxEvent.objects.filter(model="crossings.crossing", record_id=str(crossing.pk)).count()
        == 1
    )


def test_the_digest_never_covers_a_password(user_factory: Callable[..., User]) -> None:
    user = user_factory(Role.ANALYST)
    assert "password" not in audited_state(user)
    assert "username" in audited_state(user)
