from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from lintas.accounts.decorators import requires, signed_in_user
from lintas.accounts.roles import Capability
from lintas.common.pages import flashed
from lintas.insights.selectors import public_release_list, public_tables_summary, study_figures
from lintas.insights.services import public_release_publish
from lintas.portal.statistics import TITLES


@requires(Capability.VIEW_STUDY_FIGURES)
def figures(request: HttpRequest) -> HttpResponse:
    cases, poverty = study_figures(user=signed_in_user(request))
    peak = max((row.cases for row in cases), default=0)
    return render(
        request, "insights/figures.html", {"cases": cases, "poverty": poverty, "peak": peak}
    )


@requires(Capability.PUBLISH_STATISTICS)
def public_releases(request: HttpRequest) -> HttpResponse:
    """The public statistics as published, and publishing a new release (POST)."""
    user = signed_in_user(request)
    if request.method == "POST":
        with flashed(request) as refused:
            release = public_release_publish(actor=user)
        if not refused:
            messages.success(
                request,
                _("New figures published: %(date)s.")
                % {
                    "date": date_format(timezone.localtime(release.generated_at), "DATETIME_FORMAT")
                },
            )
        return redirect("insights:public_releases")
    releases = public_release_list(user=user)
    latest = releases[0] if releases else None
    context = {
        "releases": releases,
        "latest": latest,
        "tables": [
            (TITLES.get(t.name, t.name), t)
            for t in (public_tables_summary(latest.payload) if latest else [])
        ],
    }
    return render(request, "insights/public_releases.html", context)
