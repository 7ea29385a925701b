"""Referrals between agencies, gated by the survivor's consent or an audited override."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lintas.accounts.models import Agency, User
from lintas.accounts.roles import Capability
from lintas.audit.services import audit_append
from lintas.cases.models import Case, ConsentKind, PersonRole, Referral, ReferralStatus
from lintas.cases.selectors import referral_for_receiver
from lintas.cases.services import _owner_only, consent_in_force
from lintas.common.errors import Conflict, PermissionDenied, ValidationFailed
from lintas.common.nodes import require_hub
from lintas.common.text import clean_text
from lintas.journal import record_change

REASONS = ("AdditionalServicesRequired", "MigrationOrChangeOfLocation", "Other")


def referral_create(
    *,
    actor: User,
    case: Case,
    to_agency: Agency,
    reason: str,
    details: str = "",
    covers_identity: bool = True,
    override_reason: str = "",
) -> Referral:
    """Refer the case to another agency.

    Every victim in the case must have consented to disclosure to that agency; otherwise
    the referral is refused unless a supervisor overrides with a written reason, which is
    audited. One open referral per case and agency.
    """
    errors: dict[str, Any] = {}
    if reason not in REASONS:
        errors["reason"] = _("Choose a reason.")
    if to_agency.pk == actor.agency_id:
        errors["to_agency"] = _("Refer to another agency.")
    details = clean_text(details, field="details", max_length=2000, required=False)
    override_reason = clean_text(
        override_reason, field="override_reason", max_length=500, required=False
    )
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), field_errors=errors)
    with transaction.atomic():
        case = _owner_only(actor, case)
        victims = list(case.persons.filter(role=PersonRole.VICTIM, deleted_at__isnull=True))
        consents = [consent_in_force(v, ConsentKind.DISCLOSE, to_agency) for v in victims]
        consented = bool(victims) and all(consents)
        if not consented:
            if not override_reason:
                raise ValidationFailed(
                    _(
                        "No consent to disclose to %(agency)s is recorded for every victim. "
                        "Record the consent first, or a supervisor may override with a reason."
                    )
                    % {"agency": to_agency.name},
                    field_errors={"override_reason": _("Consent missing.")},
                    code="consent_required",
                )
            if not actor.can(Capability.OVERRIDE_CONSENT):
                raise PermissionDenied(_("Only a supervisor may refer without consent."))
        if Referral.objects.filter(
            case=case,
            to_agency=to_agency,
            status__in=[ReferralStatus.PENDING, ReferralStatus.ACCEPTED],
        ).exists():
            raise Conflict(
                _("This case is already referred to %(agency)s.") % {"agency": to_agency.name}
            )
        try:
            with transaction.atomic():
                referral = Referral.objects.create(
                    case=case,
                    from_agency=actor.agency,
                    to_agency=to_agency,
                    reason=reason,
                    details=details,
                    covers_identity=covers_identity,
                    created_by=actor,
                    consent=consents[0] if consented and consents else None,
                    override_reason="" if consented else override_reason,
                    override_by=None if consented else actor,
                )
        except IntegrityError as exc:
            raise Conflict(
                _("This case is already referred to %(agency)s.") % {"agency": to_agency.name}
            ) from exc
        record_change(
            actor=actor,
            action="referral.create",
            instance=referral,
            changed=["case_id", "to_agency_id", "reason", "covers_identity", "consent_id"],
        )
        if not consented:
            audit_append(
                actor=actor,
                action="referral.consent_override",
                obj=referral,
                changed={"override_reason": override_reason},
            )
    return referral


def _decide(actor: User, referral_id: UUID | str, allowed_from: tuple[str, ...]) -> Referral:
    require_hub()  # the receiving agency decides at the hub, never at a post node
    referral = referral_for_receiver(user=actor, referral_id=referral_id)
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.status not in allowed_from:
        raise Conflict(
            _("This referral is %(status)s already.") % {"status": referral.get_status_display()}
        )
    return referral


def _record(actor: User, referral: Referral, action: str, changed: list[str]) -> Referral:
    """Save a state change of ``referral``: a new version, audited and queued for sync."""
    referral.version += 1
    referral.updated_at = timezone.now()
    referral.save()
    record_change(actor=actor, action=action, instance=referral, changed=changed)
    return referral


def referral_accept(*, actor: User, referral_id: UUID | str) -> Referral:
    """The receiving agency takes the case on; it now sees what the referral covers."""
    with transaction.atomic():
        referral = _decide(actor, referral_id, (ReferralStatus.PENDING,))
        referral.status = ReferralStatus.ACCEPTED
        referral.decided_by, referral.decided_at = actor, timezone.now()
        _record(actor, referral, "referral.accept", ["status", "decided_by_id", "decided_at"])
    return referral


def referral_reject(*, actor: User, referral_id: UUID | str, reason: str) -> Referral:
    reason = clean_text(reason, field="rejection_reason", max_length=500)
    with transaction.atomic():
        referral = _decide(actor, referral_id, (ReferralStatus.PENDING,))
        referral.status = ReferralStatus.REJECTED
        referral.rejection_reason = reason
        referral.decided_by, referral.decided_at = actor, timezone.now()
        _record(actor, referral, "referral.reject", ["status", "rejection_reason"])
    return referral


def referral_complete(*, actor: User, referral_id: UUID | str) -> Referral:
    with transaction.atomic():
        referral = _decide(actor, referral_id, (ReferralStatus.ACCEPTED,))
        referral.status = ReferralStatus.COMPLETED
        referral.completed_at = timezone.now()
        _record(actor, referral, "referral.complete", ["status", "completed_at"])
    return referral


def referral_revoke(*, actor: User, referral: Referral, reason: str) -> Referral:
    """The referring agency takes a pending or accepted referral back."""
    reason = clean_text(reason, field="reason", max_length=500)
    with transaction.atomic():
        _owner_only(actor, referral.case)
        referral = Referral.objects.select_for_update().get(pk=referral.pk)
        if referral.status not in (ReferralStatus.PENDING, ReferralStatus.ACCEPTED):
            raise Conflict(
                _("This referral is %(status)s already.")
                % {"status": referral.get_status_display()}
            )
        referral.status = ReferralStatus.REVOKED
        referral.rejection_reason = reason
        _record(actor, referral, "referral.revoke", ["status", "rejection_reason"])
    return referral


def turnaround_hours(referral: Referral) -> float | None:
    """Hours from the referral to the receiving agency's decision."""
    return referral.turnaround_hours
