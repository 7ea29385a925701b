"""The desk at a known traveller's scan: history, a proposed direction, warnings, refusals."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lintas.accounts.models import User
from lintas.accounts.roles import Role
from lintas.crossings.models import Crossing
from lintas.crossings.services import CrossingData
from lintas.places.models import Post
from lintas.screening.models import Alert
from tests.crossings.conftest import register
from tests.crossings.test_desk import desk_post

pytestmark = pytest.mark.django_db


def checked(html: str, name: str) -> str:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"[^>]*checked', html)
    return match.group(1) if match else ""


def selected(html: str, name: str) -> str:
    select = re.search(rf'<select[^>]*name="{name}".*?</select>', html, re.S)
    assert select is not None
    match = re.search(r'<option value="([^"]*)"[^>]*selected', select.group(0))
    return match.group(1) if match else ""


def out_days_ago(officer: User, days: int, purpose: str = "trade") -> Crossing:
    return register(
        officer,
        crossing=CrossingData(
            direction="out",
            purpose=purpose,
            entry_point_code="motaain-motaain",
            destination="Batugade",
            crossed_at=timezone.now() - timedelta(days=days),
        ),
    )


def bria(**overrides: str) -> dict[str, str]:
    """The desk form for the traveller ``register`` saved, as the officer sends it again."""
    return desk_post(
        number="C7654321",
        issuing_state="IDN",
        nationality="IDN",
        surname="BRIA",
        given_names="YOHANES",
        birth_date="1985-05-01",
        entry_point="motaain-motaain",
        **overrides,
    )


def test_a_known_traveller_shows_history_stay_and_the_direction_back(
    officer_at: Callable[[str], User], login_client: Callable[[User], Client]
) -> None:
    officer = officer_at("motaain")
    out_days_ago(officer, 3)
    client = login_client(officer)
    client.get("/crossings/desk/")
    with CaptureQueriesContext(connection) as queries:
        html = client.post("/crossings/desk/scan/", {"scan": "C7654321"}).content.decode()
    assert html.count("data-history-crossing") == 1
    stay = re.search(r"<p data-stay>(.*?)</p>", html, re.S)
    assert stay is not None
    assert " ".join(re.sub("<[^>]+>", "", stay.group(1)).split()) == (
        "Keluar dari Indonesia di PLBN Motaain 3 hari yang lalu. Usulan sekarang: Masuk Indonesia."
    )
    assert (checked(html, "direction"), selected(html, "purpose")) == ("in", "trade")
    assert len(queries) == 12


def test_history_query_count_does_not_grow_with_crossings(
    officer_at: Callable[[str], User], login_client: Callable[[User], Client]
) -> None:
    officer = officer_at("motaain")
    for days in (20, 15, 10, 5, 3, 1):
        out_days_ago(officer, days)
    client = login_client(officer)
    client.get("/crossings/desk/")
    with CaptureQueriesContext(connection) as queries:
        html = client.post("/crossings/desk/scan/", {"scan": "C7654321"}).content.decode()
    assert html.count("data-history-crossing") == 5
    assert len(queries) == 12


def test_a_second_exit_is_warned_about_then_saved_when_confirmed(
    officer_at: Callable[[str], User], login_client: Callable[[User], Client]
) -> None:
    officer = officer_at("motaain")
    earlier = out_days_ago(officer, 2)
    client = login_client(officer)
    data = bria()
    response = client.post("/crossings/desk/", data)
    assert response.status_code == 400
    when = timezone.localtime(earlier.crossed_at).strftime("%Y-%m-%d %H:%M")
    assert (
        f"Sudah tercatat: Keluar Indonesia pada {when} di PLBN Motaain, tanpa perlintasan "
        "kembali sesudahnya. Periksa arahnya, atau konfirmasi di bawah."
    ) in response.content.decode()
    assert 'name="confirm_direction"' in response.content.decode()
    assert Crossing.objects.count() == 1
    assert client.post("/crossings/desk/", {**data, "confirm_direction": "on"}).status_code == 302
    assert list(Crossing.objects.order_by("crossed_at").values_list("direction", flat=True)) == [
        "out",
        "out",
    ]


def test_a_refusal_is_recorded_from_the_desk_without_the_warning(
    officer_at: Callable[[str], User], login_client: Callable[[User], Client]
) -> None:
    officer = officer_at("motaain")
    out_days_ago(officer, 2)
    client = login_client(officer)
    data = bria(outcome="refused", refusal_reason="")
    response = client.post("/crossings/desk/", data)
    assert response.status_code == 400
    assert "Isi alasan penolakan." in response.content.decode()
    assert Crossing.objects.count() == 1
    data["refusal_reason"] = "no_placement_papers"
    assert client.post("/crossings/desk/", data).status_code == 302
    refused = Crossing.objects.get(outcome="refused")
    assert (refused.refusal_reason, refused.direction) == ("no_placement_papers", "out")
    today = client.get("/crossings/today/").content.decode()
    assert today.count("data-refused") == 1


def test_the_supervisor_sees_the_travellers_earlier_alerts(
    officer_at: Callable[[str], User],
    user_factory: Callable[..., User],
    login_client: Callable[[User], Client],
) -> None:
    officer = officer_at("motaain")
    refusal = CrossingData(
        direction="out",
        purpose="family",
        entry_point_code="motaain-motaain",
        outcome="refused",
        refusal_reason="suspected_trafficking",
    )
    first = register(officer, crossing=refusal)
    second = register(officer, crossing=CrossingData(**{**refusal.__dict__, "direction": "in"}))
    alerts = {a.crossing_id: a for a in Alert.objects.all()}
    supervisor = user_factory(Role.SUPERVISOR, post=Post.objects.get(code="motaain"))
    html = login_client(supervisor).get(f"/screening/alerts/{alerts[second.pk].pk}/")
    page = html.content.decode()
    listed = re.search(r"<ul data-earlier-alerts>(.*?)</ul>", page, re.S)
    assert listed is not None
    assert re.findall(r'href="/screening/alerts/([^/]+)/"', listed.group(1)) == [
        str(alerts[first.pk].pk)
    ]
    wini = user_factory(Role.SUPERVISOR, post=Post.objects.get(code="wini"))
    other = login_client(wini).get(f"/screening/alerts/{alerts[second.pk].pk}/")
    assert other.status_code == 404


def test_the_border_pass_destinations_are_offered_at_the_desk(
    officer_at: Callable[[str], User], login_client: Callable[[User], Client]
) -> None:
    from lintas.crossings.models import PlbDestination

    html = login_client(officer_at("motaain")).get("/crossings/desk/").content.decode()
    assert re.search(r'name="destination"[^>]*list="plb-destinations"', html) is not None
    datalist = re.search(r'<datalist id="plb-destinations">(.*?)</datalist>', html, re.S)
    assert datalist is not None
    offered = re.findall(r'<option value="([^"]+)">', datalist.group(1))
    assert offered == list(PlbDestination.objects.values_list("name", flat=True))
    assert "Balibo" in offered
    assert len(offered) == PlbDestination.objects.count() > 5
