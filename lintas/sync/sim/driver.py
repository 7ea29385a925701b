"""``lintas sim sync``: a hub and K nodes under random faults, then a strict comparison.

Officers register crossings on the nodes through the HTTP API while the driver SIGKILLs
the hub, whole nodes (server and sync daemon: a power cut) or only a node's sync daemon,
cuts and restores each node's link through its proxy, and renames officers at the hub and
on the nodes (concurrent edits that must surface as conflicts). The schedule is drawn
from ``--seed`` and keyed to progress (the n-th confirmed crossing), so a seed gives the
same faults at the same points. Every loop is bounded in count and in time.
"""

from __future__ import annotations

import json
import random
import secrets
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from lintas.common.ids import uuid7
from lintas.sync.sim.desk import Desk, DeskDown
from lintas.sync.sim.procs import LINTAS, Cluster, Place, sqlite_query
from lintas.sync.sim.proxy import LinkProxy

POSTS = ("wini", "motaain", "motamasin")


@dataclass(frozen=True)
class SimConfig:
    nodes: int = 3
    events: int = 300
    seed: int = 1
    kills: int = 10
    cuts: int = 10
    renames: int = 4
    time_limit: float = 900.0
    settle_limit: float = 180.0
    workdir: Path | None = None
    keep: bool = False
    pg_url: str = ""


@dataclass(frozen=True)
class Action:
    at: int  # when this many crossings are confirmed
    kind: str  # kill_hub | kill_node | kill_daemon | cut | rename_hub | rename_node
    target: int  # node index (unused for the hub)
    seconds: float  # outage or cut length


@dataclass
class Result:
    created: int = 0
    at_hub: int = 0
    lost: int = 0
    duplicated: int = 0
    conflicts_surfaced: int = 0
    silent_overwrites: int = 0
    node_edits_refused: int = 0
    kills: int = 0
    cuts: int = 0
    settled: bool = False
    chains_intact: bool = False
    complete: bool = False
    notes: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (
            f"created={self.created} at_hub={self.at_hub} lost={self.lost} "
            f"duplicated={self.duplicated} conflicts_surfaced={self.conflicts_surfaced} "
            f"silent_overwrites={self.silent_overwrites} "
            f"node_edits_refused={self.node_edits_refused} kills={self.kills}"
        )

    @property
    def ok(self) -> bool:
        return (
            self.lost == 0
            and self.duplicated == 0
            and self.silent_overwrites == 0
            and self.settled
            and self.chains_intact
            and self.complete
        )


def node_codes(count: int) -> list[tuple[str, str]]:
    """(node code, post) for ``count`` nodes: the three posts, then more nodes per post."""
    out = []
    for i in range(count):
        post = POSTS[i % len(POSTS)]
        suffix = "" if i < len(POSTS) else f"-{i // len(POSTS) + 1}"
        out.append((f"post-{post}{suffix}", post))
    return out


def schedule(config: SimConfig) -> list[Action]:
    """The faults, drawn from the seed and placed along the crossings to be made."""
    rng = random.Random(config.seed)
    n, actions = config.events, []
    for i in range(config.kills):
        at = max(1, round(n * (i + 1) / (config.kills + 1)))
        kind = rng.choices(["kill_hub", "kill_node", "kill_daemon"], weights=[3, 4, 3])[0]
        actions.append(Action(at, kind, rng.randrange(config.nodes), rng.uniform(0.0, 1.5)))
    for _i in range(config.cuts):
        at = rng.randint(max(1, n // 20), max(1, n - n // 20))
        actions.append(Action(at, "cut", rng.randrange(config.nodes), rng.uniform(0.3, 3.0)))
    for i in range(config.renames):
        at = max(1, round(n * (i + 0.5) / max(1, config.renames)))
        kind = "rename_hub" if i % 2 == 0 else "rename_node"
        actions.append(Action(at, kind, rng.randrange(config.nodes), 0.0))
    return sorted(actions, key=lambda a: a.at)


class Simulation:
    def __init__(self, config: SimConfig, out: Callable[[str], None]) -> None:
        self.config = config
        self.out = out
        self.rng = random.Random(config.seed + 1)
        self.password = secrets.token_urlsafe(12) + "-Sim7"
        self.codes = node_codes(config.nodes)
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.next_ticket = 0
        self.confirmed: list[tuple[str, str, str]] = []  # (node, crossing id, marker)
        self.refused: list[str] = []
        self.busy: set[str] = set()
        self.restarts: list[threading.Thread] = []
        self.cut_until: dict[int, float] = {}
        self.hub_names: dict[str, str] = {}
        self.node_names: dict[tuple[str, str], str] = {}
        self.result = Result()
        self.deadline = time.monotonic() + config.time_limit

    # --- set-up -----------------------------------------------------------------------

    def setup(self, c: Cluster) -> None:
        nodes = [c.add_node(code, post=post) for code, post in self.codes]
        c.migrate([c.hub, *nodes])
        spec = ",".join(f"{code}:{post}" for code, post in self.codes)
        raw = c.run(
            c.hub, ["sim", "setup-hub", "--nodes", spec], env={"LINTAS_SIM_PASSWORD": self.password}
        )
        self.setup_info: dict[str, Any] = json.loads(raw.strip().splitlines()[-1])
        for i in range(1, len(self.codes) + 1):
            self.hub_names[f"sim.officer.{i}"] = f"Officer {i}"
        c.start_server(c.hub)
        self.proxies = [LinkProxy(target_port=c.hub.port) for _ in nodes]
        for node, proxy in zip(nodes, self.proxies, strict=True):
            code = self.setup_info["nodes"][node.name]["enrolment_code"]
            c.run(node, ["enrol", "--hub", f"http://127.0.0.1:{proxy.port}", "--code", code])
        for node in nodes:
            c.start_server(node)
            c.start_daemon(node)
        self.desks: list[Desk] = []
        for node in nodes:
            info = self.setup_info["nodes"][node.name]
            self._wait_accounts(node, [info["officer"], info["admin"]])
            desk = Desk(node.url, info["officer"], self.password)
            desk.login()
            self.desks.append(desk)

    def _wait_accounts(self, node: Place, usernames: list[str]) -> None:
        """Until the node pulled its officers (with their password hashes) from the hub."""
        path = node.sqlite_path
        assert path is not None
        sql = "SELECT count(*) FROM accounts_user WHERE username = ? AND password NOT LIKE '!%'"
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if all(sqlite_query(path, sql, [u])[0][0] == 1 for u in usernames):
                return
            time.sleep(0.2)
        raise RuntimeError(f"{node.name} did not receive its officers from the hub")

    # --- the desks --------------------------------------------------------------------

    def _body(self, index: int, ticket: int, travellers: dict[str, str], rng: random.Random) -> Any:
        """A new traveller goes either way; one who comes back goes the other way."""
        if travellers and rng.random() < 0.4:
            number = rng.choice(sorted(travellers))
            direction = "in" if travellers[number] == "out" else "out"
        else:
            number = f"N{index}T{ticket:07d}"
            direction = rng.choice(["out", "in"])
        post = self.codes[index][1]
        return number, {
            "direction": direction,
            "purpose": rng.choice(["family", "trade", "work", "tourism"]),
            "entry_point": f"{post}-{post}",
            "traveller": {
                "surname": f"Sim{ticket}",
                "given_names": "Maria",
                "sex": rng.choice(["M", "F"]),
                "birth_date": str(date(1960 + ticket % 40, 1 + ticket % 12, 1 + ticket % 28)),
                "nationality": "IDN",
            },
            "document": {
                "kind": "passport",
                "number": number,
                "issuing_state": "IDN",
                "expiry_date": "2035-01-01",
            },
            "destination": "Batugade",
            "notes": f"sim:{self.codes[index][0]}:{ticket}",
        }

    def desk_worker(self, index: int) -> None:
        rng = random.Random(self.config.seed * 1000 + index)
        desk, travellers = self.desks[index], dict[str, str]()
        while not self.stop.is_set():
            with self.lock:
                if self.next_ticket >= self.config.events:
                    return
                ticket = self.next_ticket
                self.next_ticket += 1
            number, body = self._body(index, ticket, travellers, rng)
            body["id"] = str(uuid7())
            if self._register(desk, body):
                travellers[number] = body["direction"]
                with self.lock:
                    self.confirmed.append((self.codes[index][0], body["id"], body["notes"]))

    def _register(self, desk: Desk, body: dict[str, Any]) -> bool:
        """Send until the node confirms; the same id makes every retry idempotent."""
        errors = 0
        while not self.stop.is_set() and time.monotonic() < self.deadline:
            try:
                status, reply = desk.register(body)
            except DeskDown:
                time.sleep(0.2)  # the node is down or restarting
                continue
            if status == 201:
                return True
            if status in (401, 403):
                try:
                    desk.login()
                except (DeskDown, PermissionError):
                    time.sleep(0.3)
                continue
            errors += 1
            if errors > 50:
                self.refused.append(f"{body['notes']}: {status} {str(reply)[:200]}")
                return False
            time.sleep(0.2)
        return False

    # --- faults -----------------------------------------------------------------------

    def _restart_later(self, c: Cluster, place: Place, seconds: float, daemon_only: bool) -> None:
        def run() -> None:
            time.sleep(seconds)
            try:
                if not daemon_only:
                    c.start_server(place)
                if place.name != "hub":
                    c.start_daemon(place)
            finally:
                with self.lock:
                    self.busy.discard(place.name)

        thread = threading.Thread(target=run, name=f"restart-{place.name}", daemon=True)
        self.restarts.append(thread)
        thread.start()

    def act(self, c: Cluster, action: Action) -> bool:
        """Carry out one fault; False when its target is still coming back (try later)."""
        if action.kind == "cut":
            self.proxies[action.target].cut()
            self.cut_until[action.target] = time.monotonic() + action.seconds
            self.result.cuts += 1
            return True
        if action.kind.startswith("rename"):
            self._rename(c, action)
            return True
        if action.kind == "kill_hub":
            candidates = [c.hub]
        else:
            # The drawn node, or the next one that is up: every kill hits a live process.
            count = len(c.nodes)
            candidates = [c.nodes[(action.target + k) % count] for k in range(count)]
        with self.lock:
            free = [p for p in candidates if p.name not in self.busy]
            if not free:
                return False
            place = free[0]
            self.busy.add(place.name)
        daemon_only = action.kind == "kill_daemon"
        killed = c.kill(place, server=not daemon_only, daemon=place.name != "hub")
        if killed:
            self.result.kills += 1
        self._restart_later(c, place, action.seconds, daemon_only)
        return True

    def _rename(self, c: Cluster, action: Action) -> None:
        index = action.target + 1
        officer = f"sim.officer.{index}"
        serial = len(self.hub_names) + len(self.node_names)
        if action.kind == "rename_hub":
            name = f"Officer {index} hub {serial}"
            args = ["sim", "rename", "--actor", "sim.hub.admin", "--username", officer]
            c.run(c.hub, [*args, "--full-name", name])
            self.hub_names[officer] = name
        else:
            # Accounts are made and changed at the hub only: the node's own service must
            # refuse the edit, and nothing of it may travel.
            node = c.nodes[action.target]
            name = f"Officer {index} at {node.name} {serial}"
            args = ["sim", "rename", "--actor", f"sim.admin.{index}", "--username", officer]
            try:
                c.run(node, [*args, "--full-name", name])
            except RuntimeError as exc:
                if "PermissionDenied" not in str(exc):
                    raise
                self.result.node_edits_refused += 1
            else:
                self.result.silent_overwrites += 1
                self.result.notes.append(f"{node.name} accepted an edit of {officer}'s account")

    def restore_cuts(self, *, all_now: bool = False) -> None:
        now = time.monotonic()
        for index, until in list(self.cut_until.items()):
            if all_now or now >= until:
                self.proxies[index].restore()
                del self.cut_until[index]

    # --- the run ----------------------------------------------------------------------

    def drive(self, c: Cluster) -> None:
        actions = schedule(self.config)
        workers = [
            threading.Thread(target=self.desk_worker, args=(i,), name=f"desk-{i}", daemon=True)
            for i in range(self.config.nodes)
        ]
        for w in workers:
            w.start()
        while any(w.is_alive() for w in workers):
            if time.monotonic() > self.deadline:
                self.stop.set()
                break
            with self.lock:
                progress = len(self.confirmed)
            while actions and actions[0].at <= progress and self.act(c, actions[0]):
                actions.pop(0)
            self.restore_cuts()
            time.sleep(0.05)
        for w in workers:
            w.join(timeout=60)
        # Faults not yet carried out (their target was coming back) still happen.
        while actions and time.monotonic() < self.deadline:
            if self.act(c, actions[0]):
                actions.pop(0)
            else:
                time.sleep(0.1)
            self.restore_cuts()
        self.result.complete = len(self.confirmed) == self.config.events

    def settle(self, c: Cluster) -> float:
        """Heal every link and process, then wait until hub and nodes agree (bounded)."""
        started = time.monotonic()
        self.restore_cuts(all_now=True)
        for thread in self.restarts:
            thread.join(timeout=120)
        for place in [c.hub, *c.nodes]:
            if place.server is None or place.server.poll() is not None:
                c.start_server(place)
            if place.name != "hub" and (place.daemon is None or place.daemon.poll() is not None):
                c.start_daemon(place)
        deadline = time.monotonic() + self.config.settle_limit
        while time.monotonic() < deadline:
            if self._settled(c):
                self.result.settled = True
                break
            time.sleep(0.5)
        return time.monotonic() - started

    def _settled(self, c: Cluster) -> bool:
        applied = dict(c.hub_query("SELECT code, applied_seq FROM sync_syncnode"))
        hub_feed = c.hub_query("SELECT coalesce(max(id), 0) FROM sync_outboxevent")[0][0]
        for node in c.nodes:
            path = node.sqlite_path
            assert path is not None
            pending, newest = sqlite_query(
                path,
                "SELECT count(*) FILTER (WHERE acked_at IS NULL), coalesce(max(id), 0) "
                "FROM sync_outboxevent",
            )[0]
            link = sqlite_query(path, "SELECT audit_seq, feed_id FROM sync_hublink")
            head = sqlite_query(
                path,
                "SELECT coalesce(max(seq), 0) FROM audit_auditentry WHERE node=?",
                [node.name],
            )[0][0]
            if pending or not link or applied.get(node.name) != newest:
                return False
            if link[0][0] != head or link[0][1] != hub_feed:
                return False
        return True

    def digests(self, c: Cluster) -> dict[str, dict[str, Any]]:
        procs = {
            # Fixed arguments: this interpreter running the lintas command.
            place.name: subprocess.Popen(  # noqa: S603
                [*LINTAS, "sim", "digest"],
                env=place.env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
            for place in [c.hub, *c.nodes]
        }
        out = {}
        for name, proc in procs.items():
            stdout, stderr = proc.communicate(timeout=600)
            if proc.returncode != 0:
                raise RuntimeError(f"digest of {name} failed: {stderr.decode()[-2000:]}")
            out[name] = json.loads(stdout)
        return out

    def compare(self, digests: dict[str, dict[str, Any]]) -> None:
        r, hub = self.result, digests["hub"]
        hub_records = {(m, i): (o, d) for m, i, o, d in hub["records"]}
        hub_crossings = {i for (m, i) in hub_records if m == "crossings.crossing"}
        node_crossings: dict[str, set[str]] = {}
        r.created = len(self.confirmed)
        for code, crossing_id, _marker in self.confirmed:
            if code not in node_crossings:
                node_crossings[code] = {
                    i for m, i, _o, _d in digests[code]["records"] if m == "crossings.crossing"
                }
            if crossing_id in hub_crossings:
                r.at_hub += 1
            else:
                r.lost += 1
            if crossing_id not in node_crossings[code]:
                r.notes.append(f"confirmed crossing {crossing_id} missing on {code}")
                r.lost += 1
        r.duplicated += sum(n - 1 for n in hub["crossing_notes"].values() if n > 1)
        r.duplicated += hub["applied"] - hub["applied_distinct"]
        for code, _post in self.codes:
            mine = {(m, i): d for m, i, o, d in digests[code]["records"] if o == code}
            at_hub = {(m, i): d for (m, i), (o, d) in hub_records.items() if o == code}
            r.lost += len(mine.keys() - at_hub.keys())
            r.duplicated += len(at_hub.keys() - mine.keys())  # at the hub, unknown to its node
            r.silent_overwrites += sum(
                1 for k in mine.keys() & at_hub.keys() if mine[k] != at_hub[k]
            )
        self._compare_accounts(digests)
        r.conflicts_surfaced = len(hub["conflicts"])
        r.chains_intact = all(hub["chains"].values()) and all(
            ok for d in digests.values() for ok in d["chains"].values()
        )
        if self.refused:
            r.notes.extend(self.refused[:5])

    def _compare_accounts(self, digests: dict[str, dict[str, Any]]) -> None:
        """No account edit may vanish or win silently: renames are kept or in conflict."""
        r, hub = self.result, digests["hub"]
        for officer, name in self.hub_names.items():
            if hub["users"].get(officer) != name:
                r.silent_overwrites += 1
                r.notes.append(f"hub has {hub['users'].get(officer)!r} for {officer}, not {name!r}")
        open_conflicts = {(c["node"], c["node_full_name"]) for c in hub["conflicts"] if c["open"]}
        for code, _post in self.codes:
            for officer, hub_name in self.hub_names.items():
                local = self.node_names.get((code, officer))
                have = digests[code]["users"].get(officer)
                if have != (local or hub_name):
                    r.silent_overwrites += 1
                    r.notes.append(f"{code} has {have!r} for {officer}, not {local or hub_name!r}")
                if local is not None and (code, local) not in open_conflicts:
                    r.silent_overwrites += 1
                    r.notes.append(f"{code}'s rename of {officer} did not surface as a conflict")

    def run(self) -> Result:
        root = self.config.workdir or Path(tempfile.mkdtemp(prefix="lintas-sim-"))
        started = time.monotonic()
        c = Cluster(root, pg_url=self.config.pg_url)
        self.proxies = []
        try:
            hub_kind = "postgresql" if c.pg is not None else "sqlite"
            self.out(
                f"sim: nodes={self.config.nodes} events={self.config.events} "
                f"seed={self.config.seed} hub={hub_kind} folder={root}"
            )
            self.setup(c)
            setup_s = time.monotonic() - started
            self.drive(c)
            drive_s = time.monotonic() - started - setup_s
            settle_s = self.settle(c)
            for place in [*c.nodes, c.hub]:
                c.stop(place)
            self.compare(self.digests(c))
            self.out(
                f"sim: setup={setup_s:.1f}s run={drive_s:.1f}s settle={settle_s:.1f}s "
                f"total={time.monotonic() - started:.1f}s cuts={self.result.cuts} "
                f"settled={self.result.settled} chains_intact={self.result.chains_intact} "
                f"complete={self.result.complete}"
            )
            for note in self.result.notes[:20]:
                self.out(f"sim: {note}")
        finally:
            self.stop.set()
            for proxy in self.proxies:
                proxy.close()
            c.close()
            if not self.config.keep and self.config.workdir is None:
                shutil.rmtree(root, ignore_errors=True)
        return self.result
