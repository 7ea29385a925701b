"""What a node may write: checked at the hub on every event it applies.

A post node may be stolen, its key with it. The hub therefore trusts a node with exactly
what the node's own officers could do through the services at its post, and nothing else:
every synced model declares a ``NodePolicy`` beside its ``SyncSpec`` (a model cannot sync
without one), and the hub checks each record of a push against it before anything is
written. One refused record refuses the whole batch (``PolicyRefusal``, a ``SyncError``
that names the model, the record and the rule).

The checks every policy shares:

- ``create``/``change``: whether a node may create the record at all, and which fields it
  may change on its own records afterwards (everything else must stay as the hub has it);
- ``capability``: ``created_by`` is an active officer *of the node's post* whose role holds
  the capability the matching service requires;
- ``officers``: other fields naming a user who acted (who acknowledged, checked out,
  overrode consent) must name such an officer too, with the capability given;
- ``post``: the field that places the record at a post must be the node's post;
- no secret column ever comes from a node (a password hash, a lock-out counter).

The business rules of each service (consent before a referral, the case's owner agency,
the entry point of the post, a referral's acceptance left to the receiver) are ``rules``
declared next to the model, in its own app. Checks work on the whole batch: each rule
receives every write of its model and fetches what it needs in one query per table.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from lintas.accounts.models import User
from lintas.accounts.roles import Capability
from lintas.common.values import SECRET_COLUMNS
from lintas.sync.protocol import SyncError

# Never accepted from a node, whatever the model: secrets and lock-out state stay where set.
NEVER_FROM_A_NODE = SECRET_COLUMNS | {"failed_logins", "locked_until", "password_changed_at"}
# Bookkeeping a node sets on every edit of its own records.
ALWAYS_CHANGEABLE = frozenset({"updated_at", "version"})


class PolicyRefusal(SyncError):
    """A record the sender may not write; the whole push is refused and nothing changes."""

    def __init__(
        self,
        *,
        model: str,
        record_id: str,
        rule: str,
        message: Any,
        seq: int | None = None,
        officer: str = "",
    ) -> None:
        super().__init__(
            _("%(model)s %(id)s refused (%(rule)s): %(message)s")
            % {"model": model, "id": record_id, "rule": rule, "message": message},
            code=f"policy.{rule}",
            status=403,
            extra={"model": model, "record_id": record_id, "rule": rule, "seq": seq},
        )
        self.model = model
        self.record_id = record_id
        self.rule = rule
        self.seq = seq
        self.officer = officer


@dataclass
class NodeWrite:
    """One record of the push as the hub would store it, beside the hub's current row."""

    label: str
    record_id: str
    new: models.Model
    old: models.Model | None
    seq: int

    @property
    def created(self) -> bool:
        return self.old is None

    def changed(self) -> set[str]:
        """Attnames whose value the push changes (every field for a new record)."""
        if self.old is None:
            return {f.attname for f in self.new._meta.concrete_fields}
        return {
            f.attname
            for f in self.new._meta.concrete_fields
            if getattr(self.new, f.attname) != getattr(self.old, f.attname)
        }

    def value(self, attname: str) -> Any:
        return getattr(self.new, attname)

    def was(self, attname: str) -> Any:
        return getattr(self.old, attname) if self.old is not None else None


Rule = Callable[["NodeContext", list[NodeWrite]], None]


@dataclass(frozen=True)
class NodePolicy:
    """What a node may write of one model (see the module's docstring)."""

    create: bool = False
    change: frozenset[str] = frozenset()
    capability: Capability | None = None
    officers: Mapping[str, Capability] = field(default_factory=dict)
    post: str | None = None
    rules: tuple[Rule, ...] = ()

    @property
    def hub_only(self) -> bool:
        return not self.create and not self.change


HUB_ONLY = NodePolicy()


class NodeContext:
    """The sender as the hub knows it, and the records a batch refers to, fetched once."""

    def __init__(self, *, node: str, post_id: str | None) -> None:
        self.node = node
        self.post_id = post_id
        self._officers: dict[str, User] | None = None
        self.staged: dict[type[models.Model], dict[str, models.Model]] = defaultdict(dict)
        self._fetched: dict[type[models.Model], dict[str, models.Model | None]] = defaultdict(dict)

    # --- who the node's officers are ---------------------------------------------------

    def officers(self) -> dict[str, User]:
        """Active accounts of the node's post, by id (the hub's accounts: nodes make none)."""
        if self._officers is None:
            rows = (
                User.objects.filter(
                    post_id=self.post_id, is_active=True, deleted_at__isnull=True
                ).select_related("agency")
                if self.post_id
                else []
            )
            self._officers = {str(u.pk): u for u in rows}
        return self._officers

    def officer(self, user_id: Any) -> User | None:
        return self.officers().get(str(user_id)) if user_id is not None else None

    # --- the records a batch refers to -------------------------------------------------

    def stage(self, model: type[models.Model], rows: Mapping[str, models.Model]) -> None:
        self.staged[model].update(rows)

    def rows(self, model: type[models.Model], ids: Iterable[Any]) -> dict[str, models.Model]:
        """The records with these ids as they will stand: this batch's, else the hub's."""
        wanted = {str(i) for i in ids if i is not None}
        found: dict[str, models.Model] = {}
        staged = self.staged.get(model, {})
        cache = self._fetched[model]
        missing = []
        for i in wanted:
            if i in staged:
                found[i] = staged[i]
            elif i in cache:
                row = cache[i]
                if row is not None:
                    found[i] = row
            else:
                missing.append(i)
        if missing:
            pk = model._meta.pk
            assert pk is not None
            keys = [pk.to_python(i) for i in missing]
            loaded = {str(r.pk): r for r in model._base_manager.filter(pk__in=keys)}
            for i in missing:
                cache[i] = loaded.get(i)
                if i in loaded:
                    found[i] = loaded[i]
        return found

    def row(self, model: type[models.Model], pk: Any) -> models.Model | None:
        return self.rows(model, [pk]).get(str(pk)) if pk is not None else None


def refuse(write: NodeWrite, rule: str, message: Any) -> PolicyRefusal:
    officer = getattr(write.new, "created_by_id", None)
    return PolicyRefusal(
        model=write.label,
        record_id=write.record_id,
        rule=rule,
        message=message,
        seq=write.seq,
        officer=str(officer) if officer is not None else "",
    )


def _check_officer(
    ctx: NodeContext, write: NodeWrite, attname: str, capability: Capability | None
) -> None:
    user_id = write.value(attname)
    officer = ctx.officer(user_id)
    if officer is None:
        raise refuse(
            write,
            "officer",
            _("%(field)s must name an active officer of this node's post.") % {"field": attname},
        )
    if capability is not None and not officer.can(capability):
        raise refuse(
            write,
            "capability",
            _("%(user)s may not do this (the role lacks %(capability)s).")
            % {"user": officer.username, "capability": capability.value},
        )


def check_writes(ctx: NodeContext, policy: NodePolicy, writes: list[NodeWrite]) -> None:
    """Refuse the first write of ``writes`` that breaks ``policy``; rules run last, in bulk."""
    if not writes:
        return
    for write in writes:
        if policy.hub_only:
            raise refuse(write, "hub_only", _("Only the hub makes or changes these records."))
        changed = write.changed()
        if write.created:
            if not policy.create:
                raise refuse(write, "no_create", _("A node may not create these records."))
            _check_officer(ctx, write, "created_by_id", policy.capability)
        else:
            fixed = changed - policy.change - ALWAYS_CHANGEABLE
            if fixed:
                raise refuse(
                    write,
                    "field",
                    _("A node may not change %(field)s of these records.")
                    % {"field": sorted(fixed)[0]},
                )
        if policy.post is not None and str(write.value(policy.post)) != str(ctx.post_id):
            raise refuse(write, "post", _("The record belongs to another post than this node's."))
        for attname, capability in policy.officers.items():
            if attname in changed and write.value(attname) is not None:
                _check_officer(ctx, write, attname, capability)
    for rule in policy.rules:
        rule(ctx, writes)


def secret_fields(state: Mapping[str, Any]) -> list[str]:
    """The secret columns a pushed payload carries (there must be none)."""
    return sorted(NEVER_FROM_A_NODE & set(state))
