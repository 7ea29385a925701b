"""Reads of the reference areas and posts (public reference data, open to every role)."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from lintas.places.models import District, Post, Regency, Village


def posts_list() -> QuerySet[Post]:
    """The border posts with their areas and entry points."""
    return Post.objects.select_related("regency", "district", "village").prefetch_related(
        "entry_points"
    )


def regencies_list() -> QuerySet[Regency]:
    """Regencies with their district and village counts."""
    return Regency.objects.annotate(
        district_count=Count("districts", distinct=True),
        village_count=Count("districts__villages", distinct=True),
    ).order_by("code")


def districts_of(*, regency_code: str) -> QuerySet[District]:
    return District.objects.filter(regency_id=regency_code).annotate(
        village_count=Count("villages")
    )


def villages_of(*, district_code: str) -> QuerySet[Village]:
    return Village.objects.filter(district_id=district_code)
