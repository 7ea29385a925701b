"""Tips, cases and the people in them, consent, referrals, survivor support and follow-up.

Names and contacts of victims, reporters and witnesses are encrypted at rest
(``EncryptedTextField``); places are kept at regency and district level where they feed
statistics. Picklists follow the Human Trafficking Case Data Standard 2.0 (``htcds``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lintas.common.crypto import EncryptedTextField
from lintas.common.models import LintasModel, LintasQuerySet
from lintas.places.models import District, Regency, Village


class TipChannel(models.TextChoices):
    WEB = "web", _("Public web form")
    SMS = "sms", _("SMS")
    WHATSAPP = "whatsapp", _("WhatsApp")
    DESK = "desk", _("Border post desk (second interview)")
    OUTREACH = "outreach", _("Outreach and support groups")


class TipStatus(models.TextChoices):
    NEW = "new", _("New")
    VERIFIED = "verified", _("Verified")
    MERGED = "merged", _("Merged into another tip")
    LINKED = "linked", _("Linked to a case")
    CLOSED = "closed", _("Closed")


class AtRisk(models.TextChoices):
    CHILD = "child", _("A child")
    WOMAN = "woman", _("A woman")
    MAN = "man", _("A man")
    GROUP = "group", _("Several people")
    UNKNOWN = "unknown", _("Not known")


class Tip(LintasModel):
    """A report from the public, a desk or outreach; triaged at the hub."""

    channel = models.CharField(max_length=10, choices=TipChannel.choices)
    body = EncryptedTextField()
    regency = models.ForeignKey(
        Regency, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    district = models.ForeignKey(
        District, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    village = models.ForeignKey(
        Village, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    happened_on = models.DateField(null=True, blank=True)
    at_risk = models.CharField(max_length=8, choices=AtRisk.choices, default=AtRisk.UNKNOWN)
    contact = EncryptedTextField(blank=True)
    contact_phone = EncryptedTextField(blank=True)
    contact_phone_masked = models.CharField(max_length=20, blank=True)
    receipt_hash = models.CharField(max_length=200, blank=True)
    language = models.CharField(max_length=5, default="id")
    status = models.CharField(max_length=10, choices=TipStatus.choices, default=TipStatus.NEW)
    close_reason = models.CharField(max_length=300, blank=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged"
    )
    case = models.ForeignKey(
        "Case", null=True, blank=True, on_delete=models.PROTECT, related_name="tips"
    )
    crossing = models.ForeignKey(
        "crossings.Crossing", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    objects = LintasQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["status", "created_at"], name="tip_status_idx")]

    def __str__(self) -> str:
        return f"{self.channel} {self.status} {self.pk}"


class TipMessage(LintasModel):
    """A message on a tip: the reporter adding information, or a reply they may read."""

    tip = models.ForeignKey(Tip, on_delete=models.PROTECT, related_name="messages")
    from_reporter = models.BooleanField()
    body = EncryptedTextField()

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.tip_id} {'reporter' if self.from_reporter else 'staff'}"


class CaseStatus(models.TextChoices):
    ACTIVE = "Active", _("Active")
    FOLLOW_UP = "FollowUp", _("Follow-up")
    CLOSED = "Closed", _("Closed")
    CLOSED_REFERRED = "ClosedReferred", _("Closed, referred")


class Case(LintasModel):
    """A trafficking case, owned by one agency, shared with others only by referral."""

    reference = models.CharField(max_length=20, unique=True)
    status = models.CharField(max_length=16, choices=CaseStatus.choices, default=CaseStatus.ACTIVE)
    reason_for_closure = models.CharField(max_length=500, blank=True)
    owner_agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="owned_cases"
    )
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    summary = EncryptedTextField(blank=True)
    regency = models.ForeignKey(
        Regency, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    objects = LintasQuerySet.as_manager()

    def __str__(self) -> str:
        return self.reference


class PersonRole(models.TextChoices):
    VICTIM = "victim", _("Victim")
    SUSPECT = "suspect", _("Suspect")
    WITNESS = "witness", _("Witness")
    REPORTER = "reporter", _("Reporter")


class CasePerson(LintasModel):
    """A person in a case. Identity fields are encrypted; context fields use HTCDS values."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="persons")
    role = models.CharField(max_length=8, choices=PersonRole.choices)
    first_name = EncryptedTextField(blank=True)
    second_name = EncryptedTextField(blank=True)
    birth_date = EncryptedTextField(blank=True)
    identity_number = EncryptedTextField(blank=True)
    phone = EncryptedTextField(blank=True)
    address = EncryptedTextField(blank=True)
    gender = models.CharField(max_length=24, blank=True)
    birth_year = models.PositiveSmallIntegerField(null=True, blank=True)
    citizenship = models.CharField(max_length=3, blank=True)
    residence_regency = models.ForeignKey(
        Regency, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    residence_district = models.ForeignKey(
        District, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    traveller = models.ForeignKey(
        "crossings.Traveller", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Victim context (vic_)
    trafficking_status = models.CharField(max_length=30, blank=True)
    age_when_trafficked = models.PositiveSmallIntegerField(null=True, blank=True)
    recruitment_methods = models.JSONField(default=list, blank=True)
    methods_of_control = models.JSONField(default=list, blank=True)
    exploitation_types = models.JSONField(default=list, blank=True)
    vulnerabilities = models.JSONField(default=list, blank=True)
    # Perpetrator context (per_)
    roles_in_process = models.JSONField(default=list, blank=True)

    objects = LintasQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.case_id} {self.role}"


class EventType(models.TextChoices):
    RECRUITMENT = "Recruitment", _("Recruitment")
    TRANSIT = "Transit", _("Transit")
    EXPLOITATION = "Exploitation", _("Exploitation")


class CaseEvent(LintasModel):
    """A historic trafficking event: recruitment, transit or exploitation, with date and place."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    type = models.CharField(max_length=12, choices=EventType.choices)
    date = models.DateField(null=True, blank=True)
    country = models.CharField(max_length=3, blank=True)
    regency = models.ForeignKey(
        Regency, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    district = models.ForeignKey(
        District, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    city = models.CharField(max_length=100, blank=True)
    description = EncryptedTextField(blank=True)

    class Meta:
        ordering = ["date", "created_at"]

    def __str__(self) -> str:
        return f"{self.type} {self.date}"


class ConsentKind(models.TextChoices):
    MANAGE_DATA = "manage_data", _("To manage personal data")
    RECEIVE_SERVICES = "receive_services", _("To receive services")
    DISCLOSE = "disclose", _("To disclose to a named agency")
    RE_TRAFFICKING_WATCH = "watch", _("To be on the re-trafficking watch")


class Consent(LintasModel):
    """A survivor's consent, given and possibly withdrawn; never edited in place."""

    person = models.ForeignKey(CasePerson, on_delete=models.PROTECT, related_name="consents")
    kind = models.CharField(max_length=16, choices=ConsentKind.choices)
    agency = models.ForeignKey(
        "accounts.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    method = models.CharField(
        max_length=10, choices=[("written", _("Written")), ("verbal", _("Verbal, witnessed"))]
    )
    given_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)

    objects = LintasQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.person_id} {self.kind}"


class ReferralStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    COMPLETED = "completed", _("Completed")
    REVOKED = "revoked", _("Revoked")


class Referral(LintasModel):
    """A case referred to another agency, which sees it only from here, and only what is covered."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="referrals")
    from_agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="referrals_out"
    )
    to_agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="referrals_in"
    )
    status = models.CharField(
        max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.PENDING
    )
    reason = models.CharField(max_length=30)
    details = EncryptedTextField(blank=True)
    covers_identity = models.BooleanField(default=False)
    consent = models.ForeignKey(
        Consent, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    override_reason = models.CharField(max_length=500, blank=True)
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.CharField(max_length=500, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = LintasQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["case", "to_agency"],
                condition=models.Q(status__in=["pending", "accepted"]),
                name="referral_one_open_per_agency",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id} -> {self.to_agency_id} {self.status}"

    @property
    def turnaround_hours(self) -> float | None:
        """Hours from the referral to the receiving agency's decision."""
        if self.decided_at is None:
            return None
        return round((self.decided_at - self.created_at).total_seconds() / 3600, 1)


class ServiceType(models.TextChoices):
    SHELTER = "shelter", _("Shelter")
    MEDICAL = "medical", _("Medical care")
    PSYCHOSOCIAL = "psychosocial", _("Psychosocial support")
    LEGAL_AID = "legal_aid", _("Legal aid")
    RETURN_HOME = "return_home", _("Return home")
    SKILLS = "skills", _("Skills training")
    ECONOMIC = "economic", _("Economic reintegration")


class ServiceStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class SupportService(LintasModel):
    """One service of a survivor's support plan: who provides it and how far it is."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="services")
    person = models.ForeignKey(CasePerson, on_delete=models.PROTECT, related_name="services")
    type = models.CharField(max_length=14, choices=ServiceType.choices)
    provider = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=12, choices=ServiceStatus.choices, default=ServiceStatus.PLANNED
    )
    note = EncryptedTextField(blank=True)
    version = models.PositiveIntegerField(default=1)

    def __str__(self) -> str:
        return f"{self.type} {self.status}"


class FollowUpOutcome(models.TextChoices):
    SAFE = "safe", _("Safe and supported")
    AT_RISK = "at_risk", _("At risk: approached by recruiters or in hardship")
    RE_RECRUITED = "re_recruited", _("Recruited again")
    UNREACHABLE = "unreachable", _("Could not be reached")


class FollowUp(LintasModel):
    """A follow-up visit, scheduled at 1, 3, 6 and 12 months by default."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="follow_ups")
    person = models.ForeignKey(CasePerson, on_delete=models.PROTECT, related_name="follow_ups")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    due_on = models.DateField()
    done_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=14, choices=FollowUpOutcome.choices, blank=True)
    note = EncryptedTextField(blank=True)

    objects = LintasQuerySet.as_manager()

    class Meta:
        ordering = ["due_on"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.due_on}"
