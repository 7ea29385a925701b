"""What the desk reads from a scan: an MRZ, or the number of a document seen before."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lintas.crossings.models import DocumentKind, TravelDocument
from lintas.crossings.mrz import MrzFormatError, MrzResult, parse_mrz

MRZ_KINDS = {"P": DocumentKind.PASSPORT, "V": DocumentKind.VISA}
# The desk form field that shows a failed MRZ check ("birth_date check digit" -> birth_date).
MRZ_FIELD = {
    "document_number": "number",
    "birth_date": "birth_date",
    "expiry_date": "expiry_date",
    "optional_data": "number",
    "composite": "number",
    "sex": "sex",
}


def mrz_error_field(error: str) -> str:
    return MRZ_FIELD.get(error.split(" ")[0], "number")


@dataclass(frozen=True)
class ScanOutcome:
    """Initial form values from a scan, the MRZ problems by field, or why nothing was read."""

    initial: dict[str, Any]
    mrz_errors: tuple[str, ...] = ()
    format_error: str = ""
    found: bool = False


def mrz_initial(result: MrzResult) -> dict[str, Any]:
    kind = MRZ_KINDS.get(result.document_code[:1], DocumentKind.ID_CARD)
    return {
        "kind": kind,
        "number": result.document_number,
        "issuing_state": result.issuing_state,
        "expiry_date": result.expiry_date,
        "surname": result.surname,
        "given_names": result.given_names,
        "sex": result.sex,
        "birth_date": result.birth_date,
        "nationality": result.nationality,
        "mrz_format": result.format,
        "mrz_errors": ",".join(result.errors),
    }


def known_document_initial(document: TravelDocument) -> dict[str, Any]:
    traveller = document.traveller
    return {
        "kind": document.kind,
        "number": document.number,
        "issuing_state": document.issuing_state,
        "expiry_date": document.expiry_date,
        "issued_on": document.issued_on,
        "surname": traveller.surname,
        "given_names": traveller.given_names,
        "sex": traveller.sex,
        "birth_date": traveller.birth_date,
        "nationality": traveller.nationality,
        "residence_district": traveller.residence_district_id or "",
        "mrz_format": document.mrz_format,
    }


def looks_like_mrz(text: str) -> bool:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return len(lines) in (2, 3) and all(len(line) >= 28 for line in lines)


def read_scan(text: str, *, lookup: Any) -> ScanOutcome:
    """Parse ``text`` as an MRZ, or look it up as a document number with ``lookup``."""
    text = text.strip()
    if not text:
        return ScanOutcome(initial={}, format_error="empty")
    if looks_like_mrz(text) or len(text) > 30:
        try:
            result = parse_mrz(text)
        except MrzFormatError as exc:
            return ScanOutcome(initial={}, format_error=exc.code)
        return ScanOutcome(initial=mrz_initial(result), mrz_errors=result.errors, found=True)
    document = lookup(text)
    if document is None:
        return ScanOutcome(initial={"number": text.upper()}, format_error="unknown_number")
    return ScanOutcome(initial=known_document_initial(document), found=True)
