"""What the network remembers: the records already seen behind its edges, and its alerts.

The network itself is computed from the records (``networks.network_build``); only these
two are stored, so that an alert is raised once for a new edge and never again for it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lintas.common.ids import uuid7
from lintas.screening.models import AlertStatus


class NetworkEdgeSeen(models.Model):
    """One record behind an edge (``networks.Evidence.key``) that an alert pass has seen."""

    key = models.CharField(max_length=400, unique=True)
    seen_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.key


class NetworkAlert(models.Model):
    """A new edge joined a known suspect: investigators are told, once per edge.

    Names are not copied here: the edge is found again in the network by the key of one of
    its records, and shown to each reader as that reader may see it.
    """

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    # The first record key of the new edge: unique, so that no edge raises twice.
    edge_key = models.CharField(max_length=400, unique=True)
    edge_kinds = models.JSONField(default=list)
    evidence_keys = models.JSONField(default=list)
    suspect_node = models.CharField(max_length=200)
    other_node = models.CharField(max_length=200)
    # The agency whose case names the suspect; empty for a watch-list suspect (everyone's).
    agency = models.ForeignKey(
        "accounts.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    run = models.ForeignKey(
        "linkage.LinkageRun", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=12, choices=AlertStatus.choices, default=AlertStatus.OPEN)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-raised_at"]
        indexes = [models.Index(fields=["status", "raised_at"], name="network_alert_status_idx")]
        verbose_name = _("network alert")

    def __str__(self) -> str:
        return f"{self.suspect_node}~{self.other_node} {self.status}"
