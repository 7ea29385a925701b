"""Records of the public portal: the placement-agency list and the tip intake keys.

None of these is a ``LintasModel``: they stay on the node that serves the portal (the hub)
and never enter the outbox. The agency list is reference data re-imported from its
official source; intake keys are short-lived idempotency records.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AgencyStatus(models.TextChoices):
    LICENSED = "licensed", _("Licensed")
    SUSPENDED = "suspended", _("Licence suspended")
    REVOKED = "revoked", _("Licence revoked")


class PlacementAgencyImport(models.Model):
    """One import of the list of placement agencies (P3MI): where it came from and when."""

    imported_at = models.DateTimeField()
    source = models.CharField(max_length=200)
    source_date = models.DateField()
    is_demo = models.BooleanField()
    imported = models.PositiveIntegerField()
    rejected = models.PositiveIntegerField()
    file_sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return f"{self.source} {self.source_date} ({self.imported})"


class PlacementAgency(models.Model):
    """A placement agency (P3MI) as the imported list states it; the latest import only."""

    name = models.CharField(max_length=200)
    licence_number = models.CharField(max_length=60, unique=True)
    city = models.CharField(max_length=100, blank=True)
    province = models.CharField(max_length=100, blank=True)
    status = models.CharField(max_length=10, choices=AgencyStatus.choices)
    source = models.CharField(max_length=200)
    source_date = models.DateField()
    is_demo = models.BooleanField()
    imported_at = models.DateTimeField()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "placement agencies"

    def __str__(self) -> str:
        return f"{self.name} ({self.licence_number})"


class IntakeKind(models.TextChoices):
    WEB = "web", "web"
    SMS = "sms", "sms"
    WHATSAPP = "whatsapp", "whatsapp"
    INFO = "info", "info"


class TipIntake(models.Model):
    """A form token or gateway message already turned into a tip (or added information).

    ``key`` is an HMAC of the one-time form token or of the gateway's message, never the
    token or message itself. A second delivery of the same key finds the first result
    instead of writing again. Rows are pruned after ``tips.INTAKE_KEEP_DAYS``.
    """

    key = models.CharField(max_length=64, unique=True)
    kind = models.CharField(max_length=8, choices=IntakeKind.choices)
    tip = models.ForeignKey("cases.Tip", on_delete=models.PROTECT, related_name="+")
    message = models.ForeignKey(
        "cases.TipMessage", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.kind} {self.created_at:%Y-%m-%d}"
