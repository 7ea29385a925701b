"""A declared placement licence checked against the P3MI register and the revoked agencies."""

from __future__ import annotations

from datetime import date

import pytest

from lintas.accounts.models import User
from lintas.accounts.roles import AgencyType, Role
from lintas.common.errors import ValidationFailed
from lintas.crossings.models import Crossing
from lintas.screening.licences import licence_key, placement_licence_check
from lintas.screening.models import Alert, ScreeningResult, WatchList, WatchListEntry
from lintas.screening.watchlists import watch_entries_import, watch_entry_add, watch_list_create
from tests.factories import make_agency, make_user
from tests.screening.conftest import cross

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 4)
REGISTER_CSV = (
    b"full_name,licence_number,source\n"
    b"PT Sinar Jaya Abadi,KEP 123/PPTKIS,BP2MI 2026\n"
    b"PT Timor Karya Mandiri,kep. 456/pptkis,BP2MI 2026\n"
)


@pytest.fixture
def labour(reference: None) -> User:
    """The hub investigator who imports the labour ministry's published register."""
    return make_user(Role.INVESTIGATOR, agency=make_agency(type=AgencyType.LAW_ENFORCEMENT))


@pytest.fixture
def register(labour: User) -> WatchList:
    lst = watch_list_create(actor=labour, kind="licensed_agency", name="Daftar P3MI BP2MI 2026")
    report = watch_entries_import(actor=labour, watch_list=lst, data=REGISTER_CSV, source="")
    assert (report.imported, report.rejected) == (2, [])
    return lst


@pytest.fixture
def revoked(labour: User) -> WatchList:
    lst = watch_list_create(actor=labour, kind="revoked_agency", name="P3MI dicabut")
    watch_entry_add(
        actor=labour,
        watch_list=lst,
        fields={
            "full_name": "PT Timor Karya Mandiri",
            "licence_number": "KEP 456/PPTKIS",
            "source": "SK pencabutan 2026",
        },
    )
    return lst


def worker(officer: User, licence: str) -> Crossing:
    return cross(officer, purpose="work", destination="Surabaya", placement_agency_licence=licence)


def reasons(c: Crossing) -> dict[str, str]:
    return {r["id"]: r["text_id"] for r in ScreeningResult.objects.get(crossing=c).reasons}


def test_licence_numbers_are_compared_without_spaces_dots_or_case() -> None:
    assert licence_key(" kep. 123 / pptkis ") == "KEP123/PPTKIS"


def test_a_licensed_agency_raises_nothing(officer: User, register: WatchList) -> None:
    c = worker(officer, "kep 123/pptkis")
    assert placement_licence_check("kep 123/pptkis", today=TODAY).status == "licensed"
    result = ScreeningResult.objects.get(crossing=c)
    assert (result.level, result.reasons) == ("none", [])


def test_an_unknown_licence_is_a_strong_explained_indicator(
    officer: User, register: WatchList
) -> None:
    c = worker(officer, "KEP 999/PPTKIS")
    assert reasons(c) == {
        "LICENCE-UNKNOWN": "Izin perusahaan penempatan KEP999/PPTKIS tidak ada dalam daftar "
        "P3MI berizin (Daftar P3MI BP2MI 2026): penempatan mungkin non-prosedural."
    }
    result = ScreeningResult.objects.get(crossing=c)
    assert (result.level, result.next_step) == ("high", "second_interview_now")
    assert Alert.objects.get(crossing=c).level == "high"


def test_a_revoked_licence_is_strong_even_when_the_register_still_lists_it(
    officer: User, register: WatchList, revoked: WatchList
) -> None:
    c = worker(officer, "KEP 456/PPTKIS")
    assert reasons(c) == {
        "LICENCE-REVOKED": "Izin perusahaan penempatan KEP456/PPTKIS sudah dicabut: "
        "PT Timor Karya Mandiri (P3MI dicabut)."
    }
    params = ScreeningResult.objects.get(crossing=c).reasons[0]["params"]
    assert params == {
        "licence": "KEP456/PPTKIS",
        "entry_id": str(WatchListEntry.objects.get(watch_list=revoked).pk),
    }


def test_a_revoked_licence_is_strong_without_any_register(
    officer: User, revoked: WatchList
) -> None:
    c = worker(officer, "kep.456/pptkis")
    assert list(reasons(c)) == ["LICENCE-REVOKED"]


def test_with_no_register_on_the_node_a_licence_is_unchecked_not_flagged(officer: User) -> None:
    c = worker(officer, "KEP 999/PPTKIS")
    assert placement_licence_check("KEP 999/PPTKIS", today=TODAY).status == "unchecked"
    assert ScreeningResult.objects.get(crossing=c).level == "none"


def test_an_expired_or_removed_register_entry_no_longer_licenses(
    officer: User, labour: User
) -> None:
    lst = watch_list_create(actor=labour, kind="licensed_agency", name="P3MI")
    data = (
        b"full_name,licence_number,expires_on\n"
        b"PT Lama,KEP 1/PPTKIS,2020-01-01\n"
        b"PT Baru,KEP 2/PPTKIS,\n"
    )
    watch_entries_import(actor=labour, watch_list=lst, data=data, source="BP2MI")
    assert placement_licence_check("KEP 1/PPTKIS", today=TODAY).status == "unknown"
    assert placement_licence_check("KEP 2/PPTKIS", today=TODAY).status == "licensed"
    assert placement_licence_check("", today=TODAY).status == "none"


def test_an_agency_without_a_licence_number_is_refused(labour: User, register: WatchList) -> None:
    rows = ["full_name,licence_number", "PT Tanpa Izin,", "PT Spasi,  ", "PT Titik,..", "PT Ok,K 7"]
    data = "\n".join(rows).encode()
    report = watch_entries_import(actor=labour, watch_list=register, data=data, source="BP2MI")
    assert report.imported == 1
    assert [n for n, _why in report.rejected] == [2, 3, 4]
    assert {why for _n, why in report.rejected} == {"an agency needs its licence_number"}
    before = WatchListEntry.objects.count()
    with pytest.raises(ValidationFailed):
        watch_entry_add(
            actor=labour,
            watch_list=register,
            fields={"full_name": "PT X", "licence_number": "", "source": "BP2MI"},
        )
    assert WatchListEntry.objects.count() == before


def test_an_agency_on_the_register_is_never_matched_as_a_person(
    officer: User, labour: User
) -> None:
    lst = watch_list_create(actor=labour, kind="licensed_agency", name="P3MI")
    watch_entry_add(
        actor=labour,
        watch_list=lst,
        fields={"full_name": "Yohanes Bria", "licence_number": "KEP 3/PPTKIS", "source": "x"},
    )
    c = cross(officer, surname="Bria", given="Yohanes")
    assert ScreeningResult.objects.get(crossing=c).level == "none"
    assert not Alert.objects.filter(crossing=c).exists()
