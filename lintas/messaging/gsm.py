"""The GSM 03.38 alphabet: what fits in one SMS, and how many parts a text takes."""

from __future__ import annotations

import unicodedata

# The basic set and the extension table (each extension character costs two septets).
_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_EXTENDED = "^{}\\[~]|€\f"
BASIC = frozenset(_BASIC)
EXTENDED = frozenset(_EXTENDED)
SINGLE_GSM7 = 160
PART_GSM7 = 153
SINGLE_UCS2 = 70
PART_UCS2 = 67


def septets(text: str) -> int | None:
    """The GSM-7 length of ``text``, or None if a character is outside the alphabet."""
    count = 0
    for ch in text:
        if ch in BASIC:
            count += 1
        elif ch in EXTENDED:
            count += 2
        else:
            return None
    return count


def is_gsm7(text: str) -> bool:
    return septets(text) is not None


def fits_one_sms(text: str) -> bool:
    """True if ``text`` is GSM-7 and at most 160 septets: one SMS, no part header."""
    length = septets(text)
    return length is not None and length <= SINGLE_GSM7


def parts(text: str) -> tuple[str, int]:
    """The encoding (``gsm7`` or ``ucs2``) and the number of SMS parts ``text`` takes."""
    length = septets(text)
    if length is not None:
        return "gsm7", 1 if length <= SINGLE_GSM7 else -(-length // PART_GSM7)
    units = len(text.encode("utf-16-be")) // 2
    return "ucs2", 1 if units <= SINGLE_UCS2 else -(-units // PART_UCS2)


def to_gsm7(text: str) -> str:
    """``text`` with accents dropped where that brings it into the GSM alphabet."""
    out = []
    for ch in text:
        if ch in BASIC or ch in EXTENDED:
            out.append(ch)
            continue
        plain = "".join(
            c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c)
        )
        out.append(plain if plain and is_gsm7(plain) else "?")
    return "".join(out)
