"""Parse and compose machine-readable zones (MRZ) of travel documents, ICAO Doc 9303.

Supported formats: TD1 (ID cards, 3 x 30), TD2 (2 x 36), TD3 (passports, 2 x 44),
MRV-A (visas, 2 x 44) and MRV-B (visas, 2 x 36). Visas are told apart from TD3 and TD2
by the first letter ``V`` of the document code.

Two kinds of problems are reported differently:

* Input that is no MRZ at all (wrong line count or lengths, characters outside
  ``A-Z 0-9 <``, lower case, too large, empty) raises :class:`MrzFormatError`, which
  carries a stable ``code`` for translation in the web UI.
* An MRZ that is well formed but whose content does not add up (a check digit fails,
  a date is impossible) is returned as an :class:`MrzResult` whose ``errors`` name the
  field, so the officer sees what was read and what is wrong with it.

Decisions:

* Lower case is refused (code ``"lowercase"``), not upper-cased. Document readers emit
  upper case only, so lower case means the MRZ was typed by hand; guessing on behalf of
  the officer would hide a transcription problem at a border post.
* Two-digit years: an expiry date is always 20YY; a birth date is 20YY unless that is
  after ``today``, then 19YY.
* Long document numbers (TD1, TD2): when the check digit position holds ``<``, the
  number continues in the optional data field up to the first ``<``; the last character
  there is the check digit of the whole number.
* Unknown parts of a birth date (``<<`` for year, month or day) give ``birth_date=None``
  without error; its check digit is still verified, with ``<`` counting as 0.
* A sex character other than ``M``, ``F``, ``X`` or ``<`` is reported as ``"sex invalid"``.
* Optional data: runs of fillers become single spaces and are stripped at the ends;
  for TD1 the two optional data fields (line 1 and line 2) are joined with a space.

Standard library only, so it runs without Django settings.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Final, Literal, get_args

type MrzFormat = Literal["TD1", "TD2", "TD3", "MRVA", "MRVB"]
type Sex = Literal["M", "F", "X"]
type FormatErrorCode = Literal[
    "empty", "too_large", "line_count", "line_length", "characters", "lowercase"
]

FORMAT_ERROR_CODES: Final[tuple[str, ...]] = get_args(FormatErrorCode.__value__)
FIELD_ERRORS: Final[tuple[str, ...]] = (
    "document_number check digit",
    "birth_date check digit",
    "birth_date invalid",
    "expiry_date check digit",
    "expiry_date invalid",
    "optional_data check digit",
    "composite check digit",
    "sex invalid",
)
# The longest MRZ is 90 characters; the margin allows for whitespace around the lines.
MAX_INPUT_CHARS: Final = 1024
_MAX_INPUT_LINES: Final = 16

_ALPHABET: Final = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_VALUES: Final[dict[str, int]] = {c: i for i, c in enumerate(_ALPHABET)} | {"<": 0}
_WEIGHTS: Final = (7, 3, 1)
_OPTIONAL_END: Final[dict[MrzFormat, int]] = {"TD2": 35, "TD3": 42, "MRVA": 44, "MRVB": 36}


class MrzFormatError(ValueError):
    """The input is not an MRZ of a known format; ``code`` is one of FORMAT_ERROR_CODES."""

    def __init__(self, code: FormatErrorCode, message: str) -> None:
        super().__init__(message)
        self.code: FormatErrorCode = code
        self.message = message


@dataclass(frozen=True, slots=True)
class MrzResult:
    """The fields read from an MRZ; ``errors`` lists failed checks by field."""

    format: MrzFormat
    document_code: str
    issuing_state: str
    document_number: str
    surname: str
    given_names: str
    nationality: str
    birth_date: date | None
    expiry_date: date | None
    sex: Sex
    optional_data: str
    errors: tuple[str, ...]

    @property
    def valid(self) -> bool:
        """True when every check digit and date is correct."""
        return not self.errors

    def as_dict(self) -> dict[str, str | bool | list[str] | None]:
        """Return a JSON-ready dict; dates as ``YYYY-MM-DD`` or None."""
        return {
            "format": self.format,
            "document_code": self.document_code,
            "issuing_state": self.issuing_state,
            "document_number": self.document_number,
            "surname": self.surname,
            "given_names": self.given_names,
            "nationality": self.nationality,
            "birth_date": self.birth_date.isoformat() if self.birth_date else None,
            "expiry_date": self.expiry_date.isoformat() if self.expiry_date else None,
            "sex": self.sex,
            "optional_data": self.optional_data,
            "valid": self.valid,
            "errors": list(self.errors),
        }


def check_digit(value: str) -> str:
    """Return the ICAO 9303 check digit (7-3-1 weights) of ``value`` as one character.

    Raises ValueError if ``value`` contains a character outside ``A-Z 0-9 <``.
    """
    total = 0
    for index, char in enumerate(value):
        weight = _VALUES.get(char)
        if weight is None:
            raise ValueError(f"{char!r} is not an MRZ character")
        total += weight * _WEIGHTS[index % 3]
    return str(total % 10)


def parse_mrz(lines: str | Sequence[str], *, today: date | None = None) -> MrzResult:
    """Parse an MRZ given as one string (LF or CRLF separated) or as a sequence of lines.

    ``today`` anchors the century of two-digit birth years (default: ``date.today()``).
    Raises MrzFormatError when the input is not an MRZ of a known format, including lower
    case (code ``"lowercase"``: refused rather than upper-cased, see the module docstring);
    TypeError when it is not text. Failed checks are listed in ``MrzResult.errors``.
    """
    rows = _normalise(lines)
    fmt = _detect_format(rows)
    today = today or date.today()
    errors: list[str] = []
    if fmt == "TD1":
        line1, data, name = rows
        number, number_cd, opt, opt2 = line1[5:14], line1[14], line1[15:30], data[18:29]
        nationality, at = data[15:18], 0
        composite = line1[5:30] + data[0:7] + data[8:15] + data[18:29]
    else:
        name, data = rows[0][5:], rows[1]
        number, number_cd, nationality, at = data[0:9], data[9], data[10:13], 13
        opt, opt2 = data[28 : _OPTIONAL_END[fmt]], ""
        composite = data[0:10] + data[13:20] + data[21:-1]
    # From the birth date to the expiry check digit the layout is the same in every format.
    birth, birth_cd, sex = data[at : at + 6], data[at + 6], data[at + 7]
    expiry, expiry_cd = data[at + 8 : at + 14], data[at + 14]

    if fmt in ("TD1", "TD2") and number_cd == "<" and "<" not in number:
        # ICAO long document number: only a number filling all 9 positions continues, with
        # the rest and its check digit at the start of the optional data.
        extension = opt.split("<", 1)[0]
        if len(extension) >= 2:
            number, number_cd, opt = number + extension[:-1], extension[-1], opt[len(extension) :]
    if check_digit(number) != number_cd:
        errors.append("document_number check digit")

    birth_date = _birth_date(birth, today, errors)
    if check_digit(birth) != birth_cd:
        errors.append("birth_date check digit")
    expiry_date = _expiry_date(expiry, errors)
    if check_digit(expiry) != expiry_cd:
        errors.append("expiry_date check digit")

    if fmt == "TD3":
        # An unused personal number may carry "<" instead of the computed check digit 0.
        opt_cd = data[42]
        fillers_only = opt == "<" * len(opt) and opt_cd == "<"
        if not fillers_only and check_digit(opt) != opt_cd:
            errors.append("optional_data check digit")
    if fmt in ("TD1", "TD2", "TD3") and check_digit(composite) != data[-1]:
        errors.append("composite check digit")

    parsed_sex: Sex = "M" if sex == "M" else "F" if sex == "F" else "X"
    if sex not in "MFX<":
        errors.append("sex invalid")

    surname, _, given = name.rstrip("<").partition("<<")
    return MrzResult(
        format=fmt,
        document_code=rows[0][0:2].rstrip("<"),
        issuing_state=rows[0][2:5].rstrip("<"),
        document_number=number.rstrip("<"),
        surname=_words(surname),
        given_names=_words(given),
        nationality=nationality.rstrip("<"),
        birth_date=birth_date,
        expiry_date=expiry_date,
        sex=parsed_sex,
        optional_data=" ".join(part for part in (_words(opt), _words(opt2)) if part),
        errors=tuple(errors),
    )


def compose(
    format: MrzFormat,
    *,
    issuing_state: str,
    document_number: str,
    surname: str,
    given_names: str = "",
    nationality: str,
    birth_date: date | None,
    expiry_date: date,
    sex: Sex,
    optional_data: str = "",
    optional_data_2: str = "",
    document_code: str | None = None,
) -> tuple[str, ...]:
    """Build the MRZ lines of a document with correct check digits.

    Values must already be in MRZ characters (``A-Z 0-9``); spaces in names and optional
    data become ``<``. Nothing is transliterated or truncated: a value that does not fit
    raises ValueError. ``document_code`` defaults to ``I`` (TD1, TD2), ``P`` (TD3) or
    ``V`` (visas). ``optional_data_2`` is the second optional field of TD1 (line 2).
    ``birth_date=None`` writes an unknown birth date as fillers. TD1 and TD2 accept
    document numbers longer than 9 characters (ICAO long document number rule).
    Returns 3 lines for TD1 and 2 lines otherwise.
    """
    default_code = "P" if format == "TD3" else "V" if format.startswith("MRV") else "I"
    code = _text(document_code or default_code, 2, "document_code")
    if (code[0] == "V") != format.startswith("MRV"):
        raise ValueError(f"document code {code!r} does not fit format {format}")
    if format != "TD1" and optional_data_2:
        raise ValueError("optional_data_2 exists only in TD1")
    if sex not in ("M", "F", "X"):
        raise ValueError(f"sex must be 'M', 'F' or 'X', not {sex!r}")
    if not 2000 <= expiry_date.year <= 2099:
        raise ValueError("expiry_date must fall in 2000-2099 to survive a two-digit year")
    if not document_number or any(char not in _ALPHABET for char in document_number):
        raise ValueError(f"document_number {document_number!r} must be A-Z and 0-9 only")
    number_cd = check_digit(document_number)
    opt = _fillers(optional_data)
    if len(document_number) > 9:
        if format not in ("TD1", "TD2"):
            raise ValueError(f"document_number longer than 9 characters does not fit {format}")
        # The long document number rule: the rest plus its check digit open the optional data.
        opt = document_number[9:] + number_cd + ("<" + opt if opt else "")
        number_cd = "<"
    number = _text(document_number[:9], 9, "document_number") + number_cd
    state = _text(issuing_state, 3, "issuing_state")
    nation = _text(nationality, 3, "nationality")
    birth = _yymmdd(birth_date) if birth_date else "<<<<<<"
    expiry = _yymmdd(expiry_date)
    dates = birth + check_digit(birth) + ("<" if sex == "X" else sex)
    dates += expiry + check_digit(expiry)
    name = _fillers(surname) + ("<<" + _fillers(given_names) if given_names.strip() else "")

    if format == "TD1":
        line1 = code + state + number + _text(opt, 15, "optional_data")
        opt2 = _text(_fillers(optional_data_2), 11, "optional_data_2")
        composite = line1[5:30] + dates[0:7] + dates[8:15] + opt2
        line2 = dates + nation + opt2 + check_digit(composite)
        return line1, line2, _text(name, 30, "name")
    line1 = code + state + _text(name, 39 if format in ("TD3", "MRVA") else 31, "name")
    line2 = number + nation + dates + _text(opt, _OPTIONAL_END[format] - 28, "optional_data")
    if format == "TD3":
        personal = line2[28:]
        line2 += check_digit(personal) if personal.strip("<") else "<"
    if format in ("TD2", "TD3"):
        line2 += check_digit(line2[0:10] + line2[13:20] + line2[21:])
    return line1, line2


def _fillers(value: str) -> str:
    """Words separated by any run of spaces or fillers, joined by single fillers."""
    return "<".join(value.replace("<", " ").split())


def _words(raw: str) -> str:
    return " ".join(word for word in raw.split("<") if word)


def _text(value: str, length: int, field: str) -> str:
    encoded = value.replace(" ", "<")
    if any(char not in _VALUES for char in encoded):
        raise ValueError(f"{field} {value!r} has characters outside A-Z, 0-9, '<' and space")
    if len(encoded) > length:
        raise ValueError(f"{field} {value!r} is longer than {length} characters")
    return encoded.ljust(length, "<")


def _yymmdd(value: date) -> str:
    return f"{value.year % 100:02d}{value.month:02d}{value.day:02d}"


def _birth_date(raw: str, today: date, errors: list[str]) -> date | None:
    pairs = (raw[0:2], raw[2:4], raw[4:6])
    if "<" in raw:
        # ICAO allows unknown parts as fillers; known parts must still be plausible.
        known_ok = all(p == "<<" or p.isdigit() for p in pairs) and all(
            p == "<<" or 1 <= int(p) <= limit for p, limit in zip(pairs[1:], (12, 31), strict=True)
        )
        if not known_ok:
            errors.append("birth_date invalid")
        return None
    if raw.isdigit():
        yy, month, day = (int(p) for p in pairs)
        for century in (2000, 1900):
            try:
                candidate = date(century + yy, month, day)
            except ValueError:
                continue
            if candidate <= today:
                return candidate
    errors.append("birth_date invalid")
    return None


def _expiry_date(raw: str, errors: list[str]) -> date | None:
    if raw.isdigit():
        try:
            return date(2000 + int(raw[0:2]), int(raw[2:4]), int(raw[4:6]))
        except ValueError:
            pass
    errors.append("expiry_date invalid")
    return None


def _normalise(lines: str | Sequence[str]) -> list[str]:
    """Turn the input into stripped, non-empty lines; refuse anything that is no MRZ text."""
    # Size limits come first so that a huge paste is refused before any per-character work.
    if not isinstance(lines, str):
        if isinstance(lines, bytes | bytearray) or not isinstance(lines, Sequence):
            raise TypeError("parse_mrz expects a str or a sequence of str")
        if len(lines) > _MAX_INPUT_LINES:
            raise MrzFormatError("too_large", f"Too many lines ({len(lines)}) for an MRZ.")
        if not all(isinstance(item, str) for item in lines):
            raise TypeError("parse_mrz expects a str or a sequence of str")
    size = len(lines) if isinstance(lines, str) else sum(len(item) + 1 for item in lines)
    if size > MAX_INPUT_CHARS:
        raise MrzFormatError(
            "too_large",
            f"The input has {size} characters; an MRZ has at most 90 (limit {MAX_INPUT_CHARS}).",
        )
    text = lines if isinstance(lines, str) else "\n".join(lines)
    rows = [row.strip() for row in text.strip().splitlines()]
    rows = [row for row in rows if row]
    if not rows:
        raise MrzFormatError("empty", "The input is empty; no MRZ was given.")
    lowercase: tuple[int, int] | None = None
    for line_no, row in enumerate(rows, 1):
        for pos, char in enumerate(row, 1):
            if char in _VALUES:
                continue
            if "a" <= char <= "z":
                lowercase = lowercase or (line_no, pos)
                continue
            raise MrzFormatError(
                "characters",
                f"Line {line_no}, position {pos}: character {char!r} (U+{ord(char):04X}) "
                "is not allowed; an MRZ uses only A-Z, 0-9 and '<'.",
            )
    if lowercase:
        raise MrzFormatError(
            "lowercase",
            f"Line {lowercase[0]}, position {lowercase[1]}: lower-case letter; an MRZ is "
            "printed in capitals. Scan it again or type it in capital letters.",
        )
    return rows


def _detect_format(rows: list[str]) -> MrzFormat:
    count, width = len(rows), len(rows[0])
    if count not in (2, 3):
        raise MrzFormatError(
            "line_count",
            "An MRZ has 2 lines (passports, visas, TD2 cards) or 3 lines (TD1 ID cards); "
            f"got {count} line{'s' if count != 1 else ''}.",
        )
    expected = {30: 3, 36: 2, 44: 2}.get(width)
    if expected is None:
        raise MrzFormatError(
            "line_length",
            f"Line 1 has {width} characters; MRZ lines have 30 (TD1, 3 lines), "
            "36 (TD2, MRV-B) or 44 (TD3 passport, MRV-A) characters.",
        )
    if expected != count:
        raise MrzFormatError(
            "line_count",
            f"Lines of {width} characters form an MRZ of {expected} lines; got {count} lines.",
        )
    for line_no, row in enumerate(rows[1:], 2):
        if len(row) != width:
            raise MrzFormatError(
                "line_length",
                f"Line {line_no} has {len(row)} characters; expected {width} like line 1.",
            )
    if count == 3:
        return "TD1"
    is_visa = rows[0][0] == "V"
    if width == 44:
        return "MRVA" if is_visa else "TD3"
    return "MRVB" if is_visa else "TD2"
