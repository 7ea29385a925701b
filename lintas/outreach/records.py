"""What every outreach write shares: the client's id, the digest of what it sent, the checks.

A phone queues records offline with a UUIDv7 it made and sends them when it has signal,
perhaps twice. A service therefore looks for the id first: the same id with the same
content returns the stored record and writes nothing; the same id with other content is an
``IdConflict``, which the phone shows to its user instead of overwriting anything.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lintas.accounts.models import User
from lintas.accounts.roles import Capability
from lintas.common.errors import Conflict, PermissionDenied, ValidationFailed
from lintas.places.models import Village

COUNT_MAX = 100_000
EARLIEST = date(2015, 1, 1)

INVALID = _("Please correct the marked fields.")
NOT_ALLOWED = _("You may not record outreach work.")


class IdConflict(Conflict):
    """The client's id is already taken by a record with other content."""

    code = "id_conflict"


def client_id(value: object) -> uuid.UUID:
    """The record's id as the client made it: a UUIDv7, or a refusal naming the field."""
    try:
        parsed = value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except (ValueError, TypeError, AttributeError):
        parsed = None
    if parsed is None or parsed.version != 7:
        raise ValidationFailed(
            INVALID, field_errors={"id": _("The record id must be a UUIDv7 made by the client.")}
        )
    return parsed


def digest(payload: dict[str, Any]) -> str:
    """A stable digest of what the client sent, to tell a re-send from other content."""
    text = json.dumps(payload, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def require_outreach(actor: User) -> None:
    if not actor.can(Capability.MANAGE_OUTREACH):
        raise PermissionDenied(NOT_ALLOWED)


def count(value: object, *, field: str, errors: dict[str, Any]) -> int:
    """A count of people: a whole number from 0 to 100,000."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        errors[field] = _("Enter a whole number.")
        return 0
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return 0
        if not text.lstrip("-").isdigit() or len(text) > 9:
            errors[field] = _("Enter a whole number.")
            return 0
        value = int(text)
    if value < 0:
        errors[field] = _("A count cannot be negative.")
        return 0
    if value > COUNT_MAX:
        errors[field] = _("At most %(max)s: more than a village's population could be.") % {
            "max": f"{COUNT_MAX:,}".replace(",", ".")
        }
        return 0
    return value


def past_date(value: object, *, field: str, errors: dict[str, Any]) -> date:
    """A date that has already come (today at the latest), not before 2015."""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            value = None
    if not isinstance(value, date):
        errors[field] = _("Enter a date such as 2026-03-14.")
        return timezone.localdate()
    if value > timezone.localdate():
        errors[field] = _("The date is in the future.")
    elif value < EARLIEST:
        errors[field] = _("The date is before 2015.")
    return value


def village(code: object, *, errors: dict[str, Any], field: str = "village") -> Village | None:
    """The village of an official code (with its district and regency), or an error."""
    found = None
    if isinstance(code, str) and 0 < len(code) <= 13:
        found = Village.objects.select_related("district").filter(code=code.strip()).first()
    if found is None:
        errors[field] = _("Unknown village code; choose a village from the list.")
    return found


def text(value: object, *, field: str, max_length: int, errors: dict[str, Any]) -> str:
    """Optional free text: stripped, without NUL bytes or control characters."""
    if value is None:
        return ""
    if not isinstance(value, str):
        errors[field] = _("Must be text.")
        return ""
    value = value.strip()
    if "\x00" in value:
        errors[field] = _("The text contains a NUL byte; remove it.")
    elif any(ord(ch) < 32 and ch not in "\t\n\r" for ch in value):
        errors[field] = _("The text contains invisible control characters; remove them.")
    elif len(value) > max_length:
        errors[field] = _("At most %(n)d characters.") % {"n": max_length}
    return value


def choice(value: object, *, field: str, choices: list[str], errors: dict[str, Any]) -> str:
    if not isinstance(value, str) or value not in choices:
        errors[field] = _("Choose one of the options.")
        return ""
    return value


def refuse_if(errors: dict[str, Any]) -> None:
    if errors:
        raise ValidationFailed(INVALID, field_errors=errors)


def create_once[M: models.Model](
    model: type[M], *, pk: uuid.UUID, sent: str, agency_id: Any, make: Callable[[], M]
) -> tuple[M, bool]:
    """The stored record of ``pk`` if it holds the same content, else ``make()`` it now.

    Returns the record and whether it was made. Two sends of one id at the same moment:
    the loser's insert fails on the primary key and it answers like a re-send.
    """
    earlier = _earlier(model, pk=pk, sent=sent, agency_id=agency_id)
    if earlier is not None:
        return earlier, False
    try:
        with transaction.atomic():
            return make(), True
    except IntegrityError:
        earlier = _earlier(model, pk=pk, sent=sent, agency_id=agency_id)
        if earlier is None:
            raise
        return earlier, False


def _earlier[M: models.Model](
    model: type[M], *, pk: uuid.UUID, sent: str, agency_id: Any
) -> M | None:
    found = model._default_manager.filter(pk=pk).first()
    if found is None:
        return None
    same_owner = getattr(found, "agency_id", agency_id) == agency_id
    if getattr(found, "digest", None) != sent or not same_owner:
        raise IdConflict(
            _(
                "A record with this id was already sent with other content. Nothing was "
                "changed: check the record and send it again as a new one."
            )
        )
    return found
