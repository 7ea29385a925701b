"""A printable map of the province's coverage, drawn as SVG from the shipped coordinates.

No map tiles (nodes are offline). The background is the province's 653 islands as dots at
their shipped coordinates. Districts have no coordinates of their own: each sits in a small
sunflower pattern around its regency's seat (``data/regency_seats.csv``), or around its own
small island (Semau, Pantar, Adonara, ...), so the map is a schematic of where, not a survey.
A district's circle is coloured by priority and its size follows the people reached.
"""

from __future__ import annotations

import csv
import functools
import math
from dataclasses import dataclass
from html import escape

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lintas.outreach.coverage import DATA, DistrictCoverage, island_of
from lintas.places.models import Island

# Province bounding box (degrees) with a margin: west, east, north, south.
WEST, EAST, NORTH, SOUTH = 118.8, 125.4, -7.9, -11.0
WIDTH = 1000
HEIGHT = round(WIDTH * (NORTH - SOUTH) / (EAST - WEST))
LEGEND_HEIGHT = 120
FULL = HEIGHT + LEGEND_HEIGHT
TITLE = gettext_lazy("Outreach coverage and priority by district")
LEGEND_TITLE = gettext_lazy("Priority of the district")
NO_POST = gettext_lazy("Dashed: no post or immigration office on the island")
BIGGER = gettext_lazy("Larger circle: more people reached in 12 months")
PRIORITY_COLOURS = ("#b2182b", "#ef8a62", "#fddbc7", "#d1e5f0", "#67a9cf")


@functools.cache
def regency_seats() -> dict[str, tuple[str, float, float]]:
    with (DATA / "regency_seats.csv").open(encoding="utf-8", newline="") as handle:
        return {
            row["regency_code"]: (row["seat"], float(row["latitude"]), float(row["longitude"]))
            for row in csv.DictReader(handle)
        }


def project(lat: float, lon: float) -> tuple[float, float]:
    x = (lon - WEST) / (EAST - WEST) * WIDTH
    y = (NORTH - lat) / (NORTH - SOUTH) * HEIGHT
    return round(x, 1), round(y, 1)


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    row: DistrictCoverage


def _anchors(islands: list[Island]) -> dict[str, tuple[float, float]]:
    """Island code -> (lat, lon) of the shipped small islands districts are placed on."""
    return {i.code: (float(i.latitude), float(i.longitude)) for i in islands}


def district_dots(rows: list[DistrictCoverage], islands: list[Island]) -> list[Dot]:
    """Each district placed around its anchor in a sunflower pattern (2.2 px apart·√i)."""
    anchors = _anchors(islands)
    seats = regency_seats()
    groups: dict[tuple[float, float], list[DistrictCoverage]] = {}
    for row in sorted(rows, key=lambda r: r.district_code):
        island = island_of(row.district_code, row.regency_code)
        own = island.places_island_code if island.districts else ""
        if own and own in anchors:
            lat, lon = anchors[own]
        else:
            _seat, lat, lon = seats[row.regency_code]
        groups.setdefault(project(lat, lon), []).append(row)
    dots = []
    golden = math.pi * (3 - math.sqrt(5))
    for (cx, cy), members in groups.items():
        for i, row in enumerate(members):
            radius = 8.5 * math.sqrt(i)
            dots.append(
                Dot(
                    round(cx + radius * math.cos(i * golden), 1),
                    round(cy + radius * math.sin(i * golden), 1),
                    row,
                )
            )
    return dots


def _band(rank: int, total: int) -> int:
    return min(len(PRIORITY_COLOURS) - 1, (rank - 1) * len(PRIORITY_COLOURS) // max(total, 1))


def _colour(rank: int, total: int) -> str:
    return PRIORITY_COLOURS[_band(rank, total)]


def coverage_svg(rows: list[DistrictCoverage], islands: list[Island]) -> str:
    """The whole map as one SVG document (title, islands, districts, seats, legend)."""
    total = len(rows)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {FULL}" '
        f'width="{WIDTH}" height="{FULL}" role="img" aria-labelledby="map-title" '
        'font-family="sans-serif">',
        f'<title id="map-title">{escape(str(TITLE))}</title>',
        f'<rect width="{WIDTH}" height="{FULL}" fill="#ffffff"/>',
        '<g fill="#c8c8c8">',
    ]
    for island in islands:
        x, y = project(float(island.latitude), float(island.longitude))
        size = 2.2 if island.is_populated else 1.2
        parts.append(f'<circle cx="{x}" cy="{y}" r="{size}"/>')
    parts.append("</g>")
    parts.append('<g stroke="#333" stroke-width="0.6">')
    for dot in district_dots(rows, islands):
        row = dot.row
        size = 3.5 + min(3.5, math.sqrt(row.people_reached_12m) / 6)
        label = f"{row.district} ({row.regency}): " + _(
            "priority %(rank)d, %(people)d people reached"
        ) % {"rank": row.priority_rank, "people": row.people_reached_12m}
        ring = ' stroke-dasharray="1.5 1.2"' if not row.island_has_post else ""
        parts.append(
            f'<circle cx="{dot.x}" cy="{dot.y}" r="{size:.1f}" '
            f'fill="{_colour(row.priority_rank, total)}"{ring} '
            f'data-district="{row.district_code}"><title>{escape(label)}</title></circle>'
        )
    parts.append("</g>")
    parts.append(
        '<g font-size="13" fill="#111" paint-order="stroke" stroke="#fff" stroke-width="3">'
    )
    for _code, (seat, lat, lon) in sorted(regency_seats().items()):
        x, y = project(lat, lon)
        parts.append(f'<text x="{x + 12}" y="{y - 10}">{escape(seat)}</text>')
    parts.append("</g>")
    parts.append(_legend(total))
    parts.append("</svg>")
    return "".join(parts)


def _legend(total: int) -> str:
    """The legend in a band under the map, in three columns (it never hides a district)."""
    names = (_("Highest priority"), _("High"), _("Middle"), _("Lower"), _("Lowest"))
    entries: list[tuple[str, str]] = []
    for band, (colour, name) in enumerate(zip(PRIORITY_COLOURS, names, strict=True)):
        ranks = [r for r in range(1, total + 1) if _band(r, total) == band]
        label = f"{name} ({_('rank')} {ranks[0]}-{ranks[-1]})" if ranks else name
        entries.append((f'<circle r="7" fill="{colour}" stroke="#333"/>', label))
    dashed = '<circle r="7" fill="#fff" stroke="#333" stroke-dasharray="1.5 1.2"/>'
    sizes = (
        '<circle r="3.5" fill="#fff" stroke="#333"/>'
        '<circle cx="14" r="7" fill="#fff" stroke="#333"/>'
    )
    entries += [(dashed, str(NO_POST)), (sizes, str(BIGGER))]
    top = HEIGHT + 10
    items = [
        f'<g font-size="14" fill="#111"><line x1="0" y1="{top}" x2="{WIDTH}" y2="{top}" '
        'stroke="#999"/>',
        f'<text x="20" y="{top + 24}" font-weight="bold">{escape(str(LEGEND_TITLE))}</text>',
    ]
    for i, (symbol, label) in enumerate(entries):
        # five colours in three columns, then the two wider notes on the last row
        x = 28 + (i % 3) * 330 if i < 5 else 28 + (i - 5) * 520
        y = top + 50 + (min(i, 5) // 3 + (1 if i >= 5 else 0)) * 24
        shift = 14 if symbol is sizes else 0
        items.append(
            f'<g transform="translate({x},{y - 5})">{symbol}</g>'
            f'<text x="{x + 26 + shift}" y="{y}">{escape(label)}</text>'
        )
    items.append("</g>")
    return "".join(items)
