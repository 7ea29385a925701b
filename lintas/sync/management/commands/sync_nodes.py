from __future__ import annotations

from argparse import ArgumentParser
from datetime import date, datetime, time
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from lintas.common.errors import LintasError
from lintas.places.models import Post
from lintas.sync.models import SyncNode
from lintas.sync.selectors import node_records_sent
from lintas.sync.services import node_enrolment_issue, node_revoke


class Command(BaseCommand):
    help = (
        "The hub's post nodes. 'issue CODE' prints a one-time enrolment code, "
        "'revoke CODE' refuses the node from now on (with --review-since DATE, lists every "
        "record it sent since then), 'sent CODE --since DATE' lists them, 'list' shows each node."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("action", choices=["issue", "revoke", "sent", "list"])
        parser.add_argument("code", nargs="?", default="", help="the node's code, e.g. post-wini")
        parser.add_argument("--post", default="", help="the post the node serves (code)")
        parser.add_argument("--name", default="")
        parser.add_argument(
            "--since",
            "--review-since",
            dest="since",
            default="",
            help="YYYY-MM-DD: records sent since",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        action, code = options["action"], options["code"]
        try:
            if action == "issue":
                post = None
                if options["post"]:
                    post = Post.objects.filter(pk=options["post"]).first()
                    if post is None:
                        raise CommandError(f"no post {options['post']!r}", returncode=2)
                node, secret = node_enrolment_issue(
                    actor=None, code=code, name=options["name"], post=post
                )
                self.stdout.write(
                    f"node={node.code} code={secret} "
                    f"expires={node.enrol_expires_at:%Y-%m-%dT%H:%M%z}"
                )
            elif action == "revoke":
                node_revoke(actor=None, code=code)
                self.stdout.write(f"revoked node={code}")
                if options["since"]:
                    self._sent(code, options["since"])
            elif action == "sent":
                if not options["since"]:
                    raise CommandError("give --since YYYY-MM-DD", returncode=2)
                self._sent(code, options["since"])
            else:
                for n in SyncNode.objects.order_by("code"):
                    state = (
                        "revoked" if n.revoked_at else "enrolled" if n.enrolled_at else "pending"
                    )
                    contact = n.last_contact_at.isoformat() if n.last_contact_at else "never"
                    self.stdout.write(
                        f"{n.code} {state} post={n.post_id or '-'} applied={n.applied_seq} "
                        f"backlog={max(0, n.node_head_seq - n.applied_seq)} last_contact={contact}"
                    )
        except LintasError as exc:
            details = "; ".join(str(v) for v in exc.field_errors.values())
            raise CommandError(f"{exc.message} {details}".strip(), returncode=1) from exc

    def _sent(self, code: str, since_text: str) -> None:
        try:
            day = date.fromisoformat(since_text)
        except ValueError as exc:
            raise CommandError(f"not a date: {since_text!r} (YYYY-MM-DD)", returncode=2) from exc
        since = timezone.make_aware(datetime.combine(day, time.min))
        rows = node_records_sent(user=None, code=code, since=since)
        for r in rows:
            self.stdout.write(
                f"sent at={r.at.isoformat()} model={r.model} id={r.record_id} "
                f"officer={r.officer_id or '-'}"
            )
        self.stdout.write(f"records={len(rows)} node={code} since={day.isoformat()}")
