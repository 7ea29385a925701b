"""Tips from the public: the web form, SMS and WhatsApp, and the reporter's receipt code.

Nothing here sees or stores an address or a user agent. The reporter is known only by what
they choose to leave (a contact, a phone number) and by the receipt code they keep.

Receipt codes (split token). A code is 20 characters of Crockford base32 (100 bits), shown
as five groups of four. The tip stores ``r1:<lookup>:<argon2 hash>`` in ``receipt_hash``:

- ``lookup`` is an HMAC (keyed from ``SECRET_KEY``) of the first 8 characters, so that a
  code finds its one candidate tip by a prefix match, before any slow hashing;
- the Argon2id hash covers all 20 characters; the code itself is stored nowhere.

A database dump reveals nothing of the code without the key; with the key, 60 bits remain
behind Argon2. Every check of a code runs exactly one Argon2 verification, against the
tip's hash or against a dummy hash, so a forged, malformed or wrong code gets the same
answer after the same work as any other wrong code.

Codes are derived, not drawn at submit time: ``HMAC(key, seed)`` where the seed is the
random nonce of the one-time form token (web) or the gateway's message (SMS). A double
submit of one form, or a gateway retry, therefore finds the first tip and shows the same
code again, instead of writing a second tip or losing the code shown in the first answer.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lintas.cases.models import AtRisk, Tip, TipChannel, TipMessage, TipStatus
from lintas.common.errors import NotFound, ValidationFailed
from lintas.common.phones import phone_e164, phone_masked
from lintas.journal import record_change
from lintas.places.models import District, Regency, Village
from lintas.portal.models import IntakeKind, TipIntake

BODY_MAX = 5000
CONTACT_MAX = 300
MESSAGE_ID_MAX = 100
INTAKE_KEEP_DAYS = 7

RECEIPT_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U
RECEIPT_LENGTH = 20  # 100 bits
RECEIPT_GROUP = 4
SELECTOR_LENGTH = 8
RECEIPT_SCHEME = "r1"
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = frozenset(" -.\t\r\n")

# Fields named in the audit entry (values only as a keyed digest). The contact fields are
# left out on purpose: a keyed digest of a phone number can be confirmed by guessing.
AUDITED_TIP_FIELDS = [
    "channel",
    "body",
    "regency_id",
    "district_id",
    "village_id",
    "happened_on",
    "at_risk",
    "language",
    "status",
]

CORRECT_FIELDS = _("Please correct the marked fields.")
BODY_REQUIRED = _("Describe what happened.")
TEXT_REQUIRED = _("Write the information you want to add.")
TEXT_TOO_LONG = _(
    "At most %(max)s characters; this text has %(n)s. Shorten it, or send the rest "
    "afterwards with your receipt code."
)
TEXT_NUL = _("The text contains a character that cannot be saved (a NUL byte). Remove it.")
TEXT_CONTROL = _("The text contains invisible control characters. Remove them.")
PLACE_UNKNOWN = _("Choose a place from the list.")
PLACE_MISMATCH = _("This place is not in the area chosen above.")
DATE_FUTURE = _("The date is in the future.")
AT_RISK_UNKNOWN = _("Choose one of the answers.")
PHONE_INVALID = _("Enter a phone number such as 0812 3456 7890 or +670 7723 4567.")
MESSAGE_ID_INVALID = _("A gateway message id of 1 to 100 visible characters is required.")
CHANNEL_INVALID = _("The channel must be sms or whatsapp.")
WRONG_RECEIPT = _("No report matches this code. Check the code and try again.")

# Reporter-facing status: plain words, never a case detail.
# A context keeps these short words apart from the staff catalogue's "Received", "Closed".
REPORTER_STATUS: dict[str, Promise] = {
    "received": pgettext_lazy("reporter status", "Received"),
    "checking": pgettext_lazy("reporter status", "Being checked"),
    "passed": pgettext_lazy("reporter status", "Passed to an agency"),
    "closed": pgettext_lazy("reporter status", "Closed"),
}
REPORTER_STATUS_HELP: dict[str, Promise] = {
    "received": _("Your report has arrived and is waiting to be read."),
    "checking": _("People from the agencies are checking what you reported."),
    "passed": _("Your report was passed to an agency that handles such matters."),
    "closed": _("The work on this report has ended. You can still add information."),
}
_STATUS_WORDS = {
    TipStatus.NEW: "received",
    TipStatus.VERIFIED: "checking",
    TipStatus.LINKED: "passed",
    TipStatus.CLOSED: "closed",
}

SMS_REPLY = _(
    # Translators: an SMS. With the 24-character code it must fit in 160 characters of the
    # GSM alphabet (one SMS): write it without accents.
    "Lintas: report received. Receipt code %(code)s. Keep it secret; with it you can read "
    "replies and add information."
)


# --- receipt codes ----------------------------------------------------------------------


def _key(label: str, secret: str | None = None) -> bytes:
    """A sub-key of ``SECRET_KEY`` for one purpose, so one use cannot stand in for another."""
    base = (secret if secret is not None else settings.SECRET_KEY).encode("utf-8")
    return hmac.new(base, b"lintas.tips." + label.encode("ascii"), hashlib.sha256).digest()


def _lookup_secrets() -> list[str]:
    # After a SECRET_KEY rotation, codes issued under the old key must still be found.
    return [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]


def receipt_normalise(raw: object) -> str | None:
    """The 20 code characters of ``raw`` (case, spaces, dashes and O/I/L forgiven), or None."""
    if not isinstance(raw, str) or len(raw) > 64:
        return None
    text = "".join(ch for ch in raw.upper() if ch not in _SEPARATORS).translate(_CONFUSABLE)
    if len(text) != RECEIPT_LENGTH or any(ch not in RECEIPT_ALPHABET for ch in text):
        return None
    return text


def receipt_format(code: str) -> str:
    """``ABCD-EFGH-JKMN-PQRS-TVWX``: groups a person can read out and copy."""
    return "-".join(code[i : i + RECEIPT_GROUP] for i in range(0, len(code), RECEIPT_GROUP))


def receipt_lookup(code: str, *, secret: str | None = None) -> str:
    """The stored lookup of a normalised code: an HMAC of its selector part only."""
    selector = code[:SELECTOR_LENGTH].encode("ascii")
    return hmac.new(_key("receipt-lookup", secret), selector, hashlib.sha256).hexdigest()[:32]


def _derive_receipt(seed: bytes, attempt: int, *, secret: str | None = None) -> str:
    digest = hmac.new(_key("receipt", secret), seed + bytes([attempt]), hashlib.sha256).digest()
    number = int.from_bytes(digest[:13], "big") >> 4  # 100 bits
    chars = []
    for _i in range(RECEIPT_LENGTH):
        number, index = divmod(number, 32)
        chars.append(RECEIPT_ALPHABET[index])
    return "".join(chars)


@functools.cache
def _hasher() -> PasswordHasher:
    if getattr(settings, "TESTING", False):
        # Still Argon2id, with a small memory cost so that the suite stays fast.
        return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    return PasswordHasher()  # RFC 9106 low-memory profile: t=3, 64 MiB, p=4


@functools.cache
def _dummy_hash() -> str:
    return _hasher().hash(secrets.token_hex(16))


def _verify(stored: str, code: str) -> bool:
    try:
        return _hasher().verify(stored, code)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _stored_receipt(code: str) -> str:
    return f"{RECEIPT_SCHEME}:{receipt_lookup(code)}:{_hasher().hash(code)}"


def _lookup_of(stored: str) -> str:
    parts = stored.split(":", 2)
    return parts[1] if len(parts) == 3 and parts[0] == RECEIPT_SCHEME else ""


def _new_receipt(seed: bytes) -> str:
    """The first code derived from ``seed`` whose lookup no tip uses yet."""
    for attempt in range(32):
        code = _derive_receipt(seed, attempt)
        taken = Tip.objects.filter(receipt_hash__startswith=_prefix(receipt_lookup(code)))
        if not taken.exists():
            return code
    # Each try collides with probability (tips / 2^40): 32 in a row do not happen.
    raise RuntimeError("no free receipt lookup after 32 attempts")


def _receipt_of(tip: Tip, seed: bytes) -> str:
    """Derive again the code that ``seed`` gave ``tip`` (a double submit, a gateway retry)."""
    wanted = _lookup_of(tip.receipt_hash)
    for secret in _lookup_secrets():  # the first submit may predate a key rotation
        for attempt in range(32):
            code = _derive_receipt(seed, attempt, secret=secret)
            if receipt_lookup(code, secret=secret) == wanted:
                return code
    raise RuntimeError("the intake seed does not belong to this tip")


def _prefix(lookup: str) -> str:
    return f"{RECEIPT_SCHEME}:{lookup}:"


def _tip_by_receipt(raw: object) -> Tip | None:
    """The tip a code belongs to, after exactly one Argon2 verification in every case."""
    code = receipt_normalise(raw)
    # A malformed code still runs the same query (on a code no tip can have) and the same
    # verification, so that its answer takes as long as any other wrong code's.
    probe = code if code is not None else "-" * RECEIPT_LENGTH
    wanted = Q()
    for secret in _lookup_secrets():
        wanted |= Q(receipt_hash__startswith=_prefix(receipt_lookup(probe, secret=secret)))
    candidate = Tip.objects.filter(wanted, deleted_at__isnull=True).first()
    if code is None:
        candidate = None
    stored = candidate.receipt_hash.split(":", 2)[2] if candidate is not None else _dummy_hash()
    matches = _verify(stored, probe)
    return candidate if matches else None


# --- intake keys ---------------------------------------------------------------------------


def intake_key(kind: str, seed: bytes, *, secret: str | None = None) -> str:
    """The stored idempotency key of a form token or gateway message (never the seed)."""
    message = kind.encode() + b"\0" + seed
    return hmac.new(_key("intake", secret), message, hashlib.sha256).hexdigest()


def _intake_keys(kind: str, seed: bytes) -> list[str]:
    # A retry may come after a key rotation: its first delivery was keyed with the old key.
    return [intake_key(kind, seed, secret=secret) for secret in _lookup_secrets()]


def _prune_intake() -> None:
    cutoff = timezone.now() - timedelta(days=INTAKE_KEEP_DAYS)
    TipIntake.objects.filter(created_at__lt=cutoff).delete()


# --- checks ----------------------------------------------------------------------------------


def _text(
    value: object, *, field: str, required: Promise, max_length: int
) -> tuple[str, dict[str, Any]]:
    """Stripped text and the field error (if any), with messages the portal translates."""
    if not isinstance(value, str):
        return "", {field: required}
    value = value.strip()
    if "\x00" in value:
        return value, {field: TEXT_NUL}
    if any(ord(ch) < 32 and ch not in "\t\n\r" for ch in value):
        return value, {field: TEXT_CONTROL}
    if len(value) > max_length:
        return value, {field: TEXT_TOO_LONG % {"max": max_length, "n": len(value)}}
    if not value and required:
        return value, {field: required}
    return value, {}


def _optional_text(value: object, *, field: str, max_length: int) -> tuple[str, dict[str, Any]]:
    """Like ``_text`` for a field the reporter may leave empty."""
    if not isinstance(value, str) or not value.strip():
        return "", {}
    return _text(value, field=field, required=BODY_REQUIRED, max_length=max_length)


@dataclass(frozen=True)
class Places:
    regency: Regency | None
    district: District | None
    village: Village | None


def _places(
    regency_code: str, district_code: str, village_code: str
) -> tuple[Places, dict[str, Any]]:
    """The chosen areas, each checked against the one above; a lower one implies those above."""
    errors: dict[str, Any] = {}
    village = (
        Village.objects.select_related("district").filter(code=village_code).first()
        if village_code
        else None
    )
    if village_code and village is None:
        errors["village"] = PLACE_UNKNOWN
    district = District.objects.filter(code=district_code).first() if district_code else None
    if district_code and district is None:
        errors["district"] = PLACE_UNKNOWN
    regency = Regency.objects.filter(code=regency_code).first() if regency_code else None
    if regency_code and regency is None:
        errors["regency"] = PLACE_UNKNOWN
    if village is not None:
        if district is None and "district" not in errors:
            district = village.district
        elif district is not None and village.district_id != district.code:
            errors["village"] = PLACE_MISMATCH
    if district is not None:
        if regency is None and "regency" not in errors:
            regency = Regency.objects.get(code=district.regency_id)
        elif regency is not None and district.regency_id != regency.code:
            errors["district"] = PLACE_MISMATCH
    return Places(regency, district, village), errors


def _language(code: str) -> str:
    codes = {c for c, _name in settings.LANGUAGES}
    return code if code in codes else settings.LANGUAGE_CODE


# --- writes -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SubmittedTip:
    """The saved tip and its receipt code (formatted), to show once; ``duplicate`` if it existed."""

    tip: Tip
    receipt: str
    duplicate: bool


def tip_submit(
    *,
    body: str,
    channel: str = TipChannel.WEB,
    regency_code: str = "",
    district_code: str = "",
    village_code: str = "",
    happened_on: date | None = None,
    at_risk: str = AtRisk.UNKNOWN,
    contact: str = "",
    contact_phone: str = "",
    language: str = "id",
    intake_seed: bytes | None = None,
) -> SubmittedTip:
    """Save an anonymous tip and return its receipt code; nothing identifies the reporter.

    ``intake_seed`` is the random nonce of the one-time form token (or the gateway's
    message): the same seed again returns the first tip and its code, and writes nothing.
    Without a seed, a fresh random one is used. Audited with no actor and without the
    contact fields.
    """
    errors: dict[str, Any] = {}
    body, found = _text(body, field="body", required=BODY_REQUIRED, max_length=BODY_MAX)
    errors.update(found)
    contact_text, found = _optional_text(contact, field="contact", max_length=CONTACT_MAX)
    errors.update(found)
    phone = ""
    if (contact_phone or "").strip():
        phone = phone_e164(contact_phone) or ""
        if not phone:
            errors["contact_phone"] = PHONE_INVALID
    places, found = _places(regency_code or "", district_code or "", village_code or "")
    errors.update(found)
    # A day's grace: a reporter in Timor-Leste (UTC+9) is an hour ahead of WITA.
    if happened_on is not None and happened_on > timezone.localdate() + timedelta(days=1):
        errors["happened_on"] = DATE_FUTURE
    if at_risk not in AtRisk.values:
        errors["at_risk"] = AT_RISK_UNKNOWN
    if channel not in TipChannel.values:
        errors["channel"] = CHANNEL_INVALID
    if errors:
        raise ValidationFailed(CORRECT_FIELDS, field_errors=errors)

    seed = intake_seed if intake_seed is not None else os.urandom(16)
    kind = {TipChannel.SMS: IntakeKind.SMS, TipChannel.WHATSAPP: IntakeKind.WHATSAPP}.get(
        TipChannel(channel), IntakeKind.WEB
    )
    key = intake_key(kind, seed)
    earlier = _earlier_submission(kind, seed)
    if earlier is not None:
        return earlier
    # Hash before the transaction: Argon2 takes its time, the write lock should not.
    code = _new_receipt(seed)
    stored = _stored_receipt(code)
    try:
        with transaction.atomic():
            tip = Tip.objects.create(
                channel=channel,
                body=body,
                regency=places.regency,
                district=places.district,
                village=places.village,
                happened_on=happened_on,
                at_risk=at_risk,
                contact=contact_text,
                contact_phone=phone,
                contact_phone_masked=phone_masked(phone) if phone else "",
                receipt_hash=stored,
                language=_language(language),
            )
            record_change(actor=None, action="tip.submit", instance=tip, changed=AUDITED_TIP_FIELDS)
            TipIntake.objects.create(key=key, kind=kind, tip=tip, created_at=timezone.now())
            _prune_intake()
    except IntegrityError:
        # The same form or message, sent twice at the same moment: the other one won.
        earlier = _earlier_submission(kind, seed)
        if earlier is None:
            raise
        return earlier
    return SubmittedTip(tip=tip, receipt=receipt_format(code), duplicate=False)


def _earlier_submission(kind: str, seed: bytes) -> SubmittedTip | None:
    intake = (
        TipIntake.objects.select_related("tip").filter(key__in=_intake_keys(kind, seed)).first()
    )
    if intake is None:
        return None
    return SubmittedTip(
        tip=intake.tip, receipt=receipt_format(_receipt_of(intake.tip, seed)), duplicate=True
    )


@dataclass(frozen=True)
class Reply:
    sent_at: datetime
    text: str


@dataclass(frozen=True)
class TipView:
    """What the holder of a receipt code may see: plain status, replies, own additions."""

    status: str
    received_at: datetime
    replies: tuple[Reply, ...]
    additions: int
    last_addition_at: datetime | None
    contact_phone_masked: str

    @property
    def status_label(self) -> str:
        return str(REPORTER_STATUS[self.status])

    @property
    def status_help(self) -> str:
        return str(REPORTER_STATUS_HELP[self.status])


def _reporter_status(tip: Tip) -> str:
    # A merged tip follows the tip it was merged into (a bounded walk, in case of a loop).
    current = tip
    for _step in range(5):
        if current.status != TipStatus.MERGED:
            return _STATUS_WORDS.get(TipStatus(current.status), "checking")
        if current.merged_into_id is None:
            return "checking"
        current = Tip.objects.only("status", "merged_into_id").get(pk=current.merged_into_id)
    return "checking"


def _view(tip: Tip) -> TipView:
    messages = list(
        TipMessage.objects.filter(tip=tip, deleted_at__isnull=True).order_by("created_at")
    )
    own = [m for m in messages if m.from_reporter]
    return TipView(
        status=_reporter_status(tip),
        received_at=tip.created_at,
        # Replies are the agencies' messages to the reporter (triage.tip_reply); other
        # reporters' tips merged with this one are never shown.
        replies=tuple(Reply(m.created_at, m.body) for m in messages if not m.from_reporter),
        additions=len(own),
        last_addition_at=own[-1].created_at if own else None,
        contact_phone_masked=tip.contact_phone_masked,
    )


def tip_read_by_receipt(*, receipt: str) -> TipView:
    """The tip's status in plain words and the replies to the reporter; never case details.

    A wrong, malformed or forged code raises ``NotFound`` with the same message, after the
    same single Argon2 verification.
    """
    tip = _tip_by_receipt(receipt)
    if tip is None:
        raise NotFound(WRONG_RECEIPT)
    return _view(tip)


def tip_add_information(*, receipt: str, text: str, intake_seed: bytes | None = None) -> TipView:
    """Add the reporter's further information to their tip (a ``TipMessage`` from them).

    The code is checked first, so a wrong code learns nothing about the text's validity.
    ``intake_seed`` (the form token's nonce) makes a double submit add the text once.
    """
    tip = _tip_by_receipt(receipt)
    if tip is None:
        raise NotFound(WRONG_RECEIPT)
    text, errors = _text(text, field="text", required=TEXT_REQUIRED, max_length=BODY_MAX)
    if errors:
        raise ValidationFailed(CORRECT_FIELDS, field_errors=errors)
    key = intake_key(IntakeKind.INFO, intake_seed) if intake_seed is not None else ""
    if (
        key
        and TipIntake.objects.filter(
            key__in=_intake_keys(IntakeKind.INFO, intake_seed or b"")
        ).exists()
    ):
        return _view(tip)
    try:
        with transaction.atomic():
            message = TipMessage.objects.create(tip=tip, from_reporter=True, body=text)
            record_change(
                actor=None,
                action="tip.add_information",
                instance=message,
                changed=["tip_id", "from_reporter", "body"],
            )
            if key:
                TipIntake.objects.create(
                    key=key,
                    kind=IntakeKind.INFO,
                    tip=tip,
                    message=message,
                    created_at=timezone.now(),
                )
    except IntegrityError:
        if not key or not TipIntake.objects.filter(key=key).exists():
            raise
    return _view(tip)


@dataclass(frozen=True)
class SmsTip:
    """What the gateway needs: whether it was new, and the reply to send to the reporter."""

    duplicate: bool
    receipt: str
    reply_to: str
    reply_text: str
    language: str


def tip_from_sms(
    *,
    message_id: str,
    sender: str,
    text: str,
    channel: str = TipChannel.SMS,
    language: str = "",
) -> SmsTip:
    """A tip sent by SMS or WhatsApp through the gateway, with the reply text to send back.

    The sender's number is normalised to E.164 and stored only encrypted (and masked for
    display). The same delivery again (same message id, sender and text: a gateway retry)
    returns the first tip's code and writes nothing; a reused id with other content is a
    new tip. The reply is in ``language``, else Tetum for a Timor-Leste number, else
    Bahasa Indonesia.
    """
    if channel not in (TipChannel.SMS, TipChannel.WHATSAPP):
        raise ValidationFailed(CORRECT_FIELDS, field_errors={"channel": CHANNEL_INVALID})
    if (
        not isinstance(message_id, str)
        or not 1 <= len(message_id) <= MESSAGE_ID_MAX
        or not message_id.isprintable()
        or not message_id.strip()
    ):
        raise ValidationFailed(CORRECT_FIELDS, field_errors={"message_id": MESSAGE_ID_INVALID})
    phone = phone_e164(sender or "") or ""
    if not language:
        language = "tet" if phone.startswith("+670") else settings.LANGUAGE_CODE
    language = _language(language)
    # A retry repeats the id, the sender and the text; all three make the seed.
    delivery = "\0".join([channel, message_id, phone or (sender or ""), text or ""])
    seed = hmac.new(_key("gateway"), delivery.encode("utf-8", "replace"), hashlib.sha256).digest()
    submitted = tip_submit(
        body=text,
        channel=channel,
        contact_phone=phone,
        language=language,
        intake_seed=seed,
    )
    with translation.override(language):
        reply = str(SMS_REPLY % {"code": submitted.receipt})
    return SmsTip(
        duplicate=submitted.duplicate,
        receipt=submitted.receipt,
        reply_to=phone,
        reply_text=reply,
        language=language,
    )
