"""Linkage at the hub: which records are the same person, proposed by a model, decided by people.

Nothing here copies identity fields: a record is a key into its source table
(``source``, ``record_id``), read through that app when a permitted person looks. A
proposal is never a merge: confirming one groups records under a :class:`Person`, and
undoing it marks the grouping undone, so the history of every decision stays.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lintas.common.ids import uuid7
from lintas.places.models import Post


class RecordSource(models.TextChoices):
    TRAVELLER = "traveller", _("Traveller at a post")
    MARKET_VISIT = "market_visit", _("Market visitor")
    CASE_PERSON = "case_person", _("Person in a case")
    TIP = "tip", _("Person in a tip")
    WATCH_ENTRY = "watch_entry", _("Watch-list entry")
    OUTREACH_CONTACT = "outreach_contact", _("Outreach contact (consented)")


class LinkageModel(models.Model):
    """A trained linkage model, kept with its version so that every link names what made it."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    version = models.PositiveIntegerField(unique=True)
    backend = models.CharField(max_length=10)
    trained_at = models.DateTimeField(default=timezone.now)
    record_count = models.PositiveIntegerField()
    # The engine's own serialised model (comparisons, trained m and u probabilities).
    parameters = models.JSONField()

    class Meta:
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"v{self.version}"


class RunKind(models.TextChoices):
    FULL = "full", _("Full")
    INCREMENTAL = "incremental", _("New records only")


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class LinkageRun(models.Model):
    """One run of the linkage over the hub's records, with its progress."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    kind = models.CharField(max_length=12, choices=RunKind.choices)
    status = models.CharField(max_length=8, choices=RunStatus.choices, default=RunStatus.QUEUED)
    trigger = models.CharField(max_length=20)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    model = models.ForeignKey(
        LinkageModel, null=True, blank=True, on_delete=models.PROTECT, related_name="runs"
    )
    queued_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    stage = models.CharField(max_length=40, blank=True)
    done_steps = models.PositiveIntegerField(default=0)
    total_steps = models.PositiveIntegerField(default=0)
    record_count = models.PositiveIntegerField(default=0)
    pair_count = models.PositiveBigIntegerField(default=0)
    proposal_count = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-queued_at"]
        constraints = [
            # Requests coalesce: one waiting run of each kind at a time, and one full run
            # waiting or running (two requests at once make one run, whatever the timing).
            models.UniqueConstraint(
                fields=["kind"],
                condition=models.Q(status="queued"),
                name="linkage_run_one_queued_per_kind",
            ),
            models.UniqueConstraint(
                fields=["kind"],
                condition=models.Q(kind="full", status__in=["queued", "running"]),
                name="linkage_run_one_live_full",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.status} {self.queued_at:%Y-%m-%d %H:%M}"


class LinkRecord(models.Model):
    """One hub record as the linkage knows it: a key into its source, no identity copied."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    source = models.CharField(max_length=20, choices=RecordSource.choices)
    record_id = models.UUIDField()
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    first_run = models.ForeignKey(
        LinkageRun, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "record_id"], name="link_record_unique")
        ]

    def __str__(self) -> str:
        return f"{self.source}:{self.record_id}"


class ProposalStatus(models.TextChoices):
    PROPOSED = "proposed", _("Waiting for review")
    CONFIRMED = "confirmed", _("Confirmed")
    SPLIT = "split", _("Split")
    DECLINED = "declined", _("Not the same person")
    SUPERSEDED = "superseded", _("Replaced by a later run")


class LinkProposal(models.Model):
    """A cluster of records a run found likely to be one person, waiting for a person's decision."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    run = models.ForeignKey(LinkageRun, on_delete=models.PROTECT, related_name="proposals")
    status = models.CharField(
        max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.PROPOSED
    )
    records = models.ManyToManyField(LinkRecord, related_name="proposals")
    best_probability = models.FloatField()
    weakest_probability = models.FloatField()
    created_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        indexes = [models.Index(fields=["status", "created_at"], name="proposal_status_idx")]

    def __str__(self) -> str:
        return f"{self.status} {self.pk}"


class PairEvidence(models.Model):
    """Why two records of a proposal were linked: each comparison's level and weight."""

    proposal = models.ForeignKey(LinkProposal, on_delete=models.CASCADE, related_name="evidence")
    left = models.ForeignKey(LinkRecord, on_delete=models.PROTECT, related_name="+")
    right = models.ForeignKey(LinkRecord, on_delete=models.PROTECT, related_name="+")
    match_weight = models.FloatField()
    match_probability = models.FloatField()
    # [{"comparison": "name", "level": "...", "weight": 3.2}, ...] as the engine explains it
    comparisons = models.JSONField(default=list)

    def __str__(self) -> str:
        return f"{self.left_id}~{self.right_id} {self.match_probability:.3f}"


class Person(models.Model):
    """One person, as people confirmed it: the records that are theirs."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return str(self.pk)


class PersonRecord(models.Model):
    """A record confirmed to be a person's; undone, never deleted."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="records")
    record = models.ForeignKey(LinkRecord, on_delete=models.PROTECT, related_name="persons")
    proposal = models.ForeignKey(
        LinkProposal, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(default=timezone.now)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)
    undo_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            # A record belongs to at most one person at a time.
            models.UniqueConstraint(
                fields=["record"],
                condition=models.Q(undone_at__isnull=True),
                name="person_record_live_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.record_id}"


class LinkRefusal(models.Model):
    """Two records a reviewer said are not the same person: never proposed together again."""

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    left = models.ForeignKey(LinkRecord, on_delete=models.PROTECT, related_name="+")
    right = models.ForeignKey(LinkRecord, on_delete=models.PROTECT, related_name="+")
    proposal = models.ForeignKey(
        LinkProposal, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["left", "right"],
                condition=models.Q(undone_at__isnull=True),
                name="link_refusal_live_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.left_id}!={self.right_id}"


# The network's own records live next to the network code.
from lintas.linkage.network_models import NetworkAlert, NetworkEdgeSeen  # noqa: E402, F401
