from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lintas.accounts.decorators import requires, signed_in_user
from lintas.accounts.roles import Capability
from lintas.insights.selectors import study_figures


@requires(Capability.VIEW_STUDY_FIGURES)
def figures(request: HttpRequest) -> HttpResponse:
    cases, poverty = study_figures(user=signed_in_user(request))
    peak = max((row.cases for row in cases), default=0)
    return render(
        request, "insights/figures.html", {"cases": cases, "poverty": poverty, "peak": peak}
    )
