"""Figures stated in the domain study, and the dated releases of the public statistics."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from lintas.places.models import Regency


class CasesPerYear(models.Model):
    """Human trafficking (TPPO) cases in the province by year, as the study states them."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    cases = models.PositiveIntegerField()
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["year"]

    def __str__(self) -> str:
        return f"{self.year}: {self.cases}"


class RegencyPovertyRate(models.Model):
    """Share of a regency's population under the poverty line in a year (BPS)."""

    regency = models.ForeignKey(Regency, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    rate_pct = models.DecimalField(max_digits=5, decimal_places=2)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-rate_pct"]
        constraints = [
            models.UniqueConstraint(fields=["regency", "year"], name="poverty_regency_year_unique")
        ]

    def __str__(self) -> str:
        return f"{self.regency_id} {self.year}: {self.rate_pct}%"


class PublicRelease(models.Model):
    """One dated release of the public statistics, exactly as the portal shows it.

    Figures are computed once per release (``insights.public_stats``), never per visitor.
    ``payload`` is the published document (``lintas stats public --out`` writes it as is);
    counts hidden by the small-count rule are not in it, only marked as hidden.
    """

    generated_at = models.DateTimeField()
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    threshold = models.PositiveSmallIntegerField()
    payload = models.JSONField()
    digest = models.CharField(max_length=64)

    class Meta:
        ordering = ["-generated_at", "-id"]
        get_latest_by = ["generated_at", "id"]

    def __str__(self) -> str:
        return f"public statistics {self.generated_at:%Y-%m-%d %H:%M}"
