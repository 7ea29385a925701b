"""Administrative areas of the province, its islands, and the border posts.

Reference data is keyed by the official area code (Kemendagri), which every node
shares, so the code is the primary key rather than a UUID.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Province(models.Model):
    code = models.CharField(max_length=2, primary_key=True)
    name = models.CharField(max_length=100)

    def __str__(self) -> str:
        return self.name


class Regency(models.Model):
    """Kabupaten or kota."""

    code = models.CharField(max_length=5, primary_key=True)
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="regencies")
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "regencies"

    def __str__(self) -> str:
        return self.name


class District(models.Model):
    """Kecamatan."""

    code = models.CharField(max_length=8, primary_key=True)
    regency = models.ForeignKey(Regency, on_delete=models.PROTECT, related_name="districts")
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Village(models.Model):
    """Desa or kelurahan."""

    code = models.CharField(max_length=13, primary_key=True)
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="villages")
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Island(models.Model):
    code = models.CharField(max_length=11, primary_key=True)
    regency = models.ForeignKey(
        Regency, null=True, blank=True, on_delete=models.PROTECT, related_name="islands"
    )
    name = models.CharField(max_length=100)
    latitude = models.DecimalField(max_digits=9, decimal_places=6)
    longitude = models.DecimalField(max_digits=9, decimal_places=6)
    is_populated = models.BooleanField()
    is_outermost_small = models.BooleanField()

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Post(models.Model):
    """A state border post (PLBN) or an office that runs a post node."""

    code = models.SlugField(max_length=40, primary_key=True)
    name = models.CharField(max_length=100)
    regency = models.ForeignKey(Regency, on_delete=models.PROTECT, related_name="+")
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey(Village, on_delete=models.PROTECT, related_name="+")
    neighbour = models.CharField(max_length=100, help_text=_("Across the border"))
    area = models.CharField(max_length=40, blank=True)
    regency_capital = models.CharField(max_length=60, blank=True)
    distance_to_capital_km = models.DecimalField(max_digits=6, decimal_places=1, null=True)
    has_border_market = models.BooleanField(default=False)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class EntryPoint(models.Model):
    """A crossing point served by a post (Motaain has two: Motaain and Turiskain)."""

    post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="entry_points")
    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=100)
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["post", "position"]
        constraints = [
            models.UniqueConstraint(fields=["post", "name"], name="entrypoint_post_name_unique")
        ]

    def __str__(self) -> str:
        return f"{self.post.name}: {self.name}"
