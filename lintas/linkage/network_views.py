"""Pages of the network: the picture with its search, members and edges; the network alerts."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlencode

import networkx as nx  # type: ignore[import-untyped]
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from lintas.accounts.decorators import login_required, signed_in_user
from lintas.common.errors import NotFound
from lintas.common.pages import flashed
from lintas.linkage.network_alerts import network_alert_acknowledge, network_alerts_visible
from lintas.linkage.network_picture import PALETTE, SUSPECT_STROKE, Picture, picture_of, shape_for
from lintas.linkage.network_queries import (
    central_members,
    neighbourhood,
    network_current,
    nodes_matching,
)
from lintas.linkage.network_selectors import (
    NODE_KINDS,
    Reader,
    edge_kind_labels,
    evidence_rows,
    network_reader,
    node_flags,
    node_labels,
)
from lintas.linkage.networks import NodeKind

MAX_COMMUNITIES_LISTED = 20


def _int(raw: str, default: int) -> int:
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 6 else default


def _uuid(raw: str) -> uuid.UUID:
    try:
        return uuid.UUID(raw[:40])
    except ValueError:
        raise NotFound(_("No such alert.")) from None


def _legend() -> list[dict[str, Any]]:
    kinds = [
        NodeKind.PERSON,
        NodeKind.PHONE,
        NodeKind.RECRUITER,
        NodeKind.EMPLOYER,
        NodeKind.AGENCY,
        NodeKind.TIP,
    ]
    return [
        {"label": NODE_KINDS[k], "shape": shape_for(k, 20 + 155 * i, 20, 10), "tx": 38 + 155 * i}
        for i, k in enumerate(kinds)
    ]


def _node_href(key: str) -> str:
    return "?" + urlencode({"node": key})


def _shown(
    request: HttpRequest, reader: Reader, graph: nx.Graph, groups: list[frozenset[str]]
) -> tuple[nx.Graph, str | None, dict[str, Any]]:
    """The part of the network the page draws: a node's neighbourhood or one community."""
    context: dict[str, Any] = {"query": "", "matches": [], "community": None}
    if reader.named:
        query = request.GET.get("q", "")[:100].strip()
        focus = request.GET.get("node", "")[:200]
        context["query"] = query
        if query:
            context["matches"] = nodes_matching(graph, query)
            if not context["matches"]:
                context["nothing_found"] = True
            elif len(context["matches"]) == 1:
                focus = context["matches"][0]
        if focus and focus in graph:
            return neighbourhood(graph, focus, steps=2), focus, context
        if focus:
            context["nothing_found"] = True
    if not groups:
        return nx.Graph(), None, context
    number = min(_int(request.GET.get("community", "1"), 1), len(groups)) or 1
    context["community"] = number
    return graph.subgraph(groups[number - 1]).copy(), None, context


def _community_rows(
    graph: nx.Graph, groups: list[frozenset[str]], labels_of: dict[str, str]
) -> list[dict[str, Any]]:
    rows = []
    for number, members in enumerate(groups[:MAX_COMMUNITIES_LISTED], start=1):
        kinds: dict[str, int] = {}
        for m in members:
            kind = graph.nodes[m]["data"].kind
            kinds[kind] = kinds.get(kind, 0) + 1
        rows.append(
            {
                "number": number,
                "size": len(members),
                "kinds": ", ".join(f"{n} {NODE_KINDS[k]}" for k, n in sorted(kinds.items())),
                "colour": PALETTE[(number - 1) % len(PALETTE)],
            }
        )
    return rows


@login_required
@require_GET
def network(request: HttpRequest) -> HttpResponse:
    """The network picture: a person's or phone's two steps, or one community at a time."""
    user = signed_in_user(request)
    reader = network_reader(user=user)
    graph, groups = network_current()
    shown, focus, context = _shown(request, reader, graph, groups)
    community_of = {m: n for n, group in enumerate(groups) for m in group}
    picture: Picture = picture_of(shown, focus=focus, community_of=community_of)
    order = [n.key for n in picture.nodes]
    labels = node_labels(reader, graph, order)
    for drawn in picture.nodes:
        data = graph.nodes[drawn.key]["data"]
        drawn.label = labels[drawn.key]
        drawn.suspect = bool(node_flags(reader, data)) and data.suspect
        drawn.title = f"{NODE_KINDS[drawn.kind]}: {drawn.label}"
        if reader.named:
            drawn.href = _node_href(drawn.key)
    edge_rows = []
    for edge in picture.edges:
        attrs = graph.edges[edge.a, edge.b]
        kinds = edge_kind_labels(attrs["kinds"])
        edge.title = f"{labels[edge.a]} — {labels[edge.b]}: {kinds}"
        edge_rows.append(
            {
                "number": edge.number,
                "a": labels[edge.a],
                "b": labels[edge.b],
                "kinds": kinds,
                "records": evidence_rows(reader, attrs["evidence"]),
                "count": attrs["weight"],
            }
        )
    drawn_graph = shown.subgraph(order)
    central = [
        {
            "label": labels[c.node],
            "kind": NODE_KINDS[graph.nodes[c.node]["data"].kind],
            "flags": ", ".join(node_flags(reader, graph.nodes[c.node]["data"])),
            "betweenness": f"{c.betweenness:.2f}",
            "degree": c.degree,
            "href": _node_href(c.node) if reader.named else "",
        }
        for c in central_members(drawn_graph)
    ]
    matches = [
        {"label": labels.get(m) or graph.nodes[m]["data"].label, "href": _node_href(m)}
        for m in context["matches"]
    ]
    context.update(
        {
            "named": reader.named,
            "picture": picture,
            "legend": _legend(),
            "suspect_stroke": SUSPECT_STROKE,
            "palette": PALETTE,
            "central": central,
            "edge_rows": edge_rows,
            "matches": matches,
            "focus_label": labels.get(focus, "") if focus else "",
            "communities": _community_rows(graph, groups, labels),
            "community_total": len(groups),
            "node_total": graph.number_of_nodes(),
            "edge_total": graph.number_of_edges(),
        }
    )
    return render(request, "linkage/network.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def network_alerts(request: HttpRequest) -> HttpResponse:
    """Open network alerts first; POST acknowledges one (its id and version)."""
    user = signed_in_user(request)
    alerts = network_alerts_visible(user=user)
    if request.method == "POST":
        with flashed(request) as refused:
            network_alert_acknowledge(
                actor=user,
                alert_id=_uuid(request.POST.get("alert", "")),
                version=_int(request.POST.get("version", ""), 0),
            )
        if not refused:
            messages.success(request, _("Alert acknowledged."))
        return redirect("linkage:network_alerts")
    rows = list(alerts.select_related("acknowledged_by").order_by("status", "-raised_at")[:200])
    reader = network_reader(user=user)
    graph = network_current()[0] if rows else nx.Graph()
    ends = [n for a in rows for n in (a.suspect_node, a.other_node) if n in graph]
    labels = node_labels(reader, graph, dict.fromkeys(ends))
    items = [
        {
            "alert": a,
            "suspect": labels.get(a.suspect_node, _("no longer in the network")),
            "other": labels.get(a.other_node, _("no longer in the network")),
            "kinds": edge_kind_labels(a.edge_kinds),
            "href": _node_href(a.suspect_node) if a.suspect_node in graph else "",
        }
        for a in rows
    ]
    return render(request, "linkage/network_alerts.html", {"items": items})
