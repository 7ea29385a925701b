from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command

from lintas.audit.models import AuditEntry
from lintas.insights.models import CasesPerYear, RegencyPovertyRate
from lintas.places.models import District, EntryPoint, Island, Post, Province, Regency, Village
from lintas.places.services import parse_coordinate, reference_load

pytestmark = pytest.mark.django_db


def test_reference_counts(reference: None) -> None:
    assert Province.objects.count() == 1
    assert Regency.objects.count() == 22
    assert District.objects.count() == 315
    assert Village.objects.count() == 3442
    assert Island.objects.count() == 653
    assert CasesPerYear.objects.count() == 6
    assert RegencyPovertyRate.objects.count() == 8


def test_posts_and_entry_points(reference: None) -> None:
    posts = {p.code: p for p in Post.objects.all()}
    assert sorted(posts) == ["motaain", "motamasin", "wini"]
    assert (posts["motaain"].village_id, posts["motaain"].village.name) == (
        "53.04.02.2001",
        "Silawan",
    )
    # The study says Kobalima; Alas Selatan lies in Kobalima Timur, split off it.
    assert posts["motamasin"].district.name == "Kobalima Timur"
    assert posts["wini"].district.name == "Insana Utara"
    assert [p for p in posts if posts[p].has_border_market] == ["motaain"]
    names = {
        code: list(EntryPoint.objects.filter(post_id=code).values_list("name", flat=True))
        for code in posts
    }
    assert names == {
        "wini": ["Oelbinose", "Manusasi", "Haumeni Ana", "Napan", "Wini"],
        "motaain": ["Motaain", "Turiskain"],
        "motamasin": ["Motamasin"],
    }


def test_second_load_changes_nothing(reference: None) -> None:
    audit_before = AuditEntry.objects.count()
    report = reference_load()
    assert not report.changed
    assert sum(report.created.values()) == sum(report.updated.values()) == 0
    assert AuditEntry.objects.count() == audit_before


def test_load_repairs_an_edited_row(reference: None) -> None:
    Village.objects.filter(code="53.04.02.2001").update(name="Salah")
    report = reference_load()
    assert report.updated["villages"] == 1
    assert Village.objects.get(code="53.04.02.2001").name == "Silawan"


def test_command_output_on_second_run(reference: None, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("load_reference")
    out = capsys.readouterr().out
    assert "villages: 0 created, 0 updated" in out
    assert "cases per year: 0 changed" in out


def test_island_coordinates(reference: None) -> None:
    flores = Island.objects.get(code="53.00.40007")
    assert (flores.name, flores.latitude, flores.longitude) == (
        "Pulau Flores",
        Decimal("-8.715000"),
        Decimal("121.495556"),
    )
    assert flores.regency_id is None


def test_coordinate_parser_refuses_garbage() -> None:
    assert parse_coordinate("""09°43'41.99" S 120°00'04.00" E""") == (
        Decimal("-9.728331"),
        Decimal("120.001111"),
    )
    with pytest.raises(ValueError, match="not a coordinate"):
        parse_coordinate("somewhere near Atambua")


def test_study_figures(reference: None) -> None:
    assert list(CasesPerYear.objects.values_list("year", "cases")) == [
        (2019, 191),
        (2020, 382),
        (2021, 624),
        (2022, 98),
        (2023, 85),
        (2024, 60),
    ]
    top = RegencyPovertyRate.objects.select_related("regency").first()
    assert top is not None
    assert (top.regency.name, top.rate_pct) == ("Kabupaten Sumba Tengah", Decimal("31.78"))
