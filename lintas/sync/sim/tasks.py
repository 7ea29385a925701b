"""Work the simulation asks of a hub or node process (``lintas sim setup-hub|rename|digest``).

These run inside the place's own process, with its settings and database, through the
same services as the product.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
from typing import Any

from django.apps import apps
from django.core.management import call_command
from django.db.models import Count, Max

from lintas.accounts.models import Agency, User
from lintas.accounts.roles import AgencyType, Role
from lintas.accounts.services import agency_create, user_create, user_update
from lintas.audit.selectors import audit_chain_verify
from lintas.common.models import LintasModel, current_node
from lintas.common.values import jsonable
from lintas.places.models import Post
from lintas.sync.models import AppliedEvent, HubLink, OutboxEvent, SyncConflict, SyncNode
from lintas.sync.registry import spec_for
from lintas.sync.services import node_enrolment_issue


def setup_hub(*, nodes: list[tuple[str, str]], password: str) -> dict[str, Any]:
    """Reference data, a hub admin, and per node an agency, officer, admin and code."""
    call_command("load_reference", verbosity=0, stdout=io.StringIO())
    admin_agency = agency_create(actor=None, name="Sim Provinsi", type=AgencyType.LOCAL_GOVERNMENT)
    admin = user_create(
        actor=None,
        agency=admin_agency,
        username="sim.hub.admin",
        full_name="Sim Hub Admin",
        role=Role.SYSTEM_ADMIN,
        password=password,
    )
    out: dict[str, Any] = {"hub_admin": admin.username, "nodes": {}}
    for index, (code, post_code) in enumerate(nodes, start=1):
        post = Post.objects.get(pk=post_code)
        agency = agency_create(
            actor=None, name=f"Sim Pos {index}", type=AgencyType.BORDER_POST, post=post
        )
        officer = user_create(
            actor=None,
            agency=agency,
            username=f"sim.officer.{index}",
            full_name=f"Officer {index}",
            role=Role.POST_OFFICER,
            post=post,
            password=password,
        )
        node_admin = user_create(
            actor=None,
            agency=agency,
            username=f"sim.admin.{index}",
            full_name=f"Admin {index}",
            role=Role.AGENCY_ADMIN,
            post=post,
            password=password,
        )
        _node, secret = node_enrolment_issue(actor=None, code=code, post=post)
        out["nodes"][code] = {
            "enrolment_code": secret,
            "officer": officer.username,
            "admin": node_admin.username,
        }
    return out


def rename(*, actor: str, username: str, full_name: str) -> None:
    """An administrator renames an account here (the hub's admin, or a node's)."""
    user_update(
        actor=User.objects.get(username=actor),
        user=User.objects.get(username=username),
        full_name=full_name,
    )


def crossings(*, username: str, count: int, days: float, seed: int) -> int:
    """Register ``count`` crossings at this node through the service, spread over ``days``.

    Two in five travellers come back with a passport registered before, going the other way
    from their last crossing; the rest are new (a traveller, a passport and a crossing).
    Returns the number registered.
    """
    from datetime import date, timedelta
    from random import Random

    from django.utils import timezone

    from lintas.crossings.services import (
        CrossingData,
        DocumentData,
        TravellerData,
        crossing_register,
    )

    officer = User.objects.select_related("post").get(username=username)
    post = officer.post_id
    rng = Random(seed)
    now = timezone.now()
    numbers: dict[str, str] = {}
    for i in range(count):
        if numbers and rng.random() < 0.4:
            number = rng.choice(sorted(numbers))
            direction = "in" if numbers[number] == "out" else "out"
        else:
            number = f"B{seed % 100:02d}{i:07d}"
            direction = rng.choice(["out", "in"])
        numbers[number] = direction
        crossing_register(
            actor=officer,
            traveller=TravellerData(
                surname=f"Uji{i}",
                given_names="Maria",
                sex=rng.choice(["M", "F"]),
                birth_date=date(1960 + i % 40, 1 + i % 12, 1 + i % 28),
            ),
            document=DocumentData(
                kind="passport",
                number=number,
                issuing_state="IDN",
                expiry_date=date(2035, 1, 1),
            ),
            crossing=CrossingData(
                direction=direction,
                purpose=rng.choice(["family", "trade", "work", "tourism"]),
                entry_point_code=f"{post}-{post}",
                destination="Batugade",
                crossed_at=now - timedelta(seconds=days * 86400 * (count - i) / count),
            ),
        )
    return count


def _value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        value = value.astimezone(dt.UTC)
    return jsonable(value)


def record_digest(row: Any, skip: frozenset[str]) -> str:
    """SHA-256 of a row's values as Python reads them, the same on SQLite and PostgreSQL."""
    values = {
        f.attname: _value(getattr(row, f.attname))
        for f in row._meta.concrete_fields
        if f.attname not in skip
    }
    text = json.dumps(values, sort_keys=True, ensure_ascii=True, default=str)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def digest() -> dict[str, Any]:
    """Everything the simulation compares: synced records, conflicts, cursors, chains."""
    records: list[list[str]] = []
    for model in apps.get_models():
        if not issubclass(model, LintasModel):
            continue
        label = model._meta.label_lower
        spec = spec_for(label)
        if spec is None:
            continue
        skip = frozenset({"password"}) | spec.local_fields
        for row in model._base_manager.order_by("pk").iterator(chunk_size=2000):
            records.append([label, str(row.pk), str(row.origin), record_digest(row, skip)])
    notes = dict(
        apps.get_model("crossings", "Crossing")
        ._base_manager.filter(notes__startswith="sim:")
        .values("notes")
        .annotate(n=Count("id"))
        .values_list("notes", "n")
    )
    users = dict(User.objects.values_list("username", "full_name"))
    link = HubLink.objects.filter(pk=1).first()
    return {
        "node": current_node(),
        "records": records,
        "crossing_notes": notes,
        "users": users,
        "agencies": Agency.objects.count(),
        "conflicts": [
            {
                "model": c.model,
                "record_id": c.record_id,
                "node": c.node,
                "kind": c.kind,
                "events": c.events,
                "node_full_name": c.node_state.get("full_name"),
                "open": c.resolved_at is None,
            }
            for c in SyncConflict.objects.order_by("created_at")
        ],
        "applied": AppliedEvent.objects.count(),
        "applied_distinct": AppliedEvent.objects.values("event_id").distinct().count(),
        "nodes": {n.code: n.applied_seq for n in SyncNode.objects.all()},
        "outbox_max": OutboxEvent.objects.aggregate(m=Max("id"))["m"] or 0,
        "outbox_unacked": OutboxEvent.objects.filter(acked_at__isnull=True).count(),
        "link": {"sent_seq": link.sent_seq, "feed_id": link.feed_id} if link else None,
        "chains": {r.node: r.broken is None for r in audit_chain_verify()},
    }
