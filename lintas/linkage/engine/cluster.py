"""Clusters of records from scored pairs, guarded against chains of weak links.

Connected components over the pairs at or above the threshold would let one doubtful
link join two large groups ("Maria Nahak" of Belu to "Maria Nahak" of Kupang through a
third record that resembles both). So links are taken strongest first, and a link that
would join two groups of several records each is taken only when the two groups are
also joined by enough other links above the threshold: at least half of the records of
the smaller group must have a link into the other. A cluster never grows past
``MAX_CLUSTER`` records; the weaker links that would grow it are left out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Final

from .records import ScoredPair

__all__ = ["MAX_CLUSTER", "PROPOSE_THRESHOLD", "cluster"]

#: Links at or above this probability are proposed to a reviewer.
PROPOSE_THRESHOLD: Final = 0.99
#: Most records one cluster may hold (a frequent crosser is seen many times, a
#: namesake crowd must not become one person).
MAX_CLUSTER: Final = 200


def cluster(pairs: Iterable[ScoredPair], ids: Iterable[str], *, threshold: float) -> dict[str, str]:
    """Map every id to a cluster id (the smallest id of its cluster).

    Ids that appear only in ``pairs`` are added; ids without links are their own cluster.
    """
    parent: dict[str, str] = {i: i for i in ids}
    members: dict[str, list[str]] = {}
    strong = sorted(
        (p for p in pairs if p.match_probability >= threshold),
        key=lambda p: (-p.match_weight, p.left_id, p.right_id),
    )
    links: dict[str, set[str]] = defaultdict(set)
    for p in strong:
        parent.setdefault(p.left_id, p.left_id)
        parent.setdefault(p.right_id, p.right_id)
        links[p.left_id].add(p.right_id)
        links[p.right_id].add(p.left_id)

    def find(x: str) -> str:
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    def group(root: str) -> list[str]:
        return members.get(root) or [root]

    for p in strong:
        a, b = find(p.left_id), find(p.right_id)
        if a == b:
            continue
        ga, gb = group(a), group(b)
        if len(ga) + len(gb) > MAX_CLUSTER:
            continue
        if len(ga) > 1 and len(gb) > 1:
            small, other = (ga, set(gb)) if len(ga) <= len(gb) else (gb, set(ga))
            joined = sum(1 for x in small if links[x] & other)
            if 2 * joined < len(small):
                continue
        root, child = (a, b) if a < b else (b, a)
        parent[child] = root
        members[root] = ga + gb if root == a else gb + ga
        members.pop(child, None)
    out: dict[str, str] = {}
    for i in parent:
        out[i] = find(i)
    # The cluster id is the smallest member id, whatever order the links came in.
    smallest: dict[str, str] = {}
    for i, root in out.items():
        if root not in smallest or i < smallest[root]:
            smallest[root] = i
    return {i: smallest[root] for i, root in out.items()}
