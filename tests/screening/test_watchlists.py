"""Watch-list CSV import: a report of each rejected row, the good rows in one transaction."""

from __future__ import annotations

import pytest

from lintas.accounts.models import User
from lintas.common.errors import PermissionDenied, ValidationFailed
from lintas.screening.models import WatchList, WatchListEntry
from lintas.screening.watchlists import watch_entries_import

pytestmark = pytest.mark.django_db

GOOD = "id,full_name,birth_date,sex,nationality\n"


def owner(watch_list: WatchList) -> User:
    return User.objects.get(pk=watch_list.created_by_id)


def test_import_reports_each_rejected_row(police_list: WatchList) -> None:
    data = (
        GOOD
        + "A1,Dominggus Laka,1970-01-01,M,IDN\n"
        + "A2,Joao da Costa,1985,M,TLS\n"
        + "A3,,1990-01-01,M,IDN\n"
        + "A4,Maria Bere,1990-02-31,F,IDN\n"
        + "A5,Maria Bere,1990-02-03,Q,IDN\n"
        + "A6,Maria Bere,1990-02-03,F,XYZ\n"
        + "A1,Dominggus Laka,1970-01-01,M,IDN\n"
        + ",Tanpa Id,,,\n"
        + "A7,Maria Bere,2999-01-01,F,IDN\n"
        + "A8,Yohanes Taek,,,\n"
    ).encode()
    report = watch_entries_import(
        actor=owner(police_list), watch_list=police_list, data=data, source="Polda NTT"
    )
    assert report.imported == 3
    assert [(line, why.split(" ")[0]) for line, why in report.rejected] == [
        (4, "full_name"),
        (5, "day"),
        (6, "sex"),
        (7, "unknown"),
        (8, "duplicate"),
        (9, "id"),
        (10, "date"),
    ]
    assert sorted(WatchListEntry.objects.values_list("external_id", flat=True)) == [
        "A1",
        "A2",
        "A8",
    ]
    assert WatchListEntry.objects.get(external_id="A2").birth_year == 1985
    again = watch_entries_import(
        actor=owner(police_list),
        watch_list=police_list,
        data=(GOOD + "A1,Dominggus Laka,1970-01-01,M,IDN\n").encode(),
        source="Polda NTT",
    )
    assert (again.imported, again.rejected[0][1]) == (0, "duplicate id 'A1'")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"name,dob\nx,y\n", "Judul kolom"),
        (b"id,full_name,birth_date,sex,nationality,shoe\n", "Judul kolom"),
        (b"\xff\xfe\x00garbage", "UTF-8"),
        ((GOOD + "A\x00,B,,,\n").encode(), "NUL"),
        (b"x" * (64 * 1024 * 1024 + 1), "64 MB"),
    ],
    ids=["wrong-headers", "extra-header", "not-utf8", "nul", "too-large"],
)
def test_bad_files_are_refused_whole(police_list: WatchList, data: bytes, message: str) -> None:
    with pytest.raises(ValidationFailed) as exc:
        watch_entries_import(
            actor=owner(police_list), watch_list=police_list, data=data, source="x"
        )
    assert message in str(exc.value.message)
    assert not WatchListEntry.objects.exists()


def test_only_the_owning_agency_imports(police_list: WatchList, supervisor: User) -> None:
    with pytest.raises(PermissionDenied):
        watch_entries_import(
            actor=supervisor,
            watch_list=police_list,
            data=(GOOD + "A1,X Y,,,\n").encode(),
            source="x",
        )
    assert not WatchListEntry.objects.exists()
