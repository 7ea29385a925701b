"""Reads for the public pages: posts and their border-pass policy, areas, placement agencies.

Everything here is public reference data; nothing needs a reader. The posts' internal
notes (smuggling, infrastructure) are never read here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet

from lintas.common.errors import NotFound
from lintas.crossings.models import PlbDestination, PlbDistrict, PlbDistrictStatus, PostPlbPolicy
from lintas.places.models import District, Post, Regency, Village
from lintas.portal.models import PlacementAgency, PlacementAgencyImport

SEARCH_MAX_RESULTS = 50
SEARCH_QUERY_MAX = 100


@dataclass(frozen=True)
class PostInfo:
    """A border post as the public sees it."""

    code: str
    name: str
    regency: str
    district: str
    village: str
    neighbour: str
    regency_capital: str
    distance_km: float | None
    entry_points: tuple[str, ...]
    accepts_plb: bool
    plb_refused_since: date | None
    has_border_market: bool


def _post_info(post: Post, policies: dict[str, PostPlbPolicy]) -> PostInfo:
    policy = policies.get(post.code)
    accepts = policy.accepts_plb if policy is not None else True
    return PostInfo(
        code=post.code,
        name=post.name,
        regency=post.regency.name,
        district=post.district.name,
        village=post.village.name,
        neighbour=post.neighbour,
        regency_capital=post.regency_capital,
        distance_km=float(post.distance_to_capital_km) if post.distance_to_capital_km else None,
        entry_points=tuple(e.name for e in post.entry_points.all()),
        accepts_plb=accepts,
        plb_refused_since=policy.since if policy is not None and not accepts else None,
        has_border_market=post.has_border_market,
    )


def _policies() -> dict[str, PostPlbPolicy]:
    return {p.post_id: p for p in PostPlbPolicy.objects.all()}


def posts_public() -> list[PostInfo]:
    """The border posts with entry points, border-pass policy and market."""
    posts = Post.objects.select_related("regency", "district", "village").prefetch_related(
        "entry_points"
    )
    policies = _policies()
    return [_post_info(p, policies) for p in posts.order_by("name")]


def post_public(*, code: str) -> PostInfo:
    """One border post; an unknown code is ``NotFound``."""
    post = (
        Post.objects.select_related("regency", "district", "village")
        .prefetch_related("entry_points")
        .filter(code=code)
        .first()
    )
    if post is None:
        raise NotFound("no such post")
    return _post_info(post, _policies())


@dataclass(frozen=True)
class PlbArea:
    name: str
    within: str


@dataclass(frozen=True)
class PlbRules:
    """Who may hold a border pass, where it is valid, and which posts refuse it."""

    districts: tuple[PlbArea, ...]
    destinations: tuple[PlbArea, ...]
    refusing_posts: tuple[PostInfo, ...]


def plb_rules_public() -> PlbRules:
    """The border-pass lists as an administrator keeps them (``crossings.plb``)."""
    districts = (
        PlbDistrict.objects.filter(status=PlbDistrictStatus.ELIGIBLE)
        .select_related("district", "district__regency")
        .order_by("district__regency__name", "district__name")
    )
    return PlbRules(
        districts=tuple(PlbArea(d.district.name, d.district.regency.name) for d in districts),
        destinations=tuple(PlbArea(d.name, d.municipality) for d in PlbDestination.objects.all()),
        refusing_posts=tuple(p for p in posts_public() if not p.accepts_plb),
    )


@dataclass(frozen=True)
class AreaChoices:
    """The lists of the tip form's place fields, each narrowed by the choice above it."""

    regencies: list[tuple[str, str]]
    districts: list[tuple[str, str]]
    villages: list[tuple[str, str]]
    regency: str
    district: str


def areas_for_form(*, regency: str = "", district: str = "") -> AreaChoices:
    """Regencies always; districts of the chosen regency; villages of the chosen district.

    A district that does not lie in the chosen regency is dropped (the reporter changed
    the regency), so the lists never contradict each other.
    """
    regencies = list(Regency.objects.order_by("name").values_list("code", "name"))
    known = {code for code, _name in regencies}
    regency = regency if regency in known else ""
    districts: list[tuple[str, str]] = []
    villages: list[tuple[str, str]] = []
    if regency:
        districts = list(
            District.objects.filter(regency_id=regency).order_by("name").values_list("code", "name")
        )
    if district not in {code for code, _name in districts}:
        district = ""
    if district:
        villages = list(
            Village.objects.filter(district_id=district)
            .order_by("name")
            .values_list("code", "name")
        )
    return AreaChoices(regencies, districts, villages, regency, district)


@dataclass(frozen=True)
class AgencySearch:
    """Results of a search of the imported placement-agency list, and where the list is from."""

    results: list[PlacementAgency]
    total: int
    query: str
    city: str
    cities: list[str]
    source: PlacementAgencyImport | None

    @property
    def searched(self) -> bool:
        return bool(self.query or self.city)


def placement_agency_list_info() -> PlacementAgencyImport | None:
    """The import that produced the current list: its source, the list's date, when."""
    return PlacementAgencyImport.objects.order_by("-imported_at").first()


def placement_agencies_search(*, query: str = "", city: str = "") -> AgencySearch:
    """Agencies whose name or licence number contains ``query``, in ``city`` if given.

    At most ``SEARCH_MAX_RESULTS`` rows, so that a page stays small on a slow link; the
    total says how many matched.
    """
    query = " ".join((query or "").split())[:SEARCH_QUERY_MAX]
    city = (city or "").strip()[:SEARCH_QUERY_MAX]
    cities = sorted(
        {c for c in PlacementAgency.objects.values_list("city", flat=True) if c}, key=str.lower
    )
    rows: QuerySet[PlacementAgency] = PlacementAgency.objects.none()
    if query or city:
        rows = PlacementAgency.objects.all()
        if query:
            rows = rows.filter(Q(name__icontains=query) | Q(licence_number__icontains=query))
        if city:
            rows = rows.filter(city__iexact=city)
    total = rows.count()
    return AgencySearch(
        results=list(rows.order_by("name")[:SEARCH_MAX_RESULTS]),
        total=total,
        query=query,
        city=city,
        cities=cities,
        source=placement_agency_list_info(),
    )
