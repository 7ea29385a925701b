"""The permission matrix: every page and API operation, every role, anonymous, own and other.

Each app's test module declares its rows (in the spirit of RapidPro's ``temba/tests/crudl``):
what is requested (a URL name or an API operation), with which method, for which record of
the world (``tests/permissions/world.py``), and the exact status each principal gets. One
runner tries every cell with a real signed-in client, and for every POST checks the
database: a refused POST changes nothing (row counts of every table, the audit trail, the
outbox), and a POST by a listed writer really writes (so the payload is a real one, and its
refusal for the others means something).

Each cell runs in a savepoint that is rolled back: every principal meets the same world.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from lintas.accounts.roles import Role
from lintas.api import api
from lintas.audit.models import AuditEntry
from lintas.portal.security import limiter
from tests.permissions.world import ANONYMOUS, PRINCIPALS, World

Status = Mapping[str, int]
# Statuses that refuse: the request must leave no trace at all (not even a read entry).
REFUSALS = frozenset({401, 403, 404, 405})


def statuses(default: int, *, anonymous: int, **by_role: int) -> dict[str, int]:
    """The status of every principal: ``default`` unless named (by role value)."""
    unknown = set(by_role) - set(Role.values)
    assert not unknown, unknown
    out = {role: by_role.get(role, default) for role in Role.values}
    out[ANONYMOUS] = anonymous
    return out


def page(default: int = 403, **by_role: int) -> dict[str, int]:
    """A staff page: anonymous is sent to sign in (302), roles as given."""
    return statuses(default, anonymous=302, **by_role)


def endpoint(default: int = 403, **by_role: int) -> dict[str, int]:
    """An API operation behind the session: anonymous gets 401."""
    return statuses(default, anonymous=401, **by_role)


def everyone(status: int, anonymous: int | None = None) -> dict[str, int]:
    return statuses(status, anonymous=status if anonymous is None else anonymous)


Args = Callable[[World], Mapping[str, Any]]


def _no_args(world: World) -> Mapping[str, Any]:
    return {}


@dataclass(frozen=True)
class Row:
    """One request tried as every principal.

    ``target`` is a URL name (``cases:case_detail``) or an API operation
    (``GET /api/alerts/{alert_id}``). ``of`` says whose record the URL names (``own``: the
    home agency or post, ``other``: another agency or post, ``shared``: referred to home and
    accepted, ``-``: none). ``writes`` lists the principals whose POST changes the database.
    """

    target: str
    method: str
    expect: Status
    args: Args = _no_args
    of: str = "-"
    data: Callable[[World], Mapping[str, Any]] | None = None
    query: str = ""
    writes: frozenset[str] = frozenset()
    login_redirect: bool = True  # a 302 for anonymous goes to the sign-in page

    @property
    def is_api(self) -> bool:
        return " " in self.target

    @property
    def operation(self) -> tuple[str, str]:
        method, path = self.target.split(" ", 1)
        return method, path

    def url(self, world: World) -> str:
        args = self.args(world)
        if self.is_api:
            url = self.operation[1].format(**args)
        else:
            url = reverse(self.target, kwargs=dict(args) or None)
        return f"{url}?{self.query}" if self.query else url

    def label(self) -> str:
        return f"{self.method} {self.target} [{self.of}]"


def rows_for(target: str, *rows: Row) -> list[Row]:
    assert all(r.target == target for r in rows)
    return list(rows)


# --- the database snapshot ---------------------------------------------------------------


def _tables() -> list[str]:
    return sorted(
        m._meta.db_table
        for m in apps.get_models()
        if m.__module__.startswith("lintas.") and not m._meta.proxy and m._meta.managed
    )


def snapshot() -> dict[str, int]:
    """Row counts of every table of the project, with the audit trail split by kind."""
    tables = _tables()
    audit = AuditEntry._meta.db_table
    q = connection.ops.quote_name
    # Table names come from the models, quoted: nothing here comes from a request.
    parts = [f"(SELECT COUNT(*) FROM {q(t)})" for t in tables]  # noqa: S608
    parts.append(f"(SELECT COUNT(*) FROM {q(audit)} WHERE kind = 'read')")  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        counts = cursor.fetchone()
    out = dict(zip([*tables, "audit reads"], counts, strict=True))
    out[audit] -= out["audit reads"]
    return out


def _writes(before: Mapping[str, int], after: Mapping[str, int]) -> dict[str, tuple[int, int]]:
    return {
        k: (before[k], after[k]) for k in before if k != "audit reads" and before[k] != after[k]
    }


# --- the runner -------------------------------------------------------------------------


@dataclass
class Clients:
    world: World
    _cache: dict[str, Client] = field(default_factory=dict)

    def __getitem__(self, principal: str) -> Client:
        if principal not in self._cache:
            client = Client(raise_request_exception=False)
            user = self.world.user(principal)
            if user is not None:
                client.force_login(user, backend="lintas.accounts.backends.LockoutModelBackend")
            self._cache[principal] = client
        return self._cache[principal]


def _request(client: Client, row: Row, url: str, world: World) -> HttpResponse:
    data = dict(row.data(world)) if row.data else {}
    if row.method == "GET":
        return client.get(url)  # type: ignore[return-value]
    if row.method == "DELETE":
        return client.delete(url)  # type: ignore[return-value]
    if row.is_api:
        return client.post(  # type: ignore[return-value]
            url, json.dumps(data, default=str), content_type="application/json"
        )
    return client.post(url, data)  # type: ignore[return-value]


def run(world: World, rows: Iterable[Row], principals: Iterable[str] = PRINCIPALS) -> list[str]:
    """Try every cell; return one line per cell whose answer is not the expected one."""
    clients = Clients(world)
    wrong: list[str] = []
    cells = 0
    for row in rows:
        url = row.url(world)
        for principal in principals:
            expected = row.expect[principal]
            cells += 1
            limiter.reset()
            client = clients[principal]
            cookies = copy.deepcopy(client.cookies)  # a sign-out must not outlive its cell
            with transaction.atomic():
                before = snapshot() if row.method != "GET" else None
                response = _request(client, row, url, world)
                after = snapshot() if before is not None else None
                transaction.set_rollback(True)
            client.cookies = cookies
            got = response.status_code
            problem = ""
            if got != expected:
                problem = f"status {got}, expected {expected}"
            elif (
                got == 302
                and principal == ANONYMOUS
                and row.login_redirect
                and not response["Location"].startswith("/accounts/login/")
            ):
                problem = f"302 to {response['Location']}, not to sign-in"
            if not problem and before is not None and after is not None:
                changed = _writes(before, after)
                if principal in row.writes and not changed:
                    problem = "a writer's POST wrote nothing"
                elif principal not in row.writes and changed:
                    problem = f"a refused POST wrote {changed}"
                elif got in REFUSALS and before != after:
                    problem = f"a refused POST left {set(before.items()) ^ set(after.items())}"
            if problem:
                wrong.append(f"{row.label()} as {principal} ({url}): {problem}")
    assert cells, "no cells"
    return wrong


def check(world: World, rows: Iterable[Row]) -> None:
    wrong = run(world, rows)
    assert not wrong, "\n" + "\n".join(wrong)


# --- what must be covered -----------------------------------------------------------------


def _is_operation(pattern: URLPattern) -> bool:
    return "PathView" in getattr(pattern.callback, "__qualname__", "")


def page_names(
    patterns: list[URLPattern | URLResolver] | None = None, namespace: str = ""
) -> set[str]:
    """Every named URL of the URLconf except the API operations (listed by the API)."""
    names: set[str] = set()
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            inner = f"{namespace}{p.namespace}:" if p.namespace else namespace
            names |= page_names(p.url_patterns, inner)
        elif p.name and not _is_operation(p):
            names.add(namespace + p.name)
    return names


def api_operations() -> set[tuple[str, str]]:
    """Every (method, path) of the ninja API, paths as in the OpenAPI schema."""
    root = reverse("api:api-root").rstrip("/")
    out = set()
    for prefix, router in api._routers:
        for path, view in router.path_operations.items():
            full = root + "/" + "/".join(x.strip("/") for x in (prefix, path) if x.strip("/"))
            for operation in view.operations:
                out |= {(method, full) for method in operation.methods}
    return out
