"""Outreach beyond the posts: activities, village support groups, community reports,
vulnerability indicators and quarterly plans.

People reached are counts, never names. A group's contact person is encrypted and shown
only to the group's parent agency. Every record carries the id its client made (a phone
queues records offline) and the digest of what was sent, so that a re-send changes nothing
and the same id with other content is a conflict a person sees.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lintas.common.crypto import EncryptedTextField
from lintas.common.models import LintasModel, LintasQuerySet
from lintas.places.models import District, Regency, Village


class ActivityKind(models.TextChoices):
    AWARENESS = "awareness", _("Awareness session")
    CHURCH = "church", _("Sermon or church activity")
    PRE_DEPARTURE = "pre_departure", _("Safe-migration or pre-departure training")
    SCHOOL = "school", _("School session")
    POST_VISIT = "post_visit", _("Village visit by a post")
    MARKET_DAY = "market_day", _("Market-day information")
    COOPERATIVE = "cooperative", _("Cooperative or money-management training")
    SKILLS = "skills", _("Skills training")
    OTHER = "other", _("Other")


class Audience(models.TextChoices):
    MIGRANTS = "migrants", _("Prospective migrant workers")
    WOMEN = "women", _("Women")
    YOUTH = "youth", _("Youth")
    PARENTS = "parents", _("Parents")
    CHILDREN = "children", _("School children")
    CONGREGATION = "congregation", _("Congregation")
    RETURNEES = "returnees", _("Returnees")


# People reached, by sex and age band: the field names of ``Activity`` and of the API.
REACHED_FIELDS: tuple[str, ...] = (
    "girls",  # female, under 18
    "boys",  # male, under 18
    "women",  # female, 18 and over
    "men",  # male, 18 and over
)


class Activity(LintasModel):
    """One outreach activity in a village, with the people it reached as counts."""

    kind = models.CharField(max_length=16, choices=ActivityKind.choices)
    held_on = models.DateField()
    village = models.ForeignKey(Village, on_delete=models.PROTECT, related_name="+")
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    regency = models.ForeignKey(Regency, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="outreach_activities"
    )
    partners = models.ManyToManyField("accounts.Agency", blank=True, related_name="+")
    audiences = models.JSONField(default=list, blank=True)
    girls = models.PositiveIntegerField(default=0)
    boys = models.PositiveIntegerField(default=0)
    women = models.PositiveIntegerField(default=0)
    men = models.PositiveIntegerField(default=0)
    people_reached = models.PositiveIntegerField(default=0)
    language = models.CharField(max_length=40, blank=True)
    materials = models.CharField(max_length=500, blank=True)
    concerns = models.TextField(blank=True)
    follow_up_requested = models.BooleanField(default=False)
    digest = models.CharField(max_length=64)

    objects = LintasQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on", "-created_at"]
        indexes = [
            models.Index(fields=["district", "held_on"], name="activity_district_idx"),
            models.Index(fields=["agency", "held_on"], name="activity_agency_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.held_on} {self.village_id}"


class GroupKind(models.TextChoices):
    MIGRANT_WORKERS = "migrant_workers", _("Migrant-worker support group")
    CHURCH = "church", _("Church committee")
    CHILD_PROTECTION = "child_protection", _("Village child-protection group")
    WOMEN = "women", _("Women's group")
    RETURNEES = "returnees", _("Returnee group")


# A group with no meeting in this many days is dormant.
DORMANT_AFTER_DAYS = 90


class SupportGroup(LintasModel):
    """A village group that its parent agency supports: a complaint and information point."""

    kind = models.CharField(max_length=20, choices=GroupKind.choices)
    name = models.CharField(max_length=150)
    village = models.ForeignKey(Village, on_delete=models.PROTECT, related_name="+")
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    regency = models.ForeignKey(Regency, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="support_groups"
    )
    contact_name = EncryptedTextField(blank=True)
    contact_phone = EncryptedTextField(blank=True)
    member_count = models.PositiveIntegerField(default=0)
    last_met_on = models.DateField(null=True, blank=True)
    digest = models.CharField(max_length=64)

    objects = LintasQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Meeting(LintasModel):
    """A meeting of a support group, with attendance as counts."""

    group = models.ForeignKey(SupportGroup, on_delete=models.PROTECT, related_name="meetings")
    held_on = models.DateField()
    women = models.PositiveIntegerField(default=0)
    men = models.PositiveIntegerField(default=0)
    note = models.TextField(blank=True)
    digest = models.CharField(max_length=64)

    objects = LintasQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on", "-created_at"]

    def __str__(self) -> str:
        return f"{self.group_id} {self.held_on}"


class CommunityReport(LintasModel):
    """What a group or an outreach worker heard, filed as a tip into the one triage queue."""

    tip = models.OneToOneField("cases.Tip", on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="community_reports"
    )
    group = models.ForeignKey(
        SupportGroup, null=True, blank=True, on_delete=models.PROTECT, related_name="reports"
    )
    activity = models.ForeignKey(
        Activity, null=True, blank=True, on_delete=models.PROTECT, related_name="reports"
    )
    named_with_consent = models.BooleanField(default=False)
    digest = models.CharField(max_length=64)

    objects = LintasQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.tip_id}"


class Indicator(LintasModel):
    """An official figure for one district in one year, with its source (imported by an analyst)."""

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    name = models.SlugField(max_length=60)
    year = models.PositiveSmallIntegerField()
    value = models.DecimalField(max_digits=12, decimal_places=3)
    source = models.CharField(max_length=200)

    objects = LintasQuerySet.as_manager()

    class Meta:
        ordering = ["district", "name", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "name", "year"], name="indicator_district_name_year_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.district_id} {self.name} {self.year}: {self.value}"


class Plan(LintasModel):
    """One agency's outreach plan for a quarter."""

    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    note = models.CharField(max_length=500, blank=True)
    digest = models.CharField(max_length=64)

    objects = LintasQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "year", "quarter"],
                condition=models.Q(deleted_at__isnull=True),
                name="plan_agency_quarter_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.year} Q{self.quarter}"


class PlanTarget(LintasModel):
    """A district the plan means to reach: how many activities, and who goes."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="targets")
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    activities_planned = models.PositiveIntegerField()
    who = models.CharField(max_length=200, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    digest = models.CharField(max_length=64)

    objects = LintasQuerySet.as_manager()

    class Meta:
        ordering = ["district"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "district"],
                condition=models.Q(deleted_at__isnull=True),
                name="plantarget_plan_district_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.plan_id} {self.district_id}"
