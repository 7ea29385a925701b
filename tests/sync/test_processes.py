"""End to end with real processes: a hub (PostgreSQL in the PostgreSQL run) and post nodes.

The nodes are SQLite files served by gunicorn; officers register crossings over HTTP;
``lintas sync`` runs as the node's operator runs it. Kills are SIGKILL.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from lintas.common.ids import uuid7
from lintas.sync.sim.desk import Desk
from lintas.sync.sim.procs import LINTAS, Cluster, Place, sqlite_query
from lintas.sync.sim.proxy import LinkProxy

PASSWORD = "sandi-simulasi-2026"


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    c = Cluster(
        tmp_path_factory.mktemp("cluster"), pg_url=os.environ.get("LINTAS_DATABASE_URL", "")
    )
    try:
        motaain = c.add_node("post-motaain", post="motaain")
        wini = c.add_node("post-wini", post="wini")
        c.migrate([c.hub, motaain, wini])
        raw = c.run(
            c.hub,
            ["sim", "setup-hub", "--nodes", "post-motaain:motaain,post-wini:wini"],
            env={"LINTAS_SIM_PASSWORD": PASSWORD},
        )
        info = json.loads(raw.strip().splitlines()[-1])
        c.start_server(c.hub)
        for node in (motaain, wini):
            code = info["nodes"][node.name]["enrolment_code"]
            assert "enrolled node=" in c.run(node, ["enrol", "--hub", c.hub.url, "--code", code])
            assert c.run(node, ["sync"]).startswith("ok ")
        c.start_server(motaain)
        yield c
    finally:
        c.close()


@pytest.fixture(scope="module")
def desk(cluster: Cluster) -> Desk:
    desk = Desk(cluster.places["post-motaain"].url, "sim.officer.1", PASSWORD)
    desk.login()
    return desk


def body(number: str, notes: str) -> dict[str, Any]:
    return {
        "id": str(uuid7()),
        "direction": "out",
        "purpose": "family",
        "entry_point": "motaain-motaain",
        "traveller": {"surname": "Seran", "given_names": "Maria", "sex": "F", "nationality": "IDN"},
        "document": {
            "kind": "passport",
            "number": number,
            "issuing_state": "IDN",
            "expiry_date": "2034-01-01",
        },
        "destination": "Batugade",
        "notes": notes,
    }


def register(desk: Desk, number: str, notes: str) -> str:
    payload = body(number, notes)
    status, reply = desk.register(payload)
    assert status == 201, reply
    return str(payload["id"])


def node_db(node: Place) -> Path:
    path = node.sqlite_path
    assert path is not None
    return path


def hub_ids(c: Cluster) -> set[str]:
    return {str(r[0]).replace("-", "") for r in c.hub_query("SELECT id FROM crossings_crossing")}


def node_count(node: Place, sql: str) -> int:
    return int(sqlite_query(node_db(node), sql)[0][0])


def sync(c: Cluster, node: Place) -> dict[str, int]:
    line = c.run(node, ["sync"]).strip().splitlines()[-1]
    return {k: int(float(v)) for k, v in re.findall(r"(\w+)=([\d.]+)", line)}


def applied(c: Cluster, node: str) -> int:
    rows = c.hub_query("SELECT code, applied_seq FROM sync_syncnode")
    return int(dict(rows)[node])


def test_crossings_reach_the_hub_exactly_once(cluster: Cluster, desk: Desk) -> None:
    node = cluster.places["post-motaain"]
    ids = [register(desk, f"P1{i:06d}", f"once:{i}") for i in range(3)]
    first = sync(cluster, node)
    assert first["pushed"] >= 9  # traveller, document, crossing (and screening) each
    assert first["backlog"] == 0
    assert {i.replace("-", "") for i in ids} <= hub_ids(cluster)
    newest = node_count(node, "SELECT max(id) FROM sync_outboxevent")
    assert applied(cluster, "post-motaain") == newest
    again = sync(cluster, node)
    assert (again["pushed"], again["backlog"]) == (0, 0)
    assert int(cluster.hub_query("SELECT count(*) FROM sync_appliedevent")[0][0]) == newest + int(
        cluster.hub_query("SELECT applied_seq FROM sync_syncnode WHERE code = 'post-wini'")[0][0]
    )


def test_a_saved_crossing_survives_a_sigkill_at_once(cluster: Cluster, desk: Desk) -> None:
    node = cluster.places["post-motaain"]
    crossing_id = register(desk, "P2000001", "sigkill")
    assert cluster.kill(node, server=True, daemon=False) == 1  # right after the officer saw it
    row = sqlite_query(
        node_db(node),
        "SELECT notes FROM crossings_crossing WHERE id = ?",
        [crossing_id.replace("-", "")],
    )
    assert row == [("sigkill",)]
    pending = sqlite_query(
        node_db(node),
        "SELECT count(*) FROM sync_outboxevent WHERE acked_at IS NULL AND record_id = ?",
        [crossing_id],
    )
    assert pending == [(1,)]
    cluster.start_server(node)
    sync(cluster, node)
    assert crossing_id.replace("-", "") in hub_ids(cluster)


def set_hub_url(node: Place, url: str) -> None:
    with sqlite3.connect(node_db(node), timeout=30) as conn:
        conn.execute("UPDATE sync_hublink SET hub_url = ?", [url])


def applied_events(c: Cluster) -> int:
    return int(c.hub_query("SELECT count(*) FROM sync_appliedevent")[0][0])


def failing_sync(node: Place) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [*LINTAS, "sync"], env=node.env, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 1, result.stdout
    return result


def test_a_lost_ack_means_an_identical_resend_that_adds_nothing(
    cluster: Cluster, desk: Desk
) -> None:
    node = cluster.places["post-motaain"]
    crossing_id = register(desk, "P3000001", "lost-ack")
    proxy = LinkProxy(target_port=cluster.hub.port)
    try:
        set_hub_url(node, f"http://127.0.0.1:{proxy.port}")
        proxy.drop_replies_to = "/api/sync/push"
        result = failing_sync(node)
        assert "unreachable" in result.stderr
        # The hub applied and committed the batch; its acknowledgement never arrived.
        assert crossing_id.replace("-", "") in hub_ids(cluster)
        applied_before = applied_events(cluster)
        pending = node_count(node, "SELECT count(*) FROM sync_outboxevent WHERE acked_at IS NULL")
        assert pending >= 3
        proxy.drop_replies_to = None
        again = sync(cluster, node)
        assert (again["pushed"], again["backlog"]) == (pending, 0)
        assert applied_events(cluster) == applied_before
    finally:
        set_hub_url(node, cluster.hub.url)
        proxy.close()


def test_a_reply_without_the_hubs_signature_changes_nothing(cluster: Cluster, desk: Desk) -> None:
    node = cluster.places["post-motaain"]
    crossing_id = register(desk, "P3000002", "unsigned")
    with sqlite3.connect(node_db(node), timeout=30) as conn:
        real_key = conn.execute("SELECT hub_public_key FROM sync_hublink").fetchone()[0]
        conn.execute("UPDATE sync_hublink SET hub_public_key = ?", ["ab" * 32])
    link_before = sqlite_query(node_db(node), "SELECT sent_seq, feed_id FROM sync_hublink")
    try:
        result = failing_sync(node)
        assert "bad_reply" in result.stderr
        assert crossing_id.replace("-", "") not in hub_ids(cluster)
        assert sqlite_query(node_db(node), "SELECT sent_seq, feed_id FROM sync_hublink") == (
            link_before
        )
    finally:
        with sqlite3.connect(node_db(node), timeout=30) as conn:
            conn.execute("UPDATE sync_hublink SET hub_public_key = ?", [real_key])
    sync(cluster, node)
    assert crossing_id.replace("-", "") in hub_ids(cluster)


def test_a_hub_restored_from_a_backup_is_refilled(cluster: Cluster, desk: Desk) -> None:
    node, hub = cluster.places["post-motaain"], cluster.hub
    cluster.stop(hub)
    cluster.hub_backup()
    cluster.start_server(hub)
    lost = [register(desk, f"P4{i:06d}", f"after-backup:{i}") for i in range(3)]
    sync(cluster, node)
    assert {i.replace("-", "") for i in lost} <= hub_ids(cluster)
    cluster.stop(hub)
    cluster.hub_restore()  # the hub's disk failed; last night's backup goes back
    cluster.start_server(hub)
    assert not {i.replace("-", "") for i in lost} & hub_ids(cluster)
    refill = sync(cluster, node)
    assert refill["resends"] == 1
    assert {i.replace("-", "") for i in lost} <= hub_ids(cluster)
    assert applied(cluster, "post-motaain") == node_count(
        node, "SELECT max(id) FROM sync_outboxevent"
    )
    flagged = cluster.hub_query(
        "SELECT restore_detected_at FROM sync_syncnode WHERE code = 'post-motaain'"
    )
    assert flagged[0][0] is not None
    notice = sqlite_query(node_db(node), "SELECT notice FROM sync_hublink")[0][0]
    assert notice
    verify = cluster.run(hub, ["audit", "verify", "--node", "post-motaain"])
    assert verify.startswith("intact node=post-motaain")


def test_the_node_key_is_sealed_and_rotates(cluster: Cluster, desk: Desk) -> None:
    node = cluster.places["post-motaain"]
    stored = sqlite_query(node_db(node), "SELECT private_key, next_private_key FROM sync_hublink")
    assert stored[0][0].startswith("enc1:")
    assert stored[0][1] == ""
    before = cluster.hub_query("SELECT public_key FROM sync_syncnode WHERE code = 'post-motaain'")
    out = cluster.run(node, ["sync", "--rotate-key"])
    new_public = out.strip().split("public_key=")[1]
    after = cluster.hub_query("SELECT public_key FROM sync_syncnode WHERE code = 'post-motaain'")
    assert (after[0][0] != before[0][0], after[0][0]) == (True, new_public)
    resealed = sqlite_query(node_db(node), "SELECT private_key, next_private_key FROM sync_hublink")
    assert resealed[0][0].startswith("enc1:")
    assert resealed[0][0] != stored[0][0]
    assert resealed[0][1] == ""
    register(desk, "R7000001", "after the rotation")
    assert sync(cluster, node)["backlog"] == 0
    rotated = cluster.hub_query(
        "SELECT count(*) FROM audit_auditentry WHERE node = 'hub' AND action = 'sync.key_rotated'"
    )
    assert int(rotated[0][0]) == 1


def test_a_revoked_node_is_refused_and_keeps_its_events(cluster: Cluster) -> None:
    wini, hub = cluster.places["post-wini"], cluster.hub
    cluster.run(wini, ["sim", "crossings", "--username", "sim.officer.2", "--events", "2"])
    assert sync(cluster, wini)["backlog"] == 0
    assert "revoked node=post-wini" in cluster.run(hub, ["sync-nodes", "revoke", "post-wini"])
    cluster.run(
        wini, ["sim", "crossings", "--username", "sim.officer.2", "--events", "1", "--seed", "9"]
    )
    pending = node_count(wini, "SELECT count(*) FROM sync_outboxevent WHERE acked_at IS NULL")
    assert pending >= 3  # a traveller, a document and a crossing at least
    before = applied(cluster, "post-wini")
    assert "revoked" in failing_sync(wini).stderr
    assert applied(cluster, "post-wini") == before
    assert (
        node_count(wini, "SELECT count(*) FROM sync_outboxevent WHERE acked_at IS NULL") == pending
    )
    assert sqlite_query(node_db(wini), "SELECT revoked_at FROM sync_hublink")[0][0] is not None
    listing = cluster.run(hub, ["sync-nodes", "list"])
    assert re.search(r"^post-wini revoked post=wini ", listing, flags=re.M)
    # Everything the node sent, for review: the hub's own entries of what it applied.
    sent = cluster.run(hub, ["sync-nodes", "sent", "post-wini", "--since", "2000-01-01"])
    applied_entries = cluster.hub_query(
        "SELECT count(*) FROM audit_auditentry "
        "WHERE node = 'hub' AND action = 'sync.apply:post-wini'"
    )
    lines = sent.strip().splitlines()
    assert lines[-1] == f"records={applied_entries[0][0]} node=post-wini since=2000-01-01"
    assert len(lines) - 1 == int(applied_entries[0][0]) > 0


def test_enrolment_with_a_wrong_code_stores_nothing(cluster: Cluster) -> None:
    stray = cluster.add_node("post-stray", post="wini")
    cluster.migrate([stray])
    cluster.run(cluster.hub, ["sync-nodes", "issue", "post-stray", "--post", "wini"])
    wrong = "-".join(secrets.token_hex(2).upper() for _ in range(4))
    result = subprocess.run(
        [*LINTAS, "enrol", "--hub", cluster.hub.url, "--code", wrong],
        env=stray.env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    assert "enrol_refused" in result.stderr
    assert node_count(stray, "SELECT count(*) FROM sync_hublink") == 0
