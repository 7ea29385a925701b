"""Figures stated in the domain study, shipped as reference data."""

from __future__ import annotations

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
