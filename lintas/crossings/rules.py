"""Document rules that need no database: NIK structure, border-pass validity and stay.

Each check returns problem codes (``field: code``) that the services turn into translated
messages; the same codes are kept with a crossing when the officer registers anyway.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.utils.translation import gettext_lazy as _

from lintas.places.nik import read_nik

PLB_VALIDITY_DAYS = 365
PLB_STAY_DAYS = 10
PLB_STAY_EXTENDED_DAYS = 30

# Messages for the problem codes, shown next to their field.
PROBLEM_MESSAGES = {
    "nik_format": _("A NIK has exactly 16 digits."),
    "nik_district": _("The first four digits of the NIK are no Indonesian regency or city."),
    "nik_serial": _("The last four digits of a NIK are never 0000."),
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
    "plb_stay_extension": _("A border pass's stay can be extended to 11 to 30 days."),
}


# What the desk shows for each problem ``read_nik`` finds.
_NIK_PROBLEM = {
    "length": "nik_format",
    "not_digits": "nik_format",
    "unknown_province": "nik_district",
    "unknown_regency": "nik_district",
    "impossible_date": "nik_birth_date",
    "serial_zero": "nik_serial",
    "birth_date_mismatch": "nik_birth_mismatch",
    "sex_mismatch": "nik_sex_mismatch",
}


def nik_problems(
    nik: str, *, birth_date: date | None, sex: str | None, today: date | None = None
) -> list[str]:
    """Problems with a KTP number against the entered birth date and sex.

    The area part is checked against every regency of Indonesia; a district that is no longer
    current is not a problem (a NIK keeps the code it was issued with).
    """
    reading = read_nik(
        nik, birth_date=birth_date, sex=sex if sex in ("M", "F") else None, today=today
    )
    out: list[str] = []
    for code in reading.errors:
        if _NIK_PROBLEM[code] not in out:
            out.append(_NIK_PROBLEM[code])
    return out


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


def plb_overstay_days(
    *, left_on: date, today: date, extended: bool = False, stay_days: int | None = None
) -> int:
    """Days past the allowed stay abroad (0 while within it).

    ``stay_days`` is the stay an officer extended to; ``extended`` alone means the longest.
    """
    allowed = stay_days or (PLB_STAY_EXTENDED_DAYS if extended else PLB_STAY_DAYS)
    return max(0, (today - left_on).days - allowed)


def plb_stay_problem(days: int) -> str:
    """'' for a stay an officer may extend to, else the problem (``plb_stay_extension``)."""
    return "" if PLB_STAY_DAYS < days <= PLB_STAY_EXTENDED_DAYS else "plb_stay_extension"
