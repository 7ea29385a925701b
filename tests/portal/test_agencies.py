"""The placement-agency list: import with a report of rejected rows, search, demo labels."""

from __future__ import annotations

from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

import lintas.portal
from lintas.audit.models import AuditEntry
from lintas.portal.models import PlacementAgency, PlacementAgencyImport

pytestmark = pytest.mark.django_db

EXAMPLE = Path(lintas.portal.__file__).parent / "data" / "placement_agencies_EXAMPLE.csv"


def run(*args: str) -> str:
    out = StringIO()
    call_command("import_placement_agencies", *args, stdout=out)
    return out.getvalue()


def page(**query: str) -> str:
    client = Client()
    client.cookies["lintas_language"] = "en"
    return client.get("/publik/agensi/", query).content.decode()


def write(tmp_path: Path, text: str, name: str = "p3mi.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_example_file_is_refused_unless_imported_as_demo(reference: None) -> None:
    with pytest.raises(CommandError, match="import it only with --demo"):
        run(str(EXAMPLE), "--source", "BP3MI", "--date", "2026-01-01")
    assert PlacementAgency.objects.count() == 0
    out = run(str(EXAMPLE), "--demo")
    assert out.startswith("Imported 6 DEMO agencies from 'EXAMPLE: invented agencies")
    assert PlacementAgency.objects.filter(is_demo=True).count() == 6
    assert all(a.name.startswith("CONTOH ") for a in PlacementAgency.objects.all())


def test_a_demo_list_is_labelled_on_every_result(reference: None) -> None:
    run(str(EXAMPLE), "--demo")
    text = page(q="karya")
    assert "<strong>DEMO DATA</strong> The agencies below are invented to try this page." in text
    assert "List from: EXAMPLE: invented agencies for trying Lintas, not an official list" in text
    assert (
        '<strong>CONTOH PT Demo Karya Lintas Selatan</strong> <span class="demo">demo</span>'
        in (text)
    )


def test_import_reports_rejected_rows_and_keeps_the_good_ones(
    reference: None, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "\ufeffname,licence_number,city,status\n"
        "PT Satu,kep-001,Kupang,aktif\n"
        ",KEP-002,Kupang,licensed\n"
        "PT Tiga,,Kupang,licensed\n"
        "PT Empat,KEP-004,Kupang,aktiv\n"
        "PT Lima,KEP-001,Atambua,revoked\n"
        "PT\x00Enam,KEP-006,Kupang,licensed\n"
        "PT Tujuh,KEP-007,Kupang,dicabut,extra\n"
        "PT Delapan,KEP-008,Atambua,Dibekukan\n",
    )
    out = run(str(path), "--source", "BP3MI NTT, daftar P3MI", "--date", "2026-10-01")
    assert out.splitlines() == [
        "Imported 2 placement agencies from 'BP3MI NTT, daftar P3MI' (list of 2026-10-01); "
        "6 row(s) rejected.",
        "  line 3: name is empty",
        "  line 4: licence_number is empty",
        "  line 5: status 'aktiv' is not licensed, suspended or revoked",
        "  line 6: licence number KEP-001 appears twice",
        "  line 7: name contains control characters",
        "  line 8: more values than columns",
    ]
    rows = list(PlacementAgency.objects.values_list("name", "licence_number", "status"))
    assert rows == [("PT Delapan", "KEP-008", "suspended"), ("PT Satu", "KEP-001", "licensed")]
    batch = PlacementAgencyImport.objects.get()
    assert (batch.source, batch.source_date, batch.imported, batch.rejected, batch.is_demo) == (
        "BP3MI NTT, daftar P3MI",
        date(2026, 10, 1),
        2,
        6,
        False,
    )
    entry = AuditEntry.objects.get(action="placement_agency.import")
    assert entry.actor_id is None
    assert entry.fields == "file_sha256,imported,is_demo,rejected,source,source_date"


def test_a_new_list_replaces_the_old_and_a_useless_file_changes_nothing(
    reference: None, tmp_path: Path
) -> None:
    run(str(EXAMPLE), "--demo")
    good = write(tmp_path, "name,licence_number,city,status\nPT Resmi,KEP-100,Kupang,licensed\n")
    run(str(good), "--source", "BP3MI NTT", "--date", "2026-11-01")
    assert list(PlacementAgency.objects.values_list("name", "is_demo")) == [("PT Resmi", False)]
    bad = write(tmp_path, "name,licence_number,city,status\n,,,\n", name="bad.csv")
    with pytest.raises(CommandError, match=r"No valid row: the current list is kept\."):
        run(str(bad), "--source", "BP3MI NTT", "--date", "2026-11-02")
    columns = write(tmp_path, "nama,nomor\nPT X,1\n", name="columns.csv")
    with pytest.raises(CommandError, match="Missing column"):
        run(str(columns), "--source", "BP3MI NTT", "--date", "2026-11-02")
    with pytest.raises(CommandError, match="--date is required"):
        run(str(good), "--source", "BP3MI NTT")
    with pytest.raises(CommandError, match="--source is required"):
        run(str(good), "--date", "2026-11-02")
    with pytest.raises(CommandError, match="is not a date"):
        run(str(good), "--source", "BP3MI NTT", "--date", "1 November")
    assert list(PlacementAgency.objects.values_list("name", flat=True)) == ["PT Resmi"]
    assert "DEMO DATA" not in page(q="resmi")


def test_search_by_name_or_licence_and_city_with_plain_status_words(
    reference: None, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "name,licence_number,city,status\n"
        "PT Maju Bersama,KEP-201,Kupang,licensed\n"
        "PT Maju Terus,KEP-202,Atambua,suspended\n"
        "PT Mundur,KEP-203,Kupang,revoked\n",
    )
    run(str(path), "--source", "BP3MI NTT", "--date", "2026-11-01")
    text = page(q="maju")
    assert "Licensed on this list." in text
    assert "Licence suspended: it may not recruit now." in text
    assert "PT Mundur" not in text
    assert "Licence revoked: do not sign with this agency." in page(q="kep-203")
    in_kupang = page(q="PT", city="Kupang")
    assert "PT Maju Bersama" in in_kupang
    assert "PT Mundur" in in_kupang
    assert "PT Maju Terus" not in in_kupang
    assert "No agency on this list matches." in page(q="Sejahtera Abadi")
    assert "List from: BP3MI NTT, dated 01/11/2026; imported on " in page()


def test_the_page_says_when_no_list_was_imported_and_caps_results(
    reference: None, tmp_path: Path
) -> None:
    assert "No list of agencies has been imported yet." in page()
    rows = "".join(f"PT Nomor {i:03d},KEP-{i:03d},Kupang,licensed\n" for i in range(120))
    run(
        str(write(tmp_path, "name,licence_number,city,status\n" + rows)),
        "--source",
        "X",
        "--date",
        "2026-11-01",
    )
    text = page(q="PT Nomor")
    assert "Showing 50 of 120: make the search more precise." in text
    assert text.count("Licensed on this list.") == 50
    assert len(text.encode()) < 30_000
