"""Questions put to the network: who is near a person or a phone, which groups, who holds them.

Communities are Louvain's (``networkx.community.louvain_communities``) with a fixed seed, so
that the same records give the same groups on every page. The central members are ranked by
betweenness: in a recruiting network the one who matters is the broker that many workers'
paths go through (the sponsor phone, the escort), which betweenness measures and degree does
not (a worker who crossed often has many edges but brokers nothing). Degree breaks ties.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import networkx as nx  # type: ignore[import-untyped]
from django.db.models import Count, Max

from lintas.cases.models import CasePerson, Tip
from lintas.common.phones import phone_e164
from lintas.crossings.models import Crossing
from lintas.linkage.models import PersonRecord
from lintas.linkage.networks import NodeKind, fold_text, network_build
from lintas.screening.models import WatchListEntry

COMMUNITY_SEED = 42
# Exact betweenness costs nodes x edges; past this size it is estimated from a fixed sample.
EXACT_BETWEENNESS_LIMIT = 2000
BETWEENNESS_SAMPLE = 500


def neighbourhood(graph: nx.Graph, node: str, *, steps: int = 2) -> nx.Graph:
    """The node and everything within ``steps`` edges of it (empty if the node is unknown)."""
    if node not in graph:
        return nx.Graph()
    return nx.ego_graph(graph, node, radius=steps)


def nodes_matching(graph: nx.Graph, text: str, *, limit: int = 20) -> list[str]:
    """Nodes whose phone is ``text`` (any written form) or whose name contains it."""
    text = (text or "").strip()
    phone = phone_e164(text)
    if phone is not None and f"phone:{phone}" in graph:
        return [f"phone:{phone}"]
    wanted = fold_text(text)
    if len(wanted) < 3:
        return []
    found = [
        key
        for key, attrs in graph.nodes(data=True)
        if attrs["data"].kind not in (NodeKind.TIP, NodeKind.PHONE)
        and wanted in fold_text(attrs["data"].label)
    ]
    found.sort(key=lambda key: (-graph.degree(key), graph.nodes[key]["data"].label, key))
    return found[:limit]


def communities(graph: nx.Graph) -> list[frozenset[str]]:
    """The graph's communities, largest first; ties in order of their smallest node key."""
    if graph.number_of_nodes() == 0:
        return []
    found = nx.community.louvain_communities(graph, weight="weight", seed=COMMUNITY_SEED)
    return sorted((frozenset(c) for c in found), key=lambda c: (-len(c), min(c)))


@dataclass(frozen=True)
class Central:
    node: str
    betweenness: float
    degree: int


def central_members(graph: nx.Graph, *, top: int = 5) -> list[Central]:
    """The ``top`` members that most paths go through; members with no edge are left out."""
    if graph.number_of_edges() == 0:
        return []
    if graph.number_of_nodes() > EXACT_BETWEENNESS_LIMIT:
        scores = nx.betweenness_centrality(graph, k=BETWEENNESS_SAMPLE, seed=COMMUNITY_SEED)
    else:
        scores = nx.betweenness_centrality(graph)
    ranked = sorted(
        (Central(n, round(scores[n], 4), graph.degree(n)) for n in graph if graph.degree(n) > 0),
        key=lambda c: (-c.betweenness, -c.degree, c.node),
    )
    return ranked[:top]


# The whole network and its communities take seconds to build at the province's scale, so a
# process keeps the last one while the records behind it stay the same: their counts and
# latest changes are compared on each read (five small queries), and a copy older than
# ``CURRENT_FOR_SECONDS`` is built again anyway (a synced record may carry an older time).
CURRENT_FOR_SECONDS = 300
_current: dict[str, tuple[float, tuple[object, ...], nx.Graph, list[frozenset[str]]]] = {}


def _fingerprint() -> tuple[object, ...]:
    stamps: list[object] = []
    for model in (Crossing, CasePerson, Tip, WatchListEntry):
        row = model.objects.aggregate(n=Count("pk"), at=Max("updated_at"))
        stamps += [row["n"], row["at"]]
    row = PersonRecord.objects.aggregate(
        n=Count("pk"), at=Max("confirmed_at"), undone=Max("undone_at")
    )
    return (*stamps, row["n"], row["at"], row["undone"])


def network_current() -> tuple[nx.Graph, list[frozenset[str]]]:
    """The whole network and its communities, built again only when its records changed.

    The graph returned is shared: callers read it and never change it.
    """
    stamp = _fingerprint()
    kept = _current.get("network")
    if kept is not None and kept[1] == stamp and time.monotonic() - kept[0] < CURRENT_FOR_SECONDS:
        return kept[2], kept[3]
    graph = network_build()
    groups = communities(graph)
    _current["network"] = (time.monotonic(), stamp, graph, groups)
    return graph, groups


def network_current_forget() -> None:
    """Forget the kept network (tests, and a run that wants the next read to be fresh)."""
    _current.clear()
