"""Writes of outreach work: activities, support groups, meetings and community reports.

Every service is keyword-only, takes ``actor`` and the client's UUIDv7 ``id`` (see
``records``), validates everything before it writes, and writes in one transaction with
its audit entry. The pages and the API (the phone app) call the same functions.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from lintas.accounts.models import Agency, User
from lintas.cases.models import AtRisk, Tip, TipChannel
from lintas.common.errors import NotFound
from lintas.common.phones import phone_e164
from lintas.journal import record_change
from lintas.outreach import records as r
from lintas.outreach.models import (
    REACHED_FIELDS,
    Activity,
    ActivityKind,
    Audience,
    CommunityReport,
    GroupKind,
    Meeting,
    SupportGroup,
)

BODY_MAX = 5000


def _partners(codes: Iterable[object], *, actor: User, errors: dict[str, Any]) -> list[Agency]:
    wanted = sorted({c for c in codes if isinstance(c, str) and c})
    if len(wanted) > 20:
        errors["partners"] = _("At most 20 partner agencies.")
        return []
    found = list(Agency.objects.filter(code__in=wanted, is_active=True).exclude(pk=actor.agency_id))
    if len(found) != len([c for c in wanted if c != actor.agency.code]):
        errors["partners"] = _("Unknown partner agency.")
    return found


def activity_record(
    *,
    actor: User,
    id: uuid.UUID | str,
    kind: str,
    held_on: date | str,
    village_code: str,
    reached: Mapping[str, object],
    audiences: Iterable[str] = (),
    partner_codes: Iterable[str] = (),
    language: str = "",
    materials: str = "",
    concerns: str = "",
    follow_up_requested: bool = False,
) -> Activity:
    """Record an activity of the actor's agency; the same id and content again changes nothing.

    ``reached`` holds the counts of people reached: ``girls`` and ``boys`` (under 18),
    ``women`` and ``men`` (18 and over), each 0 to 100,000. Raises ``ValidationFailed``,
    ``PermissionDenied`` or ``IdConflict`` (code ``id_conflict``).
    """
    r.require_outreach(actor)
    pk = r.client_id(id)
    errors: dict[str, Any] = {}
    kind = r.choice(kind, field="kind", choices=list(ActivityKind.values), errors=errors)
    day = r.past_date(held_on, field="held_on", errors=errors)
    place = r.village(village_code, errors=errors)
    counts = {f: r.count(reached.get(f, 0), field=f, errors=errors) for f in REACHED_FIELDS}
    unknown_counts = set(reached) - set(REACHED_FIELDS)
    if unknown_counts:
        errors["reached"] = _("Unknown count: %(names)s.") % {
            "names": ", ".join(sorted(unknown_counts))
        }
    if sum(counts.values()) > r.COUNT_MAX:
        errors["reached"] = _("At most 100.000 people in all.")
    chosen = sorted(set(audiences))
    if any(a not in Audience.values for a in chosen):
        errors["audiences"] = _("Choose one of the options.")
    partners = _partners(partner_codes, actor=actor, errors=errors)
    language = r.text(language, field="language", max_length=40, errors=errors)
    materials = r.text(materials, field="materials", max_length=500, errors=errors)
    concerns = r.text(concerns, field="concerns", max_length=BODY_MAX, errors=errors)
    r.refuse_if(errors)
    assert place is not None
    sent = r.digest(
        {
            "kind": kind,
            "held_on": day,
            "village": place.code,
            "counts": counts,
            "audiences": chosen,
            "partners": sorted(p.code for p in partners),
            "language": language,
            "materials": materials,
            "concerns": concerns,
            "follow_up": bool(follow_up_requested),
        }
    )

    def make() -> Activity:
        activity = Activity.objects.create(
            id=pk,
            kind=kind,
            held_on=day,
            village=place,
            district_id=place.district_id,
            regency_id=place.district.regency_id,
            agency_id=actor.agency_id,
            audiences=chosen,
            people_reached=sum(counts.values()),
            language=language,
            materials=materials,
            concerns=concerns,
            follow_up_requested=bool(follow_up_requested),
            digest=sent,
            created_by=actor,
            **counts,
        )
        activity.partners.set(partners)
        record_change(
            actor=actor,
            action="outreach.activity_record",
            instance=activity,
            changed=["kind", "held_on", "village_id", *REACHED_FIELDS, "audiences", "partners"],
        )
        return activity

    return r.create_once(Activity, pk=pk, sent=sent, agency_id=actor.agency_id, make=make)[0]


def group_register(
    *,
    actor: User,
    id: uuid.UUID | str,
    kind: str,
    name: str,
    village_code: str,
    member_count: object,
    contact_name: str = "",
    contact_phone: str = "",
) -> SupportGroup:
    """Register a support group of the actor's agency; its contact is stored encrypted."""
    r.require_outreach(actor)
    pk = r.client_id(id)
    errors: dict[str, Any] = {}
    kind = r.choice(kind, field="kind", choices=list(GroupKind.values), errors=errors)
    name = r.text(name, field="name", max_length=150, errors=errors)
    if not name and "name" not in errors:
        errors["name"] = _("This field is required.")
    place = r.village(village_code, errors=errors)
    members = r.count(member_count, field="member_count", errors=errors)
    contact = r.text(contact_name, field="contact_name", max_length=150, errors=errors)
    phone = ""
    if (contact_phone or "").strip():
        phone = phone_e164(contact_phone) or ""
        if not phone:
            errors["contact_phone"] = _("Enter a phone number such as 0812 3456 7890.")
    r.refuse_if(errors)
    assert place is not None
    sent = r.digest(
        {
            "kind": kind,
            "name": name,
            "village": place.code,
            "members": members,
            "contact": contact,
            "phone": phone,
        }
    )

    def make() -> SupportGroup:
        group = SupportGroup.objects.create(
            id=pk,
            kind=kind,
            name=name,
            village=place,
            district_id=place.district_id,
            regency_id=place.district.regency_id,
            agency_id=actor.agency_id,
            contact_name=contact,
            contact_phone=phone,
            member_count=members,
            digest=sent,
            created_by=actor,
        )
        record_change(
            actor=actor,
            action="outreach.group_register",
            instance=group,
            changed=["kind", "name", "village_id", "member_count", "contact_name", "contact_phone"],
        )
        return group

    return r.create_once(SupportGroup, pk=pk, sent=sent, agency_id=actor.agency_id, make=make)[0]


def _own_group(actor: User, group_id: object) -> SupportGroup:
    try:
        key = uuid.UUID(str(group_id))
    except ValueError:
        raise NotFound(_("No such group.")) from None
    group = SupportGroup.objects.live().filter(pk=key, agency_id=actor.agency_id).first()
    if group is None:
        raise NotFound(_("No such group."))
    return group


def meeting_record(
    *,
    actor: User,
    id: uuid.UUID | str,
    group_id: uuid.UUID | str,
    held_on: date | str,
    women: object = 0,
    men: object = 0,
    note: str = "",
) -> Meeting:
    """Log a meeting of one of the actor's agency's groups, with attendance counts."""
    r.require_outreach(actor)
    pk = r.client_id(id)
    group = _own_group(actor, group_id)
    errors: dict[str, Any] = {}
    day = r.past_date(held_on, field="held_on", errors=errors)
    counts = {
        "women": r.count(women, field="women", errors=errors),
        "men": r.count(men, field="men", errors=errors),
    }
    note = r.text(note, field="note", max_length=2000, errors=errors)
    r.refuse_if(errors)
    sent = r.digest({"group": str(group.pk), "held_on": day, "counts": counts, "note": note})

    def make() -> Meeting:
        meeting = Meeting.objects.create(
            id=pk, group=group, held_on=day, note=note, digest=sent, created_by=actor, **counts
        )
        record_change(
            actor=actor,
            action="outreach.meeting_record",
            instance=meeting,
            changed=["group_id", "held_on", "women", "men", "note"],
        )
        locked = SupportGroup.objects.select_for_update().get(pk=group.pk)
        if locked.last_met_on is None or locked.last_met_on < day:
            locked.last_met_on = day
            locked.save(update_fields=["last_met_on", "updated_at"])
            record_change(
                actor=actor, action="outreach.group_met", instance=locked, changed=["last_met_on"]
            )
        return meeting

    return r.create_once(Meeting, pk=pk, sent=sent, agency_id=None, make=make)[0]


def community_report_file(
    *,
    actor: User,
    id: uuid.UUID | str,
    body: str,
    village_code: str,
    happened_on: date | str | None = None,
    at_risk: str = AtRisk.UNKNOWN,
    group_id: uuid.UUID | str | None = None,
    activity_id: uuid.UUID | str | None = None,
    named_with_consent: bool = False,
) -> CommunityReport:
    """File what a group or an outreach worker heard as a tip into the one triage queue.

    The group (or the activity) is the source; a villager is named only with their
    consent (``named_with_consent``). The filing agency later sees the triage outcome.
    """
    r.require_outreach(actor)
    pk = r.client_id(id)
    group = _own_group(actor, group_id) if group_id else None
    activity = None
    if activity_id:
        activity = Activity.objects.live().filter(pk=activity_id, agency_id=actor.agency_id).first()
        if activity is None:
            raise NotFound(_("No such activity."))
    errors: dict[str, Any] = {}
    body = r.text(body, field="body", max_length=BODY_MAX, errors=errors)
    if not body and "body" not in errors:
        errors["body"] = _("Describe what was heard.")
    place = r.village(village_code, errors=errors)
    day = r.past_date(happened_on, field="happened_on", errors=errors) if happened_on else None
    at_risk = r.choice(at_risk, field="at_risk", choices=list(AtRisk.values), errors=errors)
    r.refuse_if(errors)
    assert place is not None
    sent = r.digest(
        {
            "body": body,
            "village": place.code,
            "happened_on": day,
            "at_risk": at_risk,
            "group": str(group.pk) if group else "",
            "activity": str(activity.pk) if activity else "",
            "named": bool(named_with_consent),
        }
    )

    def make() -> CommunityReport:
        tip = Tip.objects.create(
            channel=TipChannel.OUTREACH,
            body=body,
            regency_id=place.district.regency_id,
            district_id=place.district_id,
            village=place,
            happened_on=day,
            at_risk=at_risk,
            created_by=actor,
        )
        record_change(
            actor=actor,
            action="tip.from_outreach",
            instance=tip,
            changed=["channel", "body", "village_id", "happened_on", "at_risk"],
        )
        report = CommunityReport.objects.create(
            id=pk,
            tip=tip,
            agency_id=actor.agency_id,
            group=group,
            activity=activity,
            named_with_consent=bool(named_with_consent),
            digest=sent,
            created_by=actor,
        )
        record_change(
            actor=actor,
            action="outreach.community_report_file",
            instance=report,
            changed=["tip_id", "group_id", "activity_id", "named_with_consent"],
        )
        return report

    with transaction.atomic():
        return r.create_once(
            CommunityReport, pk=pk, sent=sent, agency_id=actor.agency_id, make=make
        )[0]
