"""Alerts of the network: a new edge that joins a known suspect tells the investigators.

A pass compares the network with the records it has already seen behind its edges
(``NetworkEdgeSeen``). An edge all of whose records are new is a new edge; it raises an
alert when it joins a suspect (a case suspect, or an entry of a wanted-suspect or
known-recruiter watch list) to someone: a person, a tip, or a phone, name or agency that
already had other people behind it. The edge inside one case (its suspect and its victim)
raises nothing: the case's investigator knows it. Records already seen never raise again,
even when a later confirmation of a person moves the edge onto another node.
"""

from __future__ import annotations

import uuid
from typing import Any

import networkx as nx  # type: ignore[import-untyped]
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lintas.accounts.models import User
from lintas.accounts.roles import Capability
from lintas.audit.services import audit_append
from lintas.common.errors import Conflict, NotFound, PermissionDenied
from lintas.common.nodes import require_hub
from lintas.linkage.models import LinkageRun
from lintas.linkage.network_models import NetworkAlert, NetworkEdgeSeen
from lintas.linkage.networks import EdgeKind, NodeData, NodeKind, network_build
from lintas.screening.models import AlertStatus

_PEOPLE = (NodeKind.PERSON, NodeKind.TIP)


def _data(graph: nx.Graph, node: str) -> NodeData:
    data: NodeData = graph.nodes[node]["data"]
    return data


def _suspect_side(graph: nx.Graph, node: str, other: str) -> bool:
    """The node is a suspect, or a phone, name or agency a suspect (not ``other``) stands behind."""
    data = _data(graph, node)
    if data.kind == NodeKind.PERSON:
        return data.suspect
    if data.kind == NodeKind.TIP:
        return False
    return any(w != other and _data(graph, w).suspect for w in graph[node])


def _reaches_others(graph: nx.Graph, node: str, other: str, new: set[tuple[str, str]]) -> bool:
    """A person or tip, or a node that had an edge before this pass to someone but ``other``."""
    if _data(graph, node).kind in _PEOPLE:
        return True
    return any(w != other and _pair(node, w) not in new for w in graph[node])


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


def _alert_ends(
    graph: nx.Graph, u: str, v: str, new: set[tuple[str, str]]
) -> tuple[str, str] | None:
    if EdgeKind.CASE in graph.edges[u, v]["kinds"]:
        return None
    for a, b in ((u, v), (v, u)):
        if (
            _suspect_side(graph, a, b)
            and not _data(graph, b).suspect
            and _reaches_others(graph, b, a, new)
        ):
            return a, b
    return None


def _suspect_of(graph: nx.Graph, node: str, other: str) -> NodeData:
    data = _data(graph, node)
    if data.kind == NodeKind.PERSON:
        return data
    suspects = sorted(w for w in graph[node] if w != other and _data(graph, w).suspect)
    return _data(graph, suspects[0])


def _agency_of(suspect: NodeData) -> uuid.UUID | None:
    """The one agency whose case names the suspect; None (every investigator) otherwise."""
    if suspect.watch_suspect or len(suspect.suspect_agencies) != 1:
        return None
    return uuid.UUID(next(iter(suspect.suspect_agencies)))


def network_alerts_raise(*, run: LinkageRun | None = None) -> list[NetworkAlert]:
    """Raise an alert for each new edge that joins a known suspect; returns those raised.

    Called at the end of every linkage run (after confirmations, since they move edges),
    and safe to call at any time or twice at once: each record behind an edge is seen once
    (``NetworkEdgeSeen``), and each alert's edge key is unique.
    """
    graph = network_build()
    seen = set(NetworkEdgeSeen.objects.values_list("key", flat=True))
    new: set[tuple[str, str]] = set()
    unseen: list[str] = []
    for u, v, attrs in graph.edges(data=True):
        keys = [e.key for e in attrs["evidence"]]
        fresh = [k for k in keys if k not in seen]
        unseen.extend(fresh)
        if len(fresh) == len(keys):
            new.add(_pair(u, v))
    raised: list[NetworkAlert] = []
    with transaction.atomic():
        NetworkEdgeSeen.objects.bulk_create(
            [NetworkEdgeSeen(key=k) for k in unseen], ignore_conflicts=True, batch_size=2000
        )
        for u, v in sorted(new):
            ends = _alert_ends(graph, u, v, new)
            if ends is None:
                continue
            alert = _raise(graph, ends, graph.edges[u, v], run)
            if alert is not None:
                raised.append(alert)
    return raised


def _raise(
    graph: nx.Graph, ends: tuple[str, str], edge: dict[str, Any], run: LinkageRun | None
) -> NetworkAlert | None:
    suspect_node, other_node = ends
    keys = [e.key for e in edge["evidence"]]
    alert = NetworkAlert(
        edge_key=min(keys),
        edge_kinds=list(edge["kinds"]),
        evidence_keys=keys,
        suspect_node=suspect_node,
        other_node=other_node,
        agency_id=_agency_of(_suspect_of(graph, suspect_node, other_node)),
        run=run,
    )
    try:
        with transaction.atomic():
            alert.save(force_insert=True)
    except IntegrityError:
        return None  # another pass raised it at the same moment
    audit_append(
        actor=None,
        action="network_alert.raise",
        obj=alert,
        changed={"edge_key": alert.edge_key, "edge_kinds": alert.edge_kinds},
    )
    return alert


def network_alerts_visible(*, user: User) -> QuerySet[NetworkAlert]:
    """Alerts for investigators: watch-list suspects' for all, a case suspect's for its agency."""
    require_hub()
    if not user.can(Capability.VIEW_NETWORKS):
        raise PermissionDenied(_("You are not allowed to do this."))
    return NetworkAlert.objects.filter(Q(agency__isnull=True) | Q(agency_id=user.agency_id))


def network_alert_acknowledge(*, actor: User, alert_id: Any, version: int) -> NetworkAlert:
    """Take an open network alert: the acknowledgement says someone is acting on it."""
    with transaction.atomic():
        alert = network_alerts_visible(user=actor).select_for_update().filter(pk=alert_id).first()
        if alert is None:
            raise NotFound(_("No such alert."))
        if alert.status != AlertStatus.OPEN or alert.version != version:
            raise Conflict(_("This alert was already acknowledged."))
        alert.status = AlertStatus.ACKNOWLEDGED
        alert.acknowledged_by = actor
        alert.acknowledged_at = timezone.now()
        alert.version += 1
        alert.save(update_fields=["status", "acknowledged_by", "acknowledged_at", "version"])
        audit_append(
            actor=actor,
            action="network_alert.acknowledge",
            obj=alert,
            changed={"status": alert.status, "acknowledged_by_id": actor.pk},
        )
    return alert
