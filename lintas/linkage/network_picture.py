"""The network as a picture: positions, shapes, colours and labels for a server-drawn SVG.

The layout is NetworkX's spring layout with a fixed seed, so the same records give the same
picture. Everything is drawn with SVG presentation attributes (no inline style), which the
site's Content Security Policy allows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import networkx as nx  # type: ignore[import-untyped]

from lintas.linkage.network_queries import communities
from lintas.linkage.networks import EdgeKind, NodeKind

# Labels are centred under their node: the sides keep room for a phone number.
WIDTH, HEIGHT, MARGIN_X, MARGIN_Y = 960, 620, 90, 40
LAYOUT_SEED = 7
MAX_DRAWN = 150
# Okabe-Ito colours: told apart also by readers with colour-blindness.
PALETTE = ("#56B4E9", "#E69F00", "#009E73", "#CC79A7", "#0072B2", "#D55E00", "#F0E442", "#999999")
SUSPECT_STROKE = "#B00020"
# An edge's dash by its kind: solid for what a desk wrote down, dashed for an escort,
# dotted for what a case or a tip says.
DASH = {EdgeKind.ESCORT: "8 4", EdgeKind.CASE: "2 4", EdgeKind.TIP_PHONE: "2 4"}


@dataclass(frozen=True)
class Shape:
    """One node's mark: ``tag`` is circle, rect or polygon, with its attributes."""

    tag: str
    cx: float
    cy: float
    r: float
    points: str = ""
    x: float = 0
    y: float = 0
    w: float = 0
    h: float = 0


@dataclass
class DrawnNode:
    key: str
    kind: str
    label: str
    shape: Shape
    fill: str
    suspect: bool
    focus: bool
    href: str = ""
    title: str = ""


@dataclass
class DrawnEdge:
    number: int
    a: str
    b: str
    x1: float
    y1: float
    x2: float
    y2: float
    width: float
    dash: str
    title: str = ""


@dataclass
class Picture:
    width: int
    height: int
    nodes: list[DrawnNode] = field(default_factory=list)
    edges: list[DrawnEdge] = field(default_factory=list)
    community_of: dict[str, int] = field(default_factory=dict)
    left_out: int = 0


def _polygon(cx: float, cy: float, r: float, corners: int, turn: float) -> str:
    return " ".join(
        f"{cx + r * math.cos(turn + 2 * math.pi * i / corners):.1f},"
        f"{cy + r * math.sin(turn + 2 * math.pi * i / corners):.1f}"
        for i in range(corners)
    )


def shape_for(kind: str, cx: float, cy: float, r: float) -> Shape:
    """Person a circle, phone a square, recruiter a triangle, employer a diamond,
    placement agency a hexagon, tip a wide rectangle."""
    if kind == NodeKind.PERSON:
        return Shape("circle", cx, cy, r)
    if kind == NodeKind.PHONE:
        return Shape("rect", cx, cy, r, x=cx - r, y=cy - r, w=2 * r, h=2 * r)
    if kind == NodeKind.TIP:
        return Shape("rect", cx, cy, r, x=cx - 1.3 * r, y=cy - 0.8 * r, w=2.6 * r, h=1.6 * r)
    corners, turn = {
        NodeKind.RECRUITER: (3, -math.pi / 2),
        NodeKind.EMPLOYER: (4, 0.0),
        NodeKind.AGENCY: (6, 0.0),
    }[kind]
    return Shape("polygon", cx, cy, r, points=_polygon(cx, cy, r * 1.25, corners, turn))


def drawn_part(graph: nx.Graph, focus: str | None = None) -> tuple[nx.Graph, int]:
    """What fits one picture: all of it, or its ``MAX_DRAWN`` best-connected nodes
    (the focus first); returns the part and how many nodes were left out."""
    if graph.number_of_nodes() <= MAX_DRAWN:
        return graph, 0
    ranked = sorted(graph, key=lambda n: (n != focus, -graph.degree(n), n))[:MAX_DRAWN]
    return graph.subgraph(ranked).copy(), graph.number_of_nodes() - MAX_DRAWN


def picture_of(
    graph: nx.Graph, *, focus: str | None = None, community_of: dict[str, int] | None = None
) -> Picture:
    """Positions and marks of every node and edge of ``graph`` (at most ``MAX_DRAWN`` nodes).

    Nodes are coloured by ``community_of`` (the whole network's communities, numbered from
    0), or by the communities of the part drawn when none is given.
    """
    part, left_out = drawn_part(graph, focus)
    picture = Picture(WIDTH, HEIGHT, left_out=left_out)
    if part.number_of_nodes() == 0:
        return picture
    if community_of is None:
        community_of = {m: n for n, group in enumerate(communities(part)) for m in group}
    picture.community_of = {node: community_of.get(node, 0) for node in part}
    n = part.number_of_nodes()
    positions = nx.spring_layout(
        part, seed=LAYOUT_SEED, k=1.8 / math.sqrt(n), iterations=200, weight=None
    )
    xs = [p[0] for p in positions.values()]
    ys = [p[1] for p in positions.values()]
    span_x = (max(xs) - min(xs)) or 1.0
    span_y = (max(ys) - min(ys)) or 1.0

    def place(node: str) -> tuple[float, float]:
        x, y = positions[node]
        return (
            round(float(MARGIN_X + (x - min(xs)) / span_x * (WIDTH - 2 * MARGIN_X)), 1),
            round(float(MARGIN_Y + (y - min(ys)) / span_y * (HEIGHT - 2 * MARGIN_Y - 14)), 1),
        )

    if n == 1:
        place = lambda node: (WIDTH / 2, HEIGHT / 2)  # noqa: E731
    order = sorted(part, key=lambda node: (picture.community_of[node], -part.degree(node), node))
    for node in order:
        data = part.nodes[node]["data"]
        cx, cy = place(node)
        r = min(10 + 4 * math.sqrt(max(part.degree(node) - 1, 0)), 30)
        picture.nodes.append(
            DrawnNode(
                key=node,
                kind=data.kind,
                label=data.label,
                shape=shape_for(data.kind, cx, cy, r),
                fill=PALETTE[picture.community_of[node] % len(PALETTE)],
                suspect=data.suspect,
                focus=node == focus,
            )
        )
    edges = sorted(part.edges(data=True), key=lambda e: (min(e[0], e[1]), max(e[0], e[1])))
    for number, (u, v, attrs) in enumerate(edges, start=1):
        a, b = (u, v) if u < v else (v, u)
        (x1, y1), (x2, y2) = place(a), place(b)
        kinds = attrs["kinds"]
        picture.edges.append(
            DrawnEdge(
                number=number,
                a=a,
                b=b,
                x1=x1,
                y1=y1,
                x2=x2,
                y2=y2,
                width=round(min(1.5 + attrs["weight"], 7), 1),
                dash=next((DASH[k] for k in kinds if k in DASH), ""),
            )
        )
    return picture
