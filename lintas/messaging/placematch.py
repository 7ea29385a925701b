"""Where it happened, from what a reporter typed: regency, district or village by name.

The answer is matched against the province's reference areas with spelling tolerance
(``rapidfuzz``), ignoring words such as "Kabupaten", "Kec." or "Desa". A name that more
than one place carries (a village in two districts) gives the choices to pick from.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from lintas.places.models import District, Regency, Village

REGENCY_CUTOFF = 82
DISTRICT_CUTOFF = 85
VILLAGE_CUTOFF = 90
MAX_CHOICES = 3
_NOISE = re.compile(
    r"\b(kabupaten|kab|kota|kecamatan|kec|desa|kelurahan|kel|munisipiu|distritu|suku|"
    r"regency|district|village|di|iha|in)\b\.?"
)
_PARTS = re.compile(r"[,;/\n]+|\s+-\s+")


@dataclass(frozen=True)
class Place:
    regency: str  # codes; "" where not known
    district: str = ""
    village: str = ""
    label: str = ""


@dataclass(frozen=True)
class _Areas:
    regencies: dict[str, str]  # code -> normalised name
    districts: dict[str, tuple[str, str]]  # code -> (name, regency code)
    villages: dict[str, tuple[str, str]]  # code -> (name, district code)
    names: dict[str, str]  # code -> name as written
    district_names: dict[str, str]  # code -> normalised name
    village_names: dict[str, str]


def _normal(name: str) -> str:
    text = _NOISE.sub(" ", name.lower())
    return " ".join(re.sub(r"[^a-z0-9' ]", " ", text).split())


@functools.cache
def _areas() -> _Areas:
    names: dict[str, str] = {}
    regencies = {}
    for code, name in Regency.objects.values_list("code", "name"):
        regencies[code] = _normal(name)
        names[code] = name
    districts = {}
    for code, name, regency in District.objects.values_list("code", "name", "regency_id"):
        districts[code] = (_normal(name), regency)
        names[code] = name
    villages = {}
    for code, name, district in Village.objects.values_list("code", "name", "district_id"):
        villages[code] = (_normal(name), district)
        names[code] = name
    return _Areas(
        regencies,
        districts,
        villages,
        names,
        {c: n for c, (n, _r) in districts.items()},
        {c: n for c, (n, _d) in villages.items()},
    )


def areas_forget() -> None:
    """Drop the cached areas (after the reference data was loaded again)."""
    _areas.cache_clear()


def _best(query: str, choices: dict[str, str], cutoff: int) -> list[str]:
    """Codes whose name matches ``query`` best (every one with the top score)."""
    found = process.extract(query, choices, scorer=fuzz.ratio, score_cutoff=cutoff, limit=20)
    if not found:
        return []
    top = found[0][1]
    return [code for _name, score, code in found if score >= top - 0.5]


def _label(areas: _Areas, place: Place) -> str:
    parts = [areas.names[c] for c in (place.village, place.district) if c]
    regency = areas.names.get(place.regency, "").replace("Kabupaten ", "Kab. ")
    return ", ".join([*parts, regency]) if regency else ", ".join(parts)


def place_match(answer: str) -> list[Place]:
    """The places ``answer`` may mean: one if clear, several to choose from, none if unknown."""
    areas = _areas()
    pieces = [_normal(p) for p in _PARTS.split(answer or "") if _normal(p)]
    if not pieces or len(answer) > 300:
        return []
    regency = ""
    districts: list[str] = []
    villages: list[str] = []
    for piece in pieces:
        found = _best(piece, areas.regencies, REGENCY_CUTOFF)
        if found and not regency:
            regency = found[0]
            continue
        found = _best(piece, areas.district_names, DISTRICT_CUTOFF)
        if found and not districts:
            districts = found
            continue
        found = _best(piece, areas.village_names, VILLAGE_CUTOFF)
        if found and not villages:
            villages = found
    if regency:
        districts = [d for d in districts if areas.districts[d][1] == regency]
        villages = [v for v in villages if areas.districts[areas.villages[v][1]][1] == regency]
    if districts:
        villages = [v for v in villages if areas.villages[v][1] in districts]
    places: list[Place] = []
    if villages:
        for village in villages:
            district = areas.villages[village][1]
            places.append(
                Place(regency=areas.districts[district][1], district=district, village=village)
            )
    elif districts:
        places = [Place(regency=areas.districts[d][1], district=d) for d in districts]
    elif regency:
        places = [Place(regency=regency)]
    return [Place(p.regency, p.district, p.village, _label(areas, p)) for p in places[:MAX_CHOICES]]
