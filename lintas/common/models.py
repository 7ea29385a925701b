"""The base of every record that travels between post nodes and the hub."""

from __future__ import annotations

from typing import Self

from django.conf import settings
from django.db import models
from django.utils import timezone

from lintas.common.ids import uuid7


def current_node() -> str:
    """The code of the node this process runs as (``hub`` or e.g. ``post-motaain``)."""
    return str(settings.LINTAS_NODE)


class LintasQuerySet[M: models.Model](models.QuerySet[M]):
    def live(self) -> Self:
        """Only records without a tombstone."""
        return self.filter(deleted_at__isnull=True)


class LintasModel(models.Model):
    """UUIDv7 id made where the record is created, its origin node, times and a tombstone.

    Synced rows are never deleted: ``deleted_at`` marks them gone, so that the deletion
    itself can travel to the other nodes.
    """

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    origin = models.CharField(max_length=40, default=current_node, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def is_tombstoned(self) -> bool:
        return self.deleted_at is not None
