from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from lintas.accounts.demo import DEMO_PASSWORD, demo_accounts_seed
from lintas.places.models import Post


class Command(BaseCommand):
    help = "Create demo agencies, one demo user per role, and demo records (LINTAS_DEBUG only)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "seed-demo refuses to run with LINTAS_DEBUG off: demo users have a "
                "published password and must never exist on a live system."
            )
        if not Post.objects.exists():
            raise CommandError("Load the reference data first: lintas load-reference")
        translation.activate("id")
        logins = demo_accounts_seed()
        from lintas.cases.demo import demo_cases_seed
        from lintas.crossings.demo import demo_crossings_seed
        from lintas.screening.services import screening_backfill

        counts = {**demo_crossings_seed(), **demo_cases_seed()}
        counts["screening results"] = screening_backfill()
        from lintas.outreach.demo import demo_outreach_seed

        counts.update(demo_outreach_seed())
        self.stdout.write(
            "Demo records: " + ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in counts.items())
        )
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD})")
        width = max(len(login.username) for login in logins)
        for login in logins:
            where = f"{login.agency}" + (f", {login.post}" if login.post else "")
            self.stdout.write(f"  {login.username:<{width}}  {login.role} — {where}")
