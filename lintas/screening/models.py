"""Indicator rule sets, screening results, watch lists, alerts and second interviews."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lintas.common.models import LintasModel, LintasQuerySet
from lintas.crossings.models import Crossing
from lintas.places.models import Post


class Level(models.TextChoices):
    NONE = "none", _("None")
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


LEVEL_ORDER = {Level.NONE: 0, Level.LOW: 1, Level.MEDIUM: 2, Level.HIGH: 3}


class RuleSetStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    RETIRED = "retired", _("Retired")


class RuleSet(LintasModel):
    """A version of the indicator rules. Exactly one is active; versions are never edited."""

    version = models.PositiveIntegerField(unique=True)
    name = models.CharField(max_length=100)
    status = models.CharField(max_length=8, choices=RuleSetStatus.choices)
    indicators = models.JSONField()
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"v{self.version} {self.name}"


class ScreeningResult(LintasModel):
    """What screening found for one crossing: a level, the reasons and the next step."""

    crossing = models.OneToOneField(Crossing, on_delete=models.PROTECT, related_name="screening")
    ruleset_version = models.PositiveIntegerField()
    level = models.CharField(max_length=6, choices=Level.choices)
    reasons = models.JSONField(default=list)
    next_step = models.CharField(max_length=30)

    def __str__(self) -> str:
        return f"{self.crossing_id} {self.level}"


class WatchListKind(models.TextChoices):
    MISSING_PERSON = "missing_person", _("Missing persons")
    WANTED_SUSPECT = "wanted_suspect", _("Wanted suspects")
    KNOWN_RECRUITER = "known_recruiter", _("Known recruiters")
    REVOKED_AGENCY = "revoked_agency", _("Revoked placement agencies")
    LICENSED_AGENCY = "licensed_agency", _("Licensed placement agencies (P3MI register)")
    SURVIVOR = "survivor", _("Survivors under re-trafficking watch")


# Lists of agencies, by licence number: never matched against travellers' names.
AGENCY_LISTS = (WatchListKind.REVOKED_AGENCY, WatchListKind.LICENSED_AGENCY)


class WatchList(LintasModel):
    kind = models.CharField(max_length=16, choices=WatchListKind.choices)
    name = models.CharField(max_length=120)
    owner_agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="watch_lists"
    )

    objects = LintasQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


class WatchListEntry(LintasModel):
    """One person (or, on the revoked-agency list, one agency) to look out for."""

    watch_list = models.ForeignKey(WatchList, on_delete=models.PROTECT, related_name="entries")
    external_id = models.CharField(max_length=60, blank=True)
    full_name = models.CharField(max_length=150)
    birth_date = models.DateField(null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField(null=True, blank=True)
    sex = models.CharField(max_length=1, blank=True)
    nationality = models.CharField(max_length=3, blank=True)
    licence_number = models.CharField(max_length=60, blank=True)
    source = models.CharField(max_length=150)
    expires_on = models.DateField(null=True, blank=True)
    # Survivors only: the case worker told quietly on a match, and the recorded consent.
    case_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    consent_reference = models.CharField(max_length=100, blank=True)

    objects = LintasQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["watch_list", "external_id"],
                condition=~models.Q(external_id=""),
                name="watch_entry_external_id_unique",
            )
        ]

    def __str__(self) -> str:
        return self.full_name


class AlertKind(models.TextChoices):
    INDICATORS = "indicators", _("Trafficking indicators")
    WATCH_LIST = "watch_list", _("Watch-list match")
    PATTERN = "pattern", _("Pattern over crossings")


class AlertAudience(models.TextChoices):
    POST = "post", _("Post supervisors and the hub")
    CASE_WORKER = "case_worker", _("The survivor's case worker only")


class AlertStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    CLOSED = "closed", _("Closed")


class AlertOutcome(models.TextChoices):
    NO_CONCERN = "no_concern", _("No concern")
    SECOND_INTERVIEW = "second_interview", _("Second interview held")
    REFERRED_POLICE = "referred_police", _("Referred to police")
    REFERRED_PROTECTION = "referred_protection", _("Referred to protection services")
    REFERRED_IMMIGRATION = "referred_immigration", _("Referred to immigration")
    FALSE_MATCH = "false_match", _("Not the same person")


class Alert(LintasModel):
    kind = models.CharField(max_length=12, choices=AlertKind.choices)
    audience = models.CharField(max_length=12, choices=AlertAudience.choices)
    level = models.CharField(max_length=6, choices=Level.choices)
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    crossing = models.ForeignKey(
        Crossing, null=True, blank=True, on_delete=models.PROTECT, related_name="alerts"
    )
    watch_entry = models.ForeignKey(
        WatchListEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="alerts"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    summary = models.JSONField(default=dict)
    status = models.CharField(max_length=12, choices=AlertStatus.choices, default=AlertStatus.OPEN)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=AlertOutcome.choices, blank=True)
    outcome_note = models.CharField(max_length=500, blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = LintasQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["status", "post"], name="alert_status_post_idx")]

    def __str__(self) -> str:
        return f"{self.kind} {self.level} {self.status}"


class InterviewOutcome(models.TextChoices):
    NO_CONCERN = "no_concern", _("No concern")
    REFER_POLICE = "refer_police", _("Refer to police")
    REFER_PROTECTION = "refer_protection", _("Refer to protection services")
    REFER_IMMIGRATION = "refer_immigration", _("Refer to immigration")


class SecondInterview(LintasModel):
    """The short standard screening interview held away from the desk."""

    crossing = models.ForeignKey(Crossing, on_delete=models.PROTECT, related_name="interviews")
    alert = models.ForeignKey(
        Alert, null=True, blank=True, on_delete=models.PROTECT, related_name="interviews"
    )
    answers = models.JSONField()
    concern_count = models.PositiveSmallIntegerField()
    outcome = models.CharField(max_length=20, choices=InterviewOutcome.choices)
    note = models.CharField(max_length=1000, blank=True)

    def __str__(self) -> str:
        return f"{self.crossing_id} {self.outcome}"
