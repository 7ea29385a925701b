"""Registering crossings and market-day visits at the desk."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lintas.accounts.models import User
from lintas.accounts.roles import Capability
from lintas.audit.services import audit_append
from lintas.common.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from lintas.common.models import current_node
from lintas.common.phones import phone_e164
from lintas.common.text import clean_text
from lintas.crossings import rules
from lintas.crossings.desk import mrz_error_field
from lintas.crossings.kilb import kilb_allowance_problem
from lintas.crossings.models import (
    Crossing,
    CrossingGroup,
    Direction,
    DocumentKind,
    KilbCard,
    MarketVisit,
    Outcome,
    PlbDestination,
    PlbDistrict,
    PlbDistrictStatus,
    PostPlbPolicy,
    Purpose,
    RefusalReason,
    Sex,
    TravelDocument,
    Traveller,
)
from lintas.journal import record_change
from lintas.places.models import District, EntryPoint, Post

logger = logging.getLogger(__name__)

MRZ_CHECK_FAILED = _(
    "Check failed: compare with the document, correct it, or confirm the data by hand below."
)
DOCUMENT_EXPIRED_ACCEPT = _(
    "The document has expired. Record a refusal, or give the reason it is accepted below."
)
# A document rule the officer may set aside with a reason (a citizen coming home on an
# expired passport is admitted); every other rule is kept only with a refusal.
ACCEPTABLE_WITH_REASON = frozenset({"document_expired"})
# The same traveller, direction and outcome saved again this soon is the same crossing
# saved twice (two desks, or a double send with a new id).
DUPLICATE_WINDOW = timedelta(minutes=10)
COUNTRY_CODE_CHARS = set("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
DOCUMENT_NUMBER_CHARS = set("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


@dataclass(frozen=True)
class TravellerData:
    surname: str
    given_names: str = ""
    sex: str = Sex.UNSPECIFIED
    birth_date: date | None = None
    nationality: str = "IDN"
    residence_district_code: str = ""


@dataclass(frozen=True)
class DocumentData:
    kind: str
    number: str
    issuing_state: str
    expiry_date: date | None = None
    issued_on: date | None = None
    issuing_office: str = ""
    mrz_format: str = ""
    # Failed MRZ checks, by field ("birth_date check digit"); kept with the crossing.
    mrz_errors: tuple[str, ...] = ()


@dataclass(frozen=True)
class CrossingData:
    direction: str
    purpose: str
    entry_point_code: str
    destination: str = ""
    employer_name: str = ""
    recruiter_name: str = ""
    placement_agency_licence: str = ""
    goods_value_idr: int | None = None
    kilb_number: str = ""
    notes: str = ""
    crossed_at: datetime | None = None
    group_id: uuid.UUID | None = None
    observations: tuple[str, ...] = ()
    sponsor_phone: str = ""
    outcome: str = Outcome.CROSSED
    refusal_reason: str = ""
    # Why a document failing a rule is accepted (see ``ACCEPTABLE_WITH_REASON``).
    document_reason: str = ""


@dataclass
class _Problems:
    fields: dict[str, Any] = field(default_factory=dict)

    def add(self, name: str, message: Any) -> None:
        self.fields.setdefault(name, message)

    def raise_if_any(self) -> None:
        if self.fields:
            raise ValidationFailed(_("Please correct the marked fields."), field_errors=self.fields)


def _desk_post(actor: User) -> Post:
    if not actor.can(Capability.REGISTER_CROSSING):
        raise PermissionDenied(_("You are not allowed to do this."))
    if actor.post is None:
        raise PermissionDenied(_("Your account is not assigned to a post."))
    return actor.post


def _clean_code(value: str, *, name: str, problems: _Problems, allowed: set[str], size: int) -> str:
    value = (value or "").strip().upper().replace("<", "")
    if not value or len(value) > size or not set(value) <= allowed:
        problems.add(name, _("Invalid code."))
    return value


def _clean_traveller(data: TravellerData, problems: _Problems) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, size in (("surname", 100), ("given_names", 150)):
        try:
            out[name] = clean_text(
                getattr(data, name), field=name, max_length=size, required=name == "surname"
            )
        except ValidationFailed as exc:
            for key, message in exc.field_errors.items():
                problems.add(key, message)
    if data.sex not in Sex.values:
        problems.add("sex", _("Choose M, F or X."))
    if data.birth_date is not None and data.birth_date > timezone.localdate():
        problems.add("birth_date", _("A birth date cannot be in the future."))
    out["sex"] = data.sex
    out["birth_date"] = data.birth_date
    out["nationality"] = _clean_code(
        data.nationality, name="nationality", problems=problems, allowed=COUNTRY_CODE_CHARS, size=3
    )
    out["residence_district"] = None
    if data.residence_district_code:
        district = District.objects.filter(code=data.residence_district_code).first()
        if district is None:
            problems.add("residence_district", _("Unknown district."))
        out["residence_district"] = district
    return out


def _document_rule_problems(
    doc: DocumentData,
    traveller: dict[str, Any],
    *,
    post: Post,
    direction: str,
    destination: str,
    today: date,
) -> list[tuple[str, str]]:
    """The document rules ``doc`` breaks, as (form field, problem code)."""
    codes: list[tuple[str, str]] = []
    if doc.expiry_date is not None and doc.expiry_date < today and doc.kind != DocumentKind.PLB:
        codes.append(("expiry_date", "document_expired"))
    if doc.kind == DocumentKind.KTP:
        codes += [
            ("number", c)
            for c in rules.nik_problems(
                doc.number,
                birth_date=traveller["birth_date"],
                sex=traveller["sex"],
                today=today,
            )
        ]
    if doc.kind == DocumentKind.PLB:
        codes += [
            ("expiry_date", c)
            for c in rules.plb_validity_problems(
                issued_on=doc.issued_on, expiry_date=doc.expiry_date, on=today
            )
        ]
        codes += [(f, c) for f, c in _plb_holder_problems(traveller, post, direction, destination)]
    return codes


def _kept_document_problems(
    codes: list[tuple[str, str]],
    *,
    refused: bool,
    reason: str,
    problems: _Problems,
) -> list[str]:
    """The rule problems recorded with the crossing; the others refuse the registration.

    A refusal records the document as it was presented, whatever it breaks. A crossing
    accepts an expired document only with the officer's reason.
    """
    if refused:
        return [code for _name, code in codes]
    kept = []
    for name, code in codes:
        if code in ACCEPTABLE_WITH_REASON and reason:
            kept.append(code)
        elif code in ACCEPTABLE_WITH_REASON:
            problems.add(name, DOCUMENT_EXPIRED_ACCEPT)
            problems.add("document_reason", _("Give the reason, or record a refusal."))
        else:
            problems.add(name, rules.PROBLEM_MESSAGES[code])
    return kept


def _check_outcome(crossing: CrossingData, notes: str, problems: _Problems) -> str:
    """The refusal reason to record ('' for a crossing); problems for a bad combination."""
    if crossing.outcome not in Outcome.values:
        problems.add("outcome", _("Choose crossed or refused."))
        return ""
    if crossing.outcome != Outcome.REFUSED:
        return ""  # a reason left selected when the officer chose "crossed" means nothing
    if crossing.refusal_reason not in RefusalReason.values:
        problems.add("refusal_reason", _("Give the reason for the refusal."))
        return ""
    if crossing.refusal_reason == RefusalReason.OTHER and not notes:
        problems.add("notes", _("Say in the notes why the traveller was refused."))
    return crossing.refusal_reason


def _plb_holder_problems(
    traveller: dict[str, Any], post: Post, direction: str, destination: str
) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    policy = PostPlbPolicy.objects.filter(post=post).first()
    if policy is not None and not policy.accepts_plb:
        out.append(("kind", "plb_post_refuses"))
    if traveller["nationality"] == "IDN":
        district = traveller["residence_district"]
        if district is None:
            out.append(("residence_district", "plb_residence_missing"))
        else:
            status = (
                PlbDistrict.objects.filter(district=district)
                .values_list("status", flat=True)
                .first()
            )
            if status == PlbDistrictStatus.PENDING:
                out.append(("residence_district", "plb_district_pending"))
            elif status != PlbDistrictStatus.ELIGIBLE:
                out.append(("residence_district", "plb_district_not_eligible"))
        if (
            direction == Direction.OUTBOUND
            and not PlbDestination.objects.filter(name__iexact=destination.strip()).exists()
        ):
            out.append(("destination", "plb_destination"))
    return out


def _document_for(
    doc: DocumentData, traveller_fields: dict[str, Any], actor: User
) -> TravelDocument:
    """The document already known by its number, or a new one with a new traveller."""
    existing = (
        TravelDocument.objects.select_related("traveller")
        .filter(
            origin=current_node(),
            kind=doc.kind,
            issuing_state=doc.issuing_state,
            number=doc.number,
        )
        .first()
    )
    if existing is not None:
        _refresh_document(existing, doc, actor)
        return existing
    traveller = Traveller.objects.create(created_by=actor, **traveller_fields)
    record_change(
        actor=actor,
        action="traveller.create",
        instance=traveller,
        changed=[
            "surname",
            "given_names",
            "sex",
            "birth_date",
            "nationality",
            "residence_district_id",
        ],
    )
    document = TravelDocument.objects.create(
        traveller=traveller,
        kind=doc.kind,
        number=doc.number,
        issuing_state=doc.issuing_state,
        expiry_date=doc.expiry_date,
        issued_on=doc.issued_on,
        issuing_office=doc.issuing_office[:100],
        mrz_format=doc.mrz_format,
        created_by=actor,
    )
    record_change(
        actor=actor,
        action="document.create",
        instance=document,
        changed=["traveller_id", "kind", "number", "issuing_state", "expiry_date"],
    )
    return document


def _refresh_document(document: TravelDocument, doc: DocumentData, actor: User) -> None:
    changed = []
    for name in ("expiry_date", "issued_on"):
        value = getattr(doc, name)
        if value is not None and value != getattr(document, name):
            setattr(document, name, value)
            changed.append(name)
    if changed:
        document.updated_at = timezone.now()
        document.save(update_fields=[*changed, "updated_at"])
        record_change(actor=actor, action="document.update", instance=document, changed=changed)


def crossing_register(
    *,
    actor: User,
    traveller: TravellerData,
    document: DocumentData,
    crossing: CrossingData,
    crossing_id: uuid.UUID | None = None,
    accept_document_problems: bool = False,
) -> Crossing:
    """Register one crossing at the actor's post.

    Document rules (an expired document, a border pass outside its area or period, a NIK
    that does not match) refuse the registration. Failed MRZ check digits refuse it too,
    unless the officer confirms the data by hand (``accept_document_problems``); the
    failures are then kept with the crossing. Sending the same ``crossing_id`` again
    returns the crossing already saved and writes nothing.
    """
    post = _desk_post(actor)
    if crossing_id is not None:
        earlier = Crossing.objects.filter(pk=crossing_id).first()
        if earlier is not None:
            if earlier.created_by_id != actor.pk or earlier.post_id != post.pk:
                raise Conflict(_("This crossing id is already used."))
            return earlier
    problems = _Problems()
    tdata = _clean_traveller(traveller, problems)
    number = _clean_code(
        document.number, name="number", problems=problems, allowed=DOCUMENT_NUMBER_CHARS, size=30
    )
    state = _clean_code(
        document.issuing_state,
        name="issuing_state",
        problems=problems,
        allowed=COUNTRY_CODE_CHARS,
        size=3,
    )
    doc = DocumentData(**{**document.__dict__, "number": number, "issuing_state": state})
    if doc.kind not in DocumentKind.values:
        problems.add("kind", _("Unknown document kind."))
    if crossing.direction not in Direction.values:
        problems.add("direction", _("Choose a direction."))
    if crossing.purpose not in Purpose.values:
        problems.add("purpose", _("Choose a purpose."))
    entry_point = EntryPoint.objects.filter(post=post, code=crossing.entry_point_code).first()
    if entry_point is None:
        problems.add("entry_point", _("Choose an entry point of your post."))
    texts = {}
    for name, size in (
        ("destination", 150),
        ("employer_name", 150),
        ("recruiter_name", 150),
        ("placement_agency_licence", 60),
        ("notes", 500),
        ("document_reason", 200),
    ):
        try:
            texts[name] = clean_text(
                getattr(crossing, name), field=name, max_length=size, required=False
            )
        except ValidationFailed as exc:
            for key, message in exc.field_errors.items():
                problems.add(key, message)
    if crossing.goods_value_idr is not None and not 0 <= crossing.goods_value_idr <= 10**12:
        problems.add("goods_value_idr", _("Enter an amount in rupiah."))
    from lintas.screening.facts import OBSERVATIONS

    observations = sorted(set(crossing.observations))
    if not set(observations) <= set(OBSERVATIONS):
        problems.add("observations", _("Unknown observation."))
    sponsor_phone = ""
    if crossing.sponsor_phone.strip():
        sponsor_phone = phone_e164(crossing.sponsor_phone) or ""
        if not sponsor_phone:
            problems.add("sponsor_phone", _("Not a phone number (+62..., 62... or 08...)."))
    when = crossing.crossed_at or timezone.now()
    if when > timezone.now() + timedelta(minutes=5):
        problems.add("crossed_at", _("A crossing cannot be in the future."))
    refusal_reason = _check_outcome(crossing, texts.get("notes", ""), problems)
    refused = crossing.outcome == Outcome.REFUSED
    problems.raise_if_any()
    kept = _kept_document_problems(
        _document_rule_problems(
            doc,
            tdata,
            post=post,
            direction=crossing.direction,
            destination=texts["destination"],
            today=timezone.localdate(when),
        ),
        refused=refused,
        reason=texts["document_reason"],
        problems=problems,
    )
    if doc.mrz_errors and not accept_document_problems and not refused:
        for error in doc.mrz_errors:
            problems.add(mrz_error_field(error), MRZ_CHECK_FAILED)
    problems.raise_if_any()
    if not kept:
        texts["document_reason"] = ""
    try:
        return _crossing_write(
            actor=actor,
            post=post,
            doc=doc,
            tdata=tdata,
            crossing=crossing,
            crossing_id=crossing_id,
            entry_point=entry_point,
            when=when,
            texts=texts,
            observations=observations,
            sponsor_phone=sponsor_phone,
            refusal_reason=refusal_reason,
            document_problems=[*doc.mrz_errors, *kept],
        )
    except IntegrityError:
        # The same crossing id sent twice at once (a retry racing the first send), or
        # another desk saving the same new document a moment ago.
        earlier = Crossing.objects.filter(pk=crossing_id).first() if crossing_id else None
        if earlier is not None and earlier.created_by_id == actor.pk:
            return earlier
        raise Conflict(
            _("This traveller was saved at another desk a moment ago: scan the document again.")
        ) from None


def _crossing_write(
    *,
    actor: User,
    post: Post,
    doc: DocumentData,
    tdata: dict[str, Any],
    crossing: CrossingData,
    crossing_id: uuid.UUID | None,
    entry_point: EntryPoint | None,
    when: datetime,
    texts: dict[str, str],
    observations: list[str],
    sponsor_phone: str,
    refusal_reason: str,
    document_problems: list[str],
) -> Crossing:
    with transaction.atomic():
        group = None
        if crossing.group_id is not None:
            group = CrossingGroup.objects.filter(pk=crossing.group_id, post=post).first()
            if group is None:
                raise ValidationFailed(
                    _("Unknown group."), field_errors={"group": _("Unknown group.")}
                )
        travel_document = _document_for(doc, tdata, actor)
        kilb = None
        if crossing.kilb_number:
            kilb = _kilb_for(
                crossing.kilb_number,
                travel_document,
                value=crossing.goods_value_idr or 0,
                on=timezone.localdate(when),
            )
        retried = _refuse_double_save(travel_document, crossing, crossing_id, when)
        if retried is not None and retried.created_by_id == actor.pk:
            return retried
        outbound = None
        if crossing.direction == Direction.INBOUND and crossing.outcome == Outcome.CROSSED:
            outbound = _open_outbound(travel_document.traveller_id)
        saved = Crossing(
            traveller_id=travel_document.traveller_id,
            document=travel_document,
            post=post,
            entry_point=entry_point,
            direction=crossing.direction,
            outcome=crossing.outcome,
            refusal_reason=refusal_reason,
            crossed_at=when,
            purpose=crossing.purpose,
            group=group,
            goods_value_idr=crossing.goods_value_idr,
            kilb=kilb,
            outbound=outbound,
            document_problems=document_problems,
            observations=observations,
            sponsor_phone=sponsor_phone,
            created_by=actor,
            **texts,
        )
        if crossing_id is not None:
            saved.id = crossing_id
        saved.save(force_insert=True)
        record_change(
            actor=actor,
            action="crossing.register",
            instance=saved,
            changed=[
                "traveller_id",
                "document_id",
                "post_id",
                "direction",
                "outcome",
                "refusal_reason",
                "purpose",
                "crossed_at",
                "document_problems",
                "document_reason",
                "observations",
            ],
        )
        # Screened once the registration has committed, whatever transaction the caller
        # holds: screening reads history and never holds the registration's write lock.
        transaction.on_commit(lambda: crossing_screen_after_commit(crossing=saved, actor=actor))
    return saved


def crossing_screen_after_commit(*, crossing: Crossing, actor: User | None) -> None:
    """Screen a committed crossing; a failure is logged and audited, never raised.

    The crossing stays saved whatever happens to its screening. A failure is logged with
    the crossing's id and written to the audit trail as ``screening.failed`` (the crossing
    as object), and the desk says the screening did not run; ``screening_backfill``
    screens the crossing later.
    """
    from lintas.screening.services import crossing_screen

    try:
        crossing_screen(crossing=crossing, actor=actor)
    except Exception:
        logger.exception("screening failed for crossing %s", crossing.pk)
        try:
            with transaction.atomic():
                audit_append(actor=actor, action="screening.failed", obj=crossing)
        except Exception:
            logger.exception("could not audit the failed screening of crossing %s", crossing.pk)


def _kilb_for(number: str, document: TravelDocument, *, value: int, on: date) -> KilbCard:
    card = KilbCard.objects.filter(number=number.strip().upper()).first()
    if card is None or card.holder_id != document.traveller_id:
        raise ValidationFailed(
            _("Please correct the marked fields."),
            field_errors={"kilb_number": _("No KILB card with this number for this traveller.")},
        )
    problem = kilb_allowance_problem(card=card, value=value, on=on)
    if problem:
        raise ValidationFailed(
            _("Please correct the marked fields."), field_errors={"goods_value_idr": problem}
        )
    return card


def _refuse_double_save(
    document: TravelDocument,
    crossing: CrossingData,
    crossing_id: uuid.UUID | None,
    when: datetime,
) -> Crossing | None:
    """Refuse the same traveller, direction and outcome saved again within minutes.

    Only when nothing else of the traveller's was saved after it (the other way round).

    The traveller's row is locked first, so two desks saving one traveller at the same
    moment take turns (SQLite's write transactions are serialised already). A retry of a
    send that was committed while it waited for the lock is returned, not refused.
    """
    list(Traveller.objects.select_for_update().filter(pk=document.traveller_id).values("pk"))
    if crossing_id is not None:
        retried = Crossing.objects.filter(pk=crossing_id).first()
        if retried is not None:
            return retried
    # The traveller's latest record around this moment: the same again is a double save,
    # a crossing the other way in between (a trader out and back twice) is not.
    earlier = (
        Crossing.objects.filter(
            traveller_id=document.traveller_id,
            crossed_at__gt=when - DUPLICATE_WINDOW,
            crossed_at__lt=when + DUPLICATE_WINDOW,
            deleted_at__isnull=True,
        )
        .select_related("created_by")
        .order_by("-crossed_at")
        .first()
    )
    if earlier is not None and (earlier.direction, earlier.outcome) == (
        crossing.direction,
        crossing.outcome,
    ):
        raise Conflict(
            _("This crossing was already saved at %(time)s by %(officer)s.")
            % {
                "time": timezone.localtime(earlier.crossed_at).strftime("%H:%M"),
                "officer": earlier.created_by.username if earlier.created_by else "-",
            }
        )
    return None


def _open_outbound(traveller_id: Any) -> Crossing | None:
    last = (
        Crossing.objects.filter(
            traveller_id=traveller_id, outcome=Outcome.CROSSED, deleted_at__isnull=True
        )
        .order_by("-crossed_at")
        .only("id", "direction")
        .first()
    )
    return last if last is not None and last.direction == Direction.OUTBOUND else None


def crossing_group_create(*, actor: User, label: str) -> CrossingGroup:
    """Open a group (a bus, a family) that the next registrations join."""
    post = _desk_post(actor)
    label = clean_text(label, field="label", max_length=100, required=False)
    with transaction.atomic():
        group = CrossingGroup.objects.create(post=post, label=label, created_by=actor)
        record_change(
            actor=actor,
            action="crossing_group.create",
            instance=group,
            changed=["post_id", "label"],
        )
    return group


# --- market day -------------------------------------------------------------------------


def _market_post(actor: User) -> Post:
    if not actor.can(Capability.REGISTER_MARKET_VISIT) or actor.post is None:
        raise PermissionDenied(_("You are not allowed to do this."))
    if not actor.post.has_border_market:
        raise PermissionDenied(_("This post has no border market."))
    return actor.post


def market_visit_register(
    *, actor: User, full_name: str, origin_village: str, id_number: str = ""
) -> MarketVisit:
    """Check a Timor-Leste resident in to the market area; returns the visit with its number."""
    post = _market_post(actor)
    problems = _Problems()
    values = {}
    given = {"full_name": full_name, "origin_village": origin_village, "id_number": id_number}
    for name, size, required in (
        ("full_name", 150, True),
        ("origin_village", 100, True),
        ("id_number", 30, False),
    ):
        try:
            values[name] = clean_text(given[name], field=name, max_length=size, required=required)
        except ValidationFailed as exc:
            for key, message in exc.field_errors.items():
                problems.add(key, message)
    problems.raise_if_any()
    now = timezone.now()
    prefix = f"{post.code[:3].upper()}{timezone.localtime(now):%y%m%d}"
    for _attempt in range(5):
        try:
            with transaction.atomic():
                seq = MarketVisit.objects.filter(visit_number__startswith=prefix).count() + 1
                visit = MarketVisit.objects.create(
                    post=post,
                    visit_number=f"{prefix}-{seq:04d}",
                    checked_in_at=now,
                    created_by=actor,
                    **values,
                )
                record_change(
                    actor=actor,
                    action="market_visit.check_in",
                    instance=visit,
                    changed=["visit_number", "full_name", "origin_village", "id_number"],
                )
                return visit
        except IntegrityError:
            continue  # another desk took the number at the same moment
    raise Conflict(_("Could not number the visit; try again."))


def market_visit_checkout(*, actor: User, visit_number: str) -> MarketVisit:
    """Check a visitor out by the number on their slip; a second check-out is refused."""
    post = _market_post(actor)
    number = (visit_number or "").strip().upper()[:20]
    with transaction.atomic():
        visit = (
            MarketVisit.objects.select_for_update().filter(post=post, visit_number=number).first()
        )
        if visit is None:
            raise NotFound(_("No visit with this number at this market."))
        if visit.checked_out_at is not None:
            raise Conflict(
                _("This slip was already checked out at %(time)s.")
                % {"time": timezone.localtime(visit.checked_out_at).strftime("%H:%M")}
            )
        visit.checked_out_at = timezone.now()
        visit.checked_out_by = actor
        visit.updated_at = visit.checked_out_at
        visit.save(update_fields=["checked_out_at", "checked_out_by", "updated_at"])
        record_change(
            actor=actor, action="market_visit.check_out", instance=visit, changed=["checked_out_at"]
        )
    return visit
