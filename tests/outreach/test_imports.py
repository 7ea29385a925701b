"""An analyst's indicator import: each refused row named with its line and reason."""

from __future__ import annotations

import pytest
from django.utils import timezone, translation

from lintas.accounts.models import User
from lintas.audit.models import AuditEntry
from lintas.common.errors import PermissionDenied, ValidationFailed
from lintas.outreach.coverage import coverage_compute
from lintas.outreach.imports import indicators_import
from lintas.outreach.models import Indicator

pytestmark = pytest.mark.django_db

HEADER = b"district_code,indicator,year,value,source\n"


def run(actor: User, body: bytes) -> tuple[int, int, list[tuple[int, str]]]:
    with translation.override("id"):
        result = indicators_import(actor=actor, data=HEADER + body)
        return result.saved, result.unchanged, [(r.line, r.reason) for r in result.rejected]


def test_good_rows_are_saved_with_source_and_year(analyst: User) -> None:
    saved = run(
        analyst,
        b"53.20.01,school_participation,2023,61.5,BPS Sabu Raijua 2024\n"
        b'53.20.02,school_participation,2023,"70,25",BPS Sabu Raijua 2024\n',
    )
    assert saved == (2, 0, [])
    stored = Indicator.objects.get(district_id="53.20.02")
    assert (stored.name, stored.year, str(stored.value), stored.source) == (
        "school_participation", 2023, "70.250", "BPS Sabu Raijua 2024",
    )  # fmt: skip
    assert AuditEntry.objects.filter(action="outreach.indicator_import").count() == 2
    # the same file again changes nothing
    assert run(
        analyst,
        b"53.20.01,school_participation,2023,61.5,BPS Sabu Raijua 2024\n"
        b'53.20.02,school_participation,2023,"70,25",BPS Sabu Raijua 2024\n',
    ) == (0, 2, [])
    assert AuditEntry.objects.filter(action="outreach.indicator_import").count() == 2


def test_every_bad_row_is_reported_and_the_good_ones_saved(analyst: User) -> None:
    year = timezone.localdate().year
    body = (
        b"53.20.01,unemployment,2023,4.1,BPS\n"  # line 2: good
        b"53.99.01,unemployment,2023,4.1,BPS\n"  # 3: unknown district
        b"53.20.02,happiness,2023,4.1,BPS\n"  # 4: unknown indicator
        b"53.20.02,unemployment,1999,4.1,BPS\n"  # 5: year
        + f"53.20.02,unemployment,{year + 1},4.1,BPS\n".encode()  # 6: future year
        + b"53.20.02,unemployment,2023,empat,BPS\n"  # 7: not a number
        b"53.20.02,unemployment,2023,-3,BPS\n"  # 8: negative
        b"53.20.02,unemployment,2023,4.1,\n"  # 9: no source
        b"53.20.01,unemployment,2023,4.2,BPS\n"  # 10: duplicate of line 2
        b"53.20.03,unemployment,2023,4.1,Dinas \xe9tudes\n"  # 11: Latin-1, not UTF-8
        b"53.20.04,unemployment,2023,4.1,B\x00PS\n"  # 12: NUL byte
        + b"53.20.05,unemployment,2023,4.1,"
        + b"x" * 1_000_000
        + b"\n"  # 13: 1 MB line
        + b"53.20.06,unemployment,2023\n"  # 14: too few columns
        b"\n"  # 15: blank, skipped
        b"53.20.06,unemployment,2023,5,Sakernas 2023 \xe2\x80\x93 BPS\n"  # 16: good UTF-8
    )
    saved, unchanged, rejected = run(analyst, body)
    assert (saved, unchanged) == (2, 0)
    assert rejected == [
        (3, "Kode kecamatan 53.99.01 tidak dikenal."),
        (4, "Indikator happiness tidak dikenal; yang dikenal: school_participation, "
            "migrant_departures, unemployment, child_marriage, stunting."),
        (5, f"Tahun harus angka dari 2000 sampai {year}."),
        (6, f"Tahun harus angka dari 2000 sampai {year}."),
        (7, "Nilainya bukan angka."),
        (8, "Nilai harus dari 0 sampai 1.000.000."),
        (9, "Sumbernya belum diisi."),
        (10, "Mengulang baris 2."),
        (11, "Baris ini bukan teks UTF-8; simpan berkas sebagai UTF-8."),
        (12, "Baris berisi bita NUL."),
        (13, "Baris lebih panjang dari 2.000 bita."),
        (14, "Harus 5 kolom, ada 3."),
    ]  # fmt: skip
    assert sorted(
        (code, str(value)) for code, value in Indicator.objects.values_list("district_id", "value")
    ) == [("53.20.01", "4.100"), ("53.20.06", "5.000")]


@pytest.mark.parametrize(
    "data",
    [
        b"kode,indikator,tahun,nilai,sumber\n53.20.01,unemployment,2023,4.1,BPS\n",
        b"district_code,indicator,year,value\n53.20.01,unemployment,2023,4.1\n",
        b"",
        b"\x00\x00\x00",
    ],
)
def test_a_wrong_header_refuses_the_file_and_saves_nothing(analyst: User, data: bytes) -> None:
    with translation.override("id"), pytest.raises(ValidationFailed) as refused:
        indicators_import(actor=analyst, data=data)
    assert str(refused.value.message) == (
        "Baris judul salah. Baris pertama harus: district_code,indicator,year,value,source"
    )
    assert Indicator.objects.count() == 0


def test_a_file_with_a_byte_order_mark_and_windows_lines_is_read(analyst: User) -> None:
    data = b"\xef\xbb\xbf" + HEADER.replace(b"\n", b"\r\n") + b"53.20.01,stunting,2024,40,SSGI\r\n"
    assert indicators_import(actor=analyst, data=data).saved == 1


def test_only_an_analyst_imports(coordinator: User) -> None:
    with pytest.raises(PermissionDenied):
        indicators_import(actor=coordinator, data=HEADER + b"53.20.01,stunting,2024,40,SSGI\n")
    assert Indicator.objects.count() == 0


def test_an_imported_indicator_changes_vulnerability_by_hand(analyst: User) -> None:
    # School participation: lower is worse. 50 in Sabu Barat, 90 in Kota Kupang (53.71.01).
    run(
        analyst,
        b"53.20.01,school_participation,2023,50,BPS\n53.71.01,school_participation,2023,90,BPS\n",
    )
    rows = {r.district_code: r for r in coverage_compute()}
    # Sabu Barat: (2 * 0.852827 + 1 + 1) / 4 = 0.926; Kota Kupang: (0 + 0 + 0) / 4 = 0
    assert rows["53.20.01"].vulnerability == 0.926
    assert rows["53.71.01"].vulnerability == 0.0
    # Semau has no figure: counts as the mean (0.5): (2 * 0.569325 + 1 + 0.5) / 4 = 0.660
    assert rows["53.01.04"].vulnerability == 0.660
