"""The network of people, phones, recruiters, employers and placement agencies at the hub.

Built from what the records already say: a crossing's sponsor phone, recruiter, employer
and placement-agency licence, the escort of a group, the phones named in a tip, and the
suspects of a case with their phones and victims. Records that reviewers confirmed to be
one person (``PersonRecord``), and a case person recorded as a traveller, are one node;
nothing else is merged. Every edge keeps the records behind it.

The graph holds real names and phones: it is read through ``network_views`` for a user,
which decides what each reader may see of it.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import networkx as nx  # type: ignore[import-untyped]
from django.db.models import Q
from django.utils import timezone

from lintas.cases.models import CasePerson, PersonRole, Tip, TipStatus
from lintas.common.phones import phone_e164
from lintas.crossings.models import Crossing, Traveller
from lintas.linkage.models import PersonRecord, RecordSource
from lintas.screening.facts import age_on
from lintas.screening.licences import licence_key
from lintas.screening.matching.normalise import HONORIFICS, normalise_name
from lintas.screening.models import WatchListEntry, WatchListKind


class NodeKind:
    PERSON = "person"
    PHONE = "phone"
    RECRUITER = "recruiter"
    EMPLOYER = "employer"
    AGENCY = "agency"
    TIP = "tip"


class EdgeKind:
    SPONSOR = "sponsor"  # a traveller and the sponsor phone given at the desk
    RECRUITER = "recruiter"  # a traveller and the recruiter they named
    EMPLOYER = "employer"  # a traveller and the employer they named
    AGENCY = "agency"  # a traveller and the placement agency's licence
    ESCORT = "escort"  # an adult of a group and a young woman or child of it
    CASE = "case"  # a suspect and a victim of one case
    PHONE_OF = "phone_of"  # a case suspect and the phone recorded for them
    NAME_OF = "name_of"  # a recruiter named at a desk and a suspect of the same name
    TIP_PHONE = "tip_phone"  # a tip and a phone number written in it
    TIP_ABOUT = "tip_about"  # a tip and the traveller of the crossing it is about


# The watch lists whose entries are suspects in the network (survivors never are).
SUSPECT_LISTS = (WatchListKind.WANTED_SUSPECT, WatchListKind.KNOWN_RECRUITER)


@dataclass(frozen=True)
class Evidence:
    """One record behind an edge; ``key`` names it for ever (alerts are raised once per key)."""

    key: str
    source: str  # crossing, case_person, tip, watch_entry
    record_id: str
    on: date | None
    post: str = ""
    case_id: str = ""
    case_reference: str = ""


@dataclass
class NodeData:
    kind: str
    label: str
    records: set[tuple[str, str]] = field(default_factory=set)
    # Case suspects: the owner agencies of their cases; watch-list suspects: none needed.
    suspect_cases: set[str] = field(default_factory=set)
    suspect_agencies: set[str] = field(default_factory=set)
    watch_suspect: bool = False
    victim_cases: set[str] = field(default_factory=set)

    @property
    def suspect(self) -> bool:
        return self.watch_suspect or bool(self.suspect_cases)


def fold_text(text: str) -> str:
    """Lower case, no accents or punctuation, one space: ``PT. Sinar  Jaya`` = ``pt sinar jaya``."""
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode("ascii")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())


def recruiter_key(name: str) -> str:
    """A recruiter's name without case, accents, honorifics, titles: ``Pak Yosef`` = ``yosef``."""
    tokens = normalise_name(name or "").tokens
    if len(tokens) == 1 and tokens[0] in HONORIFICS:
        return ""  # "Pak" alone names nobody
    text = " ".join(tokens)
    return text if len(text) >= 3 else ""


_PHONE_IN_TEXT = re.compile(r"(?:\+|\b)(?:0|62|670)[\d\s().\-]{6,18}\d")


def phones_in_text(text: str) -> list[str]:
    """The phone numbers written in a free text, in E.164, each once, in order."""
    found: list[str] = []
    for match in _PHONE_IN_TEXT.finditer(text or ""):
        e164 = phone_e164(match.group(0))
        if e164 is not None and e164 not in found:
            found.append(e164)
    return found


class _Identity:
    """Which node a record belongs to: a confirmed person, or the record itself."""

    def __init__(self) -> None:
        self.person_of: dict[tuple[str, str], str] = {}
        self.same: dict[tuple[str, str], tuple[str, str]] = {}

    def node(self, source: str, record_id: str) -> str:
        own = (source, record_id)
        key = self.same.get(own, own)
        person = self.person_of.get(own) or self.person_of.get(key)
        if person is not None:
            return f"person:{person}"
        return f"{key[0]}:{key[1]}"


def _identity() -> _Identity:
    ident = _Identity()
    for source, record_id, person_id in PersonRecord.objects.filter(
        undone_at__isnull=True
    ).values_list("record__source", "record__record_id", "person_id"):
        ident.person_of[(source, str(record_id))] = str(person_id)
    return ident


def _young_or_child(born: date | None, sex: str, on: date) -> bool:
    age = age_on(born, on)
    return 0 <= age < 18 or (sex == "F" and 15 <= age <= 25)


def _family(surname: str) -> set[str]:
    return {t for t in fold_text(surname).split() if len(t) > 2}


class NetworkBuilder:
    """Collects nodes and edges; ``graph()`` gives the NetworkX graph."""

    def __init__(self, identity: _Identity) -> None:
        self.identity = identity
        self.nodes: dict[str, NodeData] = {}
        self.edges: dict[tuple[str, str], dict[str, Any]] = {}

    def node(self, key: str, kind: str, label: str) -> NodeData:
        data = self.nodes.get(key)
        if data is None:
            data = self.nodes[key] = NodeData(kind=kind, label=label)
        elif not data.label and label:
            data.label = label
        return data

    def person(self, source: str, record_id: str, label: str) -> tuple[str, NodeData]:
        key = self.identity.node(source, record_id)
        data = self.node(key, NodeKind.PERSON, label)
        # A traveller's name is the one read from a document: it wins over others.
        if source == RecordSource.TRAVELLER and label:
            data.label = label
        data.records.add((source, record_id))
        return key, data

    def edge(self, a: str, b: str, kind: str, evidence: Evidence) -> None:
        if a == b:
            return
        pair = (a, b) if a < b else (b, a)
        data = self.edges.setdefault(pair, {"kinds": set(), "evidence": {}})
        data["kinds"].add(kind)
        data["evidence"][evidence.key] = evidence

    def graph(self) -> nx.Graph:
        graph = nx.Graph()
        for key, node in self.nodes.items():
            graph.add_node(key, data=node)
        for (a, b), edge in self.edges.items():
            evidence = sorted(edge["evidence"].values(), key=lambda e: (e.on or date.min, e.key))
            graph.add_edge(
                a, b, kinds=sorted(edge["kinds"]), evidence=evidence, weight=len(evidence)
            )
        # A member of a group with no escort, or a suspect with nothing known around them,
        # joins nothing: the network leaves them out.
        graph.remove_nodes_from([n for n in list(graph) if graph.degree(n) == 0])
        return graph


def _add_crossings(builder: NetworkBuilder) -> None:
    rows: list[Mapping[str, Any]] = list(
        Crossing.objects.filter(deleted_at__isnull=True)
        .filter(
            ~Q(sponsor_phone="")
            | ~Q(recruiter_name="")
            | ~Q(employer_name="")
            | ~Q(placement_agency_licence="")
            | Q(group__isnull=False)
        )
        .values(
            "id",
            "traveller_id",
            "crossed_at",
            "post__name",
            "sponsor_phone",
            "recruiter_name",
            "employer_name",
            "placement_agency_licence",
            "group_id",
        )
    )
    travellers = {
        t["id"]: t
        for t in Traveller.objects.filter(id__in={r["traveller_id"] for r in rows}).values(
            "id", "given_names", "surname", "birth_date", "sex"
        )
    }
    groups: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        traveller = travellers[row["traveller_id"]]
        name = " ".join(p for p in (traveller["given_names"], traveller["surname"]) if p)
        who, _ = builder.person(RecordSource.TRAVELLER, str(row["traveller_id"]), name)
        on = row["crossed_at"].date()

        def evidence(
            kind: str, other: str, row: Mapping[str, Any] = row, on: date = on
        ) -> Evidence:
            return Evidence(
                key=f"{kind}|crossing:{row['id']}|{other}",
                source="crossing",
                record_id=str(row["id"]),
                on=on,
                post=row["post__name"],
            )

        phone = phone_e164(row["sponsor_phone"])
        if phone:
            builder.node(f"phone:{phone}", NodeKind.PHONE, phone)
            builder.edge(who, f"phone:{phone}", EdgeKind.SPONSOR, evidence("sponsor", phone))
        if recruiter := recruiter_key(row["recruiter_name"]):
            key = f"recruiter:{recruiter}"
            builder.node(key, NodeKind.RECRUITER, " ".join(row["recruiter_name"].split()))
            builder.edge(who, key, EdgeKind.RECRUITER, evidence("recruiter", key))
        if employer := fold_text(row["employer_name"]):
            key = f"employer:{employer}"
            builder.node(key, NodeKind.EMPLOYER, " ".join(row["employer_name"].split()))
            builder.edge(who, key, EdgeKind.EMPLOYER, evidence("employer", key))
        if licence := licence_key(row["placement_agency_licence"]):
            key = f"agency:{licence}"
            builder.node(key, NodeKind.AGENCY, licence)
            builder.edge(who, key, EdgeKind.AGENCY, evidence("agency", key))
        if row["group_id"] is not None:
            groups[row["group_id"]].append({**row, **traveller, "node": who, "on": on})
    for members in groups.values():
        _add_escorts(builder, members)


def _add_escorts(builder: NetworkBuilder, members: list[dict[str, Any]]) -> None:
    """An adult of the group, with each young woman or child of it who is not family."""
    young = [m for m in members if _young_or_child(m["birth_date"], m["sex"], m["on"])]
    adults = [m for m in members if age_on(m["birth_date"], m["on"]) >= 18 and m not in young]
    for adult in adults:
        family = _family(adult["surname"])
        for companion in young:
            if family & _family(companion["surname"]):
                continue
            builder.edge(
                adult["node"],
                companion["node"],
                EdgeKind.ESCORT,
                Evidence(
                    key=f"escort|crossing:{companion['id']}|traveller:{adult['traveller_id']}",
                    source="crossing",
                    record_id=str(companion["id"]),
                    on=companion["on"],
                    post=companion["post__name"],
                ),
            )


def _add_cases(builder: NetworkBuilder) -> None:
    suspect_cases = CasePerson.objects.filter(
        role=PersonRole.SUSPECT, deleted_at__isnull=True, case__deleted_at__isnull=True
    ).values("case_id")
    people: list[Mapping[str, Any]] = list(
        CasePerson.objects.filter(
            case_id__in=suspect_cases,
            role__in=(PersonRole.SUSPECT, PersonRole.VICTIM),
            deleted_at__isnull=True,
        )
        .order_by("created_at", "id")
        .values(
            "id",
            "role",
            "first_name",
            "second_name",
            "phone",
            "traveller_id",
            "case_id",
            "case__reference",
            "case__owner_agency_id",
            "case__created_at",
        )
    )
    by_case: dict[str, list[tuple[str, Mapping[str, Any]]]] = defaultdict(list)
    for p in people:
        source, record_id = RecordSource.CASE_PERSON, str(p["id"])
        if p["traveller_id"] is not None:
            # The case recorded this person as that traveller: one node.
            builder.identity.same[(source, record_id)] = (
                RecordSource.TRAVELLER,
                str(p["traveller_id"]),
            )
        name = " ".join(x for x in (p["first_name"], p["second_name"]) if x)
        key, data = builder.person(source, record_id, name)
        case_id = str(p["case_id"])
        if p["role"] == PersonRole.SUSPECT:
            data.suspect_cases.add(case_id)
            data.suspect_agencies.add(str(p["case__owner_agency_id"]))
        else:
            data.victim_cases.add(case_id)
        by_case[case_id].append((key, p))
        phone = phone_e164(p["phone"] or "")
        if phone and p["role"] == PersonRole.SUSPECT:
            builder.node(f"phone:{phone}", NodeKind.PHONE, phone)
            builder.edge(
                key, f"phone:{phone}", EdgeKind.PHONE_OF, _case_evidence("phone_of", p, phone)
            )
        if p["role"] == PersonRole.SUSPECT and (recruiter := recruiter_key(name)):
            _name_edge(builder, key, recruiter, _case_evidence("name_of", p, recruiter))
    for members in by_case.values():
        for s_key, s in members:
            if s["role"] != PersonRole.SUSPECT:
                continue
            for v_key, v in members:
                if v["role"] == PersonRole.VICTIM:
                    builder.edge(
                        s_key,
                        v_key,
                        EdgeKind.CASE,
                        _case_evidence("case", v, f"case_person:{s['id']}"),
                    )


def _case_evidence(kind: str, p: Mapping[str, Any], other: str) -> Evidence:
    return Evidence(
        key=f"{kind}|case_person:{p['id']}|{other}",
        source="case_person",
        record_id=str(p["id"]),
        on=p["case__created_at"].date(),
        case_id=str(p["case_id"]),
        case_reference=p["case__reference"],
    )


def _name_edge(builder: NetworkBuilder, person: str, recruiter: str, evidence: Evidence) -> None:
    """A suspect and a recruiter of the same name named at a desk (only if one was named)."""
    key = f"recruiter:{recruiter}"
    if key in builder.nodes:
        builder.edge(person, key, EdgeKind.NAME_OF, evidence)


def _add_watch_entries(builder: NetworkBuilder) -> None:
    today = timezone.localdate()
    rows = WatchListEntry.objects.filter(
        Q(expires_on__isnull=True) | Q(expires_on__gte=today),
        deleted_at__isnull=True,
        watch_list__deleted_at__isnull=True,
        watch_list__kind__in=(*SUSPECT_LISTS, WatchListKind.REVOKED_AGENCY),
    ).values(
        "id", "full_name", "licence_number", "watch_list__kind", "watch_list__name", "created_at"
    )
    for row in rows:
        if row["watch_list__kind"] == WatchListKind.REVOKED_AGENCY:
            # A revoked agency names a licence already in the network: the licence gets its name.
            agency = builder.nodes.get(f"agency:{licence_key(row['licence_number'])}")
            if agency is not None and agency.label == licence_key(row["licence_number"]):
                agency.label = f"{agency.label} · {row['full_name']}"
            continue
        key, data = builder.person(RecordSource.WATCH_ENTRY, str(row["id"]), row["full_name"])
        data.watch_suspect = True
        if recruiter := recruiter_key(row["full_name"]):
            evidence = Evidence(
                key=f"name_of|watch_entry:{row['id']}|recruiter:{recruiter}",
                source="watch_entry",
                record_id=str(row["id"]),
                on=row["created_at"].date(),
            )
            _name_edge(builder, key, recruiter, evidence)


def _add_tips(builder: NetworkBuilder) -> None:
    rows = (
        Tip.objects.filter(deleted_at__isnull=True)
        .exclude(status=TipStatus.MERGED)
        .values("id", "body", "created_at", "crossing__traveller_id", "crossing_id")
    )
    for row in rows:
        phones = phones_in_text(row["body"] or "")
        traveller = row["crossing__traveller_id"]
        if not phones and traveller is None:
            continue
        key = f"tip:{row['id']}"
        builder.node(key, NodeKind.TIP, "")
        on = row["created_at"].date()
        for phone in phones:
            builder.node(f"phone:{phone}", NodeKind.PHONE, phone)
            builder.edge(
                key,
                f"phone:{phone}",
                EdgeKind.TIP_PHONE,
                Evidence(f"tip_phone|tip:{row['id']}|{phone}", "tip", str(row["id"]), on),
            )
        if traveller is not None:
            who = builder.identity.node(RecordSource.TRAVELLER, str(traveller))
            if who in builder.nodes:
                builder.edge(
                    key,
                    who,
                    EdgeKind.TIP_ABOUT,
                    Evidence(
                        f"tip_about|tip:{row['id']}|traveller:{traveller}",
                        "tip",
                        str(row["id"]),
                        on,
                    ),
                )


def network_build() -> nx.Graph:
    """The whole network at the hub, in a fixed number of queries (six), whatever its size.

    Node keys are ``person:<id>`` for confirmed persons and ``<source>:<id>`` for a record
    not linked to anyone; ``phone:+62...``, ``recruiter:<name>``, ``employer:<name>``,
    ``agency:<licence>`` and ``tip:<id>`` for the rest. Each node carries a ``NodeData``
    (``data``), each edge its ``kinds``, ``evidence`` and ``weight`` (records behind it).
    """
    builder = NetworkBuilder(_identity())
    _add_crossings(builder)
    _add_cases(builder)
    _add_watch_entries(builder)
    _add_tips(builder)
    return builder.graph()
