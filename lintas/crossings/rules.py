"""Document rules that need no database: NIK structure, border-pass validity and stay.

Each check returns problem codes (``field: code``) that the services turn into translated
messages; the same codes are kept with a crossing when the officer registers anyway.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from django.utils.translation import gettext_lazy as _

PLB_VALIDITY_DAYS = 365
PLB_STAY_DAYS = 10
PLB_STAY_EXTENDED_DAYS = 30

# Messages for the problem codes, shown next to their field.
PROBLEM_MESSAGES = {
    "nik_format": _("A NIK has exactly 16 digits."),
    "nik_district": _("The first six digits of the NIK are not a district code."),
    "nik_birth_date": _("The NIK's date part is not a real date."),
    "nik_birth_mismatch": _("The birth date does not match the NIK."),
    "nik_sex_mismatch": _("The sex does not match the NIK (women: day plus 40)."),
    "plb_expired": _("This border pass has expired."),
    "plb_not_yet_valid": _("This border pass is not valid yet."),
    "plb_too_long": _("A border pass is valid for one year at most."),
    "plb_district_not_eligible": _("The holder's district is not a border-pass district."),
    "plb_district_pending": _(
        "The holder's district was formed after 2003; no decision on border passes is recorded."
    ),
    "plb_residence_missing": _("A border-pass holder's district of residence is required."),
    "plb_post_refuses": _("This post does not accept border passes at present."),
    "plb_destination": _("A border pass is valid only in the listed Timor-Leste sub-districts."),
    "document_expired": _("The document has expired."),
}


def nik_parts(nik: str) -> tuple[str, date | None, str | None]:
    """District code (``53.04.02``), birth date and sex encoded in a NIK; no validation."""
    district = f"{nik[0:2]}.{nik[2:4]}.{nik[4:6]}"
    day, month, year = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    sex = "F" if day > 40 else "M"
    day = day - 40 if day > 40 else day
    today = date.today()
    century = 2000 if 2000 + year <= today.year else 1900
    try:
        born: date | None = date(century + year, month, day)
    except ValueError:
        born = None
    return district, born, sex


def nik_problems(
    nik: str,
    *,
    birth_date: date | None,
    sex: str | None,
    district_exists: Callable[[str], bool],
) -> list[str]:
    """Problems with a KTP number against the entered birth date and sex."""
    if len(nik) != 16 or not nik.isascii() or not nik.isdigit():
        return ["nik_format"]
    district, born, nik_sex = nik_parts(nik)
    problems = []
    if not district_exists(district):
        problems.append("nik_district")
    if born is None:
        problems.append("nik_birth_date")
    elif birth_date is not None and (born.day, born.month, born.year % 100) != (
        birth_date.day,
        birth_date.month,
        birth_date.year % 100,
    ):
        problems.append("nik_birth_mismatch")
    if sex in ("M", "F") and sex != nik_sex:
        problems.append("nik_sex_mismatch")
    return problems


def plb_validity_problems(
    *, issued_on: date | None, expiry_date: date | None, on: date
) -> list[str]:
    """A border pass is valid for one year from issue."""
    problems = []
    if issued_on is not None and issued_on > on:
        problems.append("plb_not_yet_valid")
    if expiry_date is not None and expiry_date < on:
        problems.append("plb_expired")
    if (
        issued_on is not None
        and expiry_date is not None
        and expiry_date - issued_on > timedelta(days=PLB_VALIDITY_DAYS + 1)
    ):
        problems.append("plb_too_long")
    return problems


def plb_overstay_days(*, left_on: date, today: date, extended: bool = False) -> int:
    """Days past the allowed stay abroad (0 while within it)."""
    allowed = PLB_STAY_EXTENDED_DAYS if extended else PLB_STAY_DAYS
    return max(0, (today - left_on).days - allowed)
