"""Questions put to the network: who is near a person or a phone, which groups, who holds them.

Communities are Louvain's (``networkx.community.louvain_communities``) with a fixed seed, so
that the same records give the same groups on every page. The central members are ranked by
betweenness: in a recruiting network the one who matters is the broker that many workers'
paths go through (the sponsor phone, the escort), which betweenness measures and degree does
not (a worker who crossed often has many edges but brokers nothing). Degree breaks ties.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx  # type: ignore[import-untyped]

from lintas.common.phones import phone_e164
from lintas.linkage.networks import NodeKind, fold_text

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
