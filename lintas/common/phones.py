"""Phone numbers in E.164 form, parsed and validated with ``phonenumbers``.

Numbers are read as Indonesian unless they carry a country code (``+670`` for
Timor-Leste, ``00`` for any international prefix, or a bare ``62``/``670``), and kept only
if ``phonenumbers`` knows them as valid numbers of their country.
"""

from __future__ import annotations

import re

import phonenumbers

DEFAULT_REGION = "ID"
# Written without a plus, a number that starts with these is taken as international.
_BARE_COUNTRY_CODES = ("670", "62")
_SEPARATORS = re.compile(r"[\s().\-/]")
_ASCII_NUMBER = re.compile(r"\+?[0-9]+")


def phone_parse(raw: str, *, region: str = DEFAULT_REGION) -> phonenumbers.PhoneNumber | None:
    """The valid phone number written in ``raw`` (``region`` if it has no country), or None."""
    text = _SEPARATORS.sub("", raw or "")
    # Only ASCII digits: phonenumbers would read full-width or Arabic-Indic digits too,
    # which no gateway or form of this region sends as a number.
    if not text or len(text) > 20 or not _ASCII_NUMBER.fullmatch(text):
        return None
    if text.startswith("00"):
        text = "+" + text[2:]
    elif not text.startswith(("+", "0")) and text.startswith(_BARE_COUNTRY_CODES):
        text = "+" + text
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    # A trunk 0 after a country code (+62 0812 ...) is a typing mistake, not a number.
    written = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if text.startswith("+") and text != written:
        return None
    return number


def phone_e164(raw: str) -> str | None:
    """``+62 812-3456-789``, ``62812...``, ``0812...`` or ``+670 7723 4567`` in E.164; else None."""
    number = phone_parse(raw)
    if number is None:
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_region(e164: str) -> str:
    """The country (``ID``, ``TL``) of an E.164 number, or ``""``."""
    number = phone_parse(e164)
    if number is None:
        return ""
    return phonenumbers.region_code_for_number(number) or ""


def phone_masked(e164: str) -> str:
    """``+62812****789``: enough to recognise, not enough to call."""
    if len(e164) < 8:
        return "*" * len(e164)
    return e164[:6] + "*" * (len(e164) - 9) + e164[-3:]
