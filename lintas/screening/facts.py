"""The facts of a crossing that indicator rules read.

Each fact has a name, a type and a plain description; a rule set that names a fact not
listed here is refused on save. Observations are what the officer saw or heard at the
desk and ticked on the form.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.translation import gettext_lazy as _

from lintas.crossings.models import Crossing, Direction, Purpose

# Places on the routes traffickers use from NTT: through Kalimantan to Malaysia.
KALIMANTAN_MALAYSIA_ROUTE = (
    "kalimantan",
    "nunukan",
    "tarakan",
    "entikong",
    "pontianak",
    "batam",
    "tawau",
    "sabah",
    "sarawak",
    "malaysia",
    "kuala lumpur",
    "johor",
    "kinabalu",
)

OBSERVATIONS: dict[str, Any] = {
    "documents_held_by_other": _("Someone else holds the traveller's documents"),
    "does_not_know_destination": _("Does not know the employer or the address at destination"),
    "companion_answers": _("A companion answers for the traveller"),
    "fearful_or_coached": _("Fearful, coached or contradictory answers"),
    "signs_of_abuse": _("Signs of injury, abuse or exhaustion"),
    "paid_family": _("Money was given to the family to take the person (uang sirih pinang)"),
    "debt_to_recruiter": _("Owes money to the recruiter or sponsor"),
    "with_parent_or_guardian": _("A minor travelling with a parent or guardian"),
}


@dataclass(frozen=True)
class Fact:
    type: str  # "bool", "int", "str"
    description: Any


FACTS: dict[str, Fact] = {
    "direction": Fact("str", _("Direction: out or in")),
    "purpose": Fact("str", _("Purpose of the crossing")),
    "post": Fact("str", _("Code of the post")),
    "document_kind": Fact("str", _("Kind of document used")),
    "nationality": Fact("str", _("Nationality (3 letters)")),
    "sex": Fact("str", _("Sex: M, F or X")),
    "age": Fact("int", _("Age in years (-1 when unknown)")),
    "is_minor": Fact("bool", _("Under 18")),
    "is_young_woman": Fact("bool", _("A woman aged 15 to 25")),
    "outbound_worker": Fact("bool", _("Leaving Indonesia to work")),
    "has_placement_licence": Fact("bool", _("A placement agency licence number was declared")),
    "placement_licence": Fact(
        "str",
        _(
            "The declared licence against the agency lists: none, licensed, revoked, unknown "
            "(not in the register) or unchecked (no register on this node)"
        ),
    ),
    "recruiter_declared": Fact("bool", _("A recruiter or sponsor was named")),
    "route_kalimantan_malaysia": Fact("bool", _("Destination on the Kalimantan-Malaysia route")),
    "group_size": Fact("int", _("Travellers in the same group")),
    "group_young_women_or_children": Fact("int", _("Young women and children in the same group")),
    "market_day_visit": Fact("bool", _("Crossing for the border market")),
    "document_problems": Fact("bool", _("Document checks failed and were confirmed by hand")),
    "refused": Fact("bool", _("The officer refused entry or exit")),
    "refusal_reason": Fact(
        "str",
        _(
            "Why: expired_document, no_plb_for_post, suspected_trafficking, "
            "no_placement_papers or other ('' when not refused)"
        ),
    ),
    **{f"observed_{code}": Fact("bool", text) for code, text in OBSERVATIONS.items()},
}


def age_on(born: date | None, on: date) -> int:
    if born is None:
        return -1
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def crossing_facts(
    crossing: Crossing, *, group_members: list[Crossing], licence_status: str = "none"
) -> dict[str, Any]:
    """Every fact of ``crossing``; ``group_members`` are the other crossings of its group.

    ``licence_status`` is what the agency lists say of the declared licence
    (``screening.licences``).
    """
    traveller = crossing.traveller
    on = crossing.crossed_at.date()
    age = age_on(traveller.birth_date, on)
    destination = (crossing.destination or "").lower()
    observed = set(crossing.observations or [])
    young_or_child = 0
    for other in group_members:
        other_age = age_on(other.traveller.birth_date, on)
        if 0 <= other_age < 18 or (other.traveller.sex == "F" and 15 <= other_age <= 25):
            young_or_child += 1
    facts: dict[str, Any] = {
        "direction": crossing.direction,
        "purpose": crossing.purpose,
        "post": crossing.post_id,
        "document_kind": crossing.document.kind,
        "nationality": traveller.nationality,
        "sex": traveller.sex,
        "age": age,
        "is_minor": 0 <= age < 18,
        "is_young_woman": traveller.sex == "F" and 15 <= age <= 25,
        "outbound_worker": crossing.direction == Direction.OUTBOUND
        and crossing.purpose == Purpose.WORK,
        "has_placement_licence": bool(crossing.placement_agency_licence.strip()),
        "placement_licence": licence_status,
        "recruiter_declared": bool(crossing.recruiter_name.strip() or crossing.sponsor_phone),
        "route_kalimantan_malaysia": any(
            place in destination for place in KALIMANTAN_MALAYSIA_ROUTE
        ),
        "group_size": len(group_members) + 1 if crossing.group_id else 1,
        "group_young_women_or_children": young_or_child,
        "market_day_visit": crossing.purpose == Purpose.MARKET,
        "document_problems": bool(crossing.document_problems),
        "refused": crossing.outcome == "refused",
        "refusal_reason": crossing.refusal_reason,
    }
    for code in OBSERVATIONS:
        facts[f"observed_{code}"] = code in observed
    return facts
