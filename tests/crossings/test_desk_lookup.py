"""The desk's look-up by document number: scoped to the officer's post, each read logged."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone

from lintas.accounts.models import User
from lintas.audit.models import AuditEntry
from lintas.crossings import selectors
from lintas.crossings.models import TravelDocument
from lintas.crossings.services import CrossingData
from lintas.places.models import Post
from lintas.sync.models import SyncNode
from tests.crossings.conftest import register
from tests.crossings.test_desk import field_value

pytestmark = pytest.mark.django_db

UNKNOWN = "Belum ada dokumen dengan nomor ini: isi formulir."


def _lookups() -> list[tuple[str, str, str, str, str]]:
    return [
        (e.kind, e.action, e.object_type, e.object_id, str(e.actor_id))
        for e in AuditEntry.objects.filter(action="read.document_lookup").order_by("seq")
    ]


def _scan(client: Client, number: str) -> str:
    response = client.post("/crossings/desk/scan/", {"scan": number})
    assert response.status_code == 200
    return response.content.decode()


def test_an_officer_of_the_post_sees_the_traveller_and_the_read_is_logged(
    officer_at: Callable[[str], User], login_client: Callable[[User], Client]
) -> None:
    crossing = register(officer_at("motaain"))
    colleague = officer_at("motaain")
    html = _scan(login_client(colleague), "c7654321")
    assert (field_value(html, "surname"), field_value(html, "number")) == ("Bria", "C7654321")
    assert UNKNOWN not in html
    assert _lookups() == [
        (
            "read",
            "read.document_lookup",
            "crossings.traveller",
            str(crossing.traveller_id),
            str(colleague.pk),
        ),
    ]


def test_an_officer_of_wini_gets_the_unknown_answer_for_a_motaain_traveller(
    officer_at: Callable[[str], User], login_client: Callable[[User], Client]
) -> None:
    register(officer_at("motaain"))
    client = login_client(officer_at("wini"))
    html = _scan(client, "c7654321")
    unknown = _scan(client, "c7654322")
    assert UNKNOWN in html
    assert UNKNOWN in unknown
    # Nothing of the traveller: the form is the one an unknown number gives.
    for name in ("surname", "given_names", "birth_date", "sex", "issued_on", "expiry_date"):
        assert field_value(html, name) == field_value(unknown, name) == "", name
    assert field_value(html, "number") == "C7654321"
    assert "Bria" not in html
    assert "BRIA" not in html
    assert _lookups() == []


def test_a_traveller_who_crossed_at_wini_is_known_there(
    officer_at: Callable[[str], User], login_client: Callable[[User], Client]
) -> None:
    crossing = register(officer_at("motaain"))
    # The same traveller comes back through Wini (the officer types the passport in by hand).
    again = register(
        officer_at("wini"),
        crossing=CrossingData(direction="in", purpose="family", entry_point_code="wini-wini"),
    )
    assert again.traveller_id == crossing.traveller_id
    html = _scan(login_client(officer_at("wini")), "C7654321")
    assert field_value(html, "surname") == "Bria"
    assert [row[3] for row in _lookups()] == [str(crossing.traveller_id)]


def test_a_document_from_the_posts_own_node_is_known_there(
    officer_at: Callable[[str], User],
) -> None:
    register(officer_at("motaain"))
    wini = officer_at("wini")
    assert selectors.document_lookup(user=wini, number="C7654321") is None
    SyncNode.objects.create(
        code="post-wini", post=Post.objects.get(code="wini"), created_at=timezone.now()
    )
    TravelDocument.objects.filter(number="C7654321").update(origin="post-wini")
    found = selectors.document_lookup(user=wini, number="C7654321")
    assert found is not None
    assert found.number == "C7654321"
    assert len(_lookups()) == 1
