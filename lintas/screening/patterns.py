"""Pattern rules over the crossing history, beyond what one crossing shows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db.models import Q

from lintas.crossings.models import Crossing, Direction, Purpose
from lintas.linkage.linked import person_keys, same_person_travellers
from lintas.screening.facts import age_on

WINDOW_DAYS = 90
ESCORT_THRESHOLD = 3
SPONSOR_THRESHOLD = 3


@dataclass(frozen=True)
class PatternHit:
    code: str
    strength: str
    text_id: str
    text_en: str
    params: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.code,
            "strength": self.strength,
            "text_id": self.text_id,
            "text_en": self.text_en,
            "params": self.params,
        }


def _young_or_child(c: Crossing) -> bool:
    age = age_on(c.traveller.birth_date, c.crossed_at.date())
    return 0 <= age < 18 or (c.traveller.sex == "F" and 15 <= age <= 25)


def _name_tokens(name: str) -> set[str]:
    return {t for t in name.lower().replace(".", " ").split() if len(t) > 2}


def escort_pattern(crossing: Crossing, group_members: list[Crossing]) -> list[PatternHit]:
    """An adult of this group who crossed with 3 or more young women or children in 90 days."""
    if crossing.group_id is None:
        return []
    since = crossing.crossed_at - timedelta(days=WINDOW_DAYS)
    everyone = [crossing, *group_members]
    adults = [c for c in everyone if age_on(c.traveller.birth_date, c.crossed_at.date()) >= 18]
    hits = []
    for adult in adults:
        # At the hub, the adult's crossings at every post count, over confirmed links.
        selves = same_person_travellers(adult.traveller_id)
        groups = Crossing.objects.filter(
            traveller_id__in=selves, crossed_at__gte=since, group__isnull=False
        ).values_list("group_id", flat=True)
        companions = list(
            Crossing.objects.filter(group_id__in=list(groups))
            .exclude(traveller_id__in=selves)
            .select_related("traveller")
        )
        # Parents travelling with their own children are no pattern: companions who share
        # a family name with the adult are left out.
        family = _name_tokens(adult.traveller.surname)
        who = person_keys(c.traveller_id for c in companions)
        young = {
            who[str(c.traveller_id)]
            for c in companions
            if _young_or_child(c) and not (family & _name_tokens(c.traveller.surname))
        }
        if len(young) >= ESCORT_THRESHOLD:
            hits.append(
                PatternHit(
                    "PATTERN-ESCORT",
                    "strong",
                    f"{adult.traveller.full_name} melintas bersama {len(young)} perempuan muda "
                    f"atau anak berbeda dalam {WINDOW_DAYS} hari.",
                    f"{adult.traveller.full_name} crossed with {len(young)} different young women "
                    f"or children within {WINDOW_DAYS} days.",
                    {"escort_traveller_id": str(adult.traveller_id), "count": len(young)},
                )
            )
    return hits


def _normal_name(name: str) -> str:
    return " ".join(name.lower().replace(".", " ").split())


def sponsor_pattern(crossing: Crossing) -> list[PatternHit]:
    """One phone number or sponsor behind 3 or more outbound workers in 90 days."""
    if crossing.direction != Direction.OUTBOUND or crossing.purpose != Purpose.WORK:
        return []
    since = crossing.crossed_at - timedelta(days=WINDOW_DAYS)
    hits = []
    keys: list[tuple[str, Q, str]] = []
    if crossing.sponsor_phone:
        keys.append(("phone", Q(sponsor_phone=crossing.sponsor_phone), crossing.sponsor_phone))
    name = _normal_name(crossing.recruiter_name)
    if len(name) >= 4:
        keys.append(
            (
                "name",
                Q(recruiter_name__iexact=crossing.recruiter_name.strip()),
                crossing.recruiter_name.strip(),
            )
        )
    for kind, query, label in keys:
        travellers = set(
            Crossing.objects.filter(
                query,
                direction=Direction.OUTBOUND,
                purpose=Purpose.WORK,
                crossed_at__gte=since,
                deleted_at__isnull=True,
            ).values_list("traveller_id", flat=True)
        )
        travellers.add(crossing.traveller_id)
        # One worker seen at two posts, confirmed as one person, is one worker.
        workers = set(person_keys(travellers).values())
        if len(workers) >= SPONSOR_THRESHOLD:
            what_id = "nomor telepon" if kind == "phone" else "sponsor"
            what_en = "phone number" if kind == "phone" else "sponsor"
            hits.append(
                PatternHit(
                    f"PATTERN-SPONSOR-{kind.upper()}",
                    "medium",
                    f"Satu {what_id} ({label}) di balik {len(workers)} pekerja migran yang keluar "
                    f"dalam {WINDOW_DAYS} hari.",
                    f"One {what_en} ({label}) behind {len(workers)} outbound workers within "
                    f"{WINDOW_DAYS} days.",
                    {"kind": kind, "count": len(workers)},
                )
            )
    return hits
