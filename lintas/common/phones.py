"""Indonesian and Timor-Leste phone numbers in E.164 form."""

from __future__ import annotations

import re

_DIGITS = re.compile(r"[\s().\-/]")


def phone_e164(raw: str) -> str | None:
    """``+62 812-3456-789``, ``62812...`` or ``0812...`` as ``+62812...``; None if not a number.

    Numbers with another country code (Timor-Leste is +670) are kept as given. Indonesian
    mobile and fixed numbers have 9 to 13 digits after the country code.
    """
    text = _DIGITS.sub("", raw or "")
    if text.startswith("+"):
        digits = text[1:]
    elif text.startswith("00"):
        digits = text[2:]
    elif text.startswith("0"):
        digits = "62" + text[1:]
    elif text.startswith("62"):
        digits = text
    else:
        return None
    if not digits.isascii() or not digits.isdigit():
        return None
    if digits.startswith("62"):
        national = digits[2:]
        if national.startswith("0") or not 8 <= len(national) <= 13:
            return None
    elif not 7 <= len(digits) <= 15:
        return None
    return "+" + digits


def phone_masked(e164: str) -> str:
    """``+62812****789``: enough to recognise, not enough to call."""
    if len(e164) < 8:
        return "*" * len(e164)
    return e164[:6] + "*" * (len(e164) - 9) + e164[-3:]
