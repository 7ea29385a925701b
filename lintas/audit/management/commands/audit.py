from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from lintas.audit.selectors import applied_records_uncovered, audit_chain_verify
from lintas.common.models import current_node


class Command(BaseCommand):
    help = "Audit trail tools. 'lintas audit verify' recomputes every node's hash chain."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("action", choices=["verify"])
        parser.add_argument("--node", help="check only this node's chain")

    def handle(self, *args: Any, **options: Any) -> None:
        reports = audit_chain_verify(node=options.get("node"))
        broken = False
        for r in reports:
            if r.broken is None:
                self.stdout.write(f"intact node={r.node} entries={r.entries} head={r.head_hash}")
            else:
                broken = True
                self.stdout.write(
                    f"BROKEN node={r.node} first_bad_entry={r.broken.seq} "
                    f"reason={r.broken.reason!r} verified_before_it={r.entries}"
                )
        if not reports:
            self.stdout.write("intact entries=0 (no audit entries yet)")
        if current_node() == "hub" and not options.get("node"):
            # The hub's chain must cover every record it accepted from a node.
            checked, uncovered = applied_records_uncovered()
            for u in uncovered:
                broken = True
                self.stdout.write(
                    f"UNCOVERED model={u.model} id={u.record_id} origin={u.origin} "
                    "reason='applied from a node without a hub audit entry'"
                )
            if not uncovered:
                self.stdout.write(f"covered node_records={checked}")
        if broken:
            raise CommandError("audit chain broken", returncode=1)
