"""The network as one reader may see it: names for investigators, opaque labels for analysts.

An investigator (``VIEW_NETWORKS``) sees names and phones, except the name of a person known
only from a case their agency may not read; every victim's name shown is written to the
access log. An analyst (``VIEW_NETWORK_STRUCTURE``) sees kinds and sizes only: "Orang 3",
"Telepon 1", numbered in the order of the picture, and no date, post or id of a record.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import networkx as nx  # type: ignore[import-untyped]
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lintas.accounts.models import User
from lintas.accounts.roles import Capability
from lintas.audit.services import access_log_append
from lintas.cases.models import Case, Referral
from lintas.cases.selectors import SHARED
from lintas.common.errors import PermissionDenied
from lintas.common.nodes import require_hub
from lintas.linkage.models import RecordSource
from lintas.linkage.networks import EdgeKind, Evidence, NodeData, NodeKind

NODE_KINDS = {
    NodeKind.PERSON: gettext_lazy("Person"),
    NodeKind.PHONE: gettext_lazy("Phone"),
    NodeKind.RECRUITER: gettext_lazy("Recruiter"),
    NodeKind.EMPLOYER: gettext_lazy("Employer"),
    NodeKind.AGENCY: gettext_lazy("Placement agency"),
    NodeKind.TIP: gettext_lazy("Tip"),
}
EDGE_KINDS = {
    EdgeKind.SPONSOR: gettext_lazy("Sponsor phone"),
    EdgeKind.RECRUITER: gettext_lazy("Recruiter named"),
    EdgeKind.EMPLOYER: gettext_lazy("Employer named"),
    EdgeKind.AGENCY: gettext_lazy("Placement agency licence"),
    EdgeKind.ESCORT: gettext_lazy("Escort of a group"),
    EdgeKind.CASE: gettext_lazy("Suspect and victim of one case"),
    EdgeKind.PHONE_OF: gettext_lazy("Suspect's phone"),
    EdgeKind.NAME_OF: gettext_lazy("Same name as a suspect"),
    EdgeKind.TIP_PHONE: gettext_lazy("Phone written in a tip"),
    EdgeKind.TIP_ABOUT: gettext_lazy("Tip about a crossing"),
}
SOURCES = {
    "crossing": gettext_lazy("crossing"),
    "case_person": gettext_lazy("case"),
    "tip": gettext_lazy("tip"),
    "watch_entry": gettext_lazy("watch list"),
}


@dataclass
class Reader:
    """Who reads the network and what of it they may see."""

    user: User
    named: bool
    identity_cases: set[str] = field(default_factory=set)
    visible_cases: set[str] = field(default_factory=set)
    logged: set[str] = field(default_factory=set)

    @property
    def can_open_tips(self) -> bool:
        return self.user.can(Capability.TRIAGE_TIPS)


def network_reader(*, user: User) -> Reader:
    """The reader's view of the network (two queries for an investigator's cases).

    Refused at a post node (the network is the hub's) and to roles with neither capability.
    """
    require_hub()
    if user.can(Capability.VIEW_NETWORKS):
        reader = Reader(user=user, named=True)
        if user.can(Capability.MANAGE_CASES):
            shared = Referral.objects.filter(to_agency_id=user.agency_id, status__in=SHARED)
            visible = Case.objects.filter(
                Q(owner_agency_id=user.agency_id) | Q(pk__in=shared.values("case_id")),
                deleted_at__isnull=True,
            )
            reader.visible_cases = {str(pk) for pk in visible.values_list("pk", flat=True)}
            reader.identity_cases = {
                str(pk)
                for pk in visible.filter(
                    Q(owner_agency_id=user.agency_id)
                    | Q(pk__in=shared.filter(covers_identity=True).values("case_id"))
                ).values_list("pk", flat=True)
            }
        return reader
    if user.can(Capability.VIEW_NETWORK_STRUCTURE):
        return Reader(user=user, named=False)
    raise PermissionDenied(_("You are not allowed to do this."))


def _case_ids(data: NodeData) -> set[str]:
    return data.suspect_cases | data.victim_cases


def _name_readable(reader: Reader, data: NodeData) -> bool:
    """A person's name is shown if a record the reader may read carries it."""
    sources = {source for source, _id in data.records}
    if sources & {RecordSource.TRAVELLER, RecordSource.WATCH_ENTRY}:
        return True
    return bool(_case_ids(data) & reader.identity_cases)


def node_labels(reader: Reader, graph: nx.Graph, order: Iterable[str]) -> dict[str, str]:
    """A label for each node in ``order``; opaque ones numbered per kind in that order.

    Every victim whose name is shown is written to the access log, once per reader pass.
    """
    counters: Counter[str] = Counter()
    labels: dict[str, str] = {}
    for key in order:
        data: NodeData = graph.nodes[key]["data"]
        if not reader.named:
            counters[data.kind] += 1
            labels[key] = f"{NODE_KINDS[data.kind]} {counters[data.kind]}"
        elif data.kind == NodeKind.TIP:
            labels[key] = _("Tip")
        elif data.kind != NodeKind.PERSON or _name_readable(reader, data):
            labels[key] = data.label or str(NODE_KINDS[data.kind])
            if data.victim_cases and key not in reader.logged:
                reader.logged.add(key)
                access_log_append(
                    actor=reader.user,
                    obj=("linkage.network_person", key),
                    purpose="victim_identity",
                )
        else:
            labels[key] = _("Person in a case of another agency")
    return labels


def node_flags(reader: Reader, data: NodeData) -> list[str]:
    """What an investigator is told of a person besides the name: suspect, victim."""
    if not reader.named:
        return []
    flags = []
    if data.watch_suspect or data.suspect_cases:
        flags.append(_("suspect"))
    if data.victim_cases & reader.visible_cases:
        flags.append(_("victim in a case"))
    return flags


@dataclass(frozen=True)
class RecordRow:
    text: str
    href: str = ""


def evidence_rows(reader: Reader, evidence: list[Evidence]) -> list[RecordRow]:
    """The records behind an edge: for investigators each with its date, post or case and a
    link where they may open it; for analysts only how many of each kind."""
    if not reader.named:
        counts = Counter(e.source for e in evidence)
        return [
            RecordRow(f"{n} {SOURCES.get(source, source)}") for source, n in sorted(counts.items())
        ]
    rows = []
    for e in evidence:
        on = e.on.isoformat() if e.on else ""
        if e.source == "crossing":
            rows.append(RecordRow(f"{_('Crossing')} · {on} · {e.post}"))
        elif e.source == "case_person":
            if e.case_id in reader.visible_cases:
                href = reverse("cases:case_detail", args=[e.case_id])
                rows.append(RecordRow(f"{_('Case')} {e.case_reference} · {on}", href))
            else:
                rows.append(RecordRow(_("A case of another agency")))
        elif e.source == "tip":
            href = reverse("cases:tip_detail", args=[e.record_id]) if reader.can_open_tips else ""
            rows.append(RecordRow(f"{_('Tip')} · {on}", href))
        else:
            rows.append(RecordRow(f"{_('Watch list')} · {on}"))
    return rows


def edge_kind_labels(kinds: Iterable[str]) -> str:
    return ", ".join(str(EDGE_KINDS[k]) for k in kinds)
