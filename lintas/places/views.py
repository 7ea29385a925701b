from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from lintas.accounts.decorators import requires
from lintas.accounts.roles import Capability
from lintas.places import selectors
from lintas.places.models import District, Regency


@requires(Capability.VIEW_REFERENCE)
def posts(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "places/posts.html",
        {"posts": selectors.posts_list(), "regencies": selectors.regencies_list()},
    )


@requires(Capability.VIEW_REFERENCE)
def regency(request: HttpRequest, code: str) -> HttpResponse:
    item = get_object_or_404(Regency, code=code)
    return render(
        request,
        "places/regency.html",
        {"regency": item, "districts": selectors.districts_of(regency_code=item.code)},
    )


@requires(Capability.VIEW_REFERENCE)
def district(request: HttpRequest, code: str) -> HttpResponse:
    item = get_object_or_404(District.objects.select_related("regency"), code=code)
    return render(
        request,
        "places/district.html",
        {"district": item, "villages": selectors.villages_of(district_code=item.code)},
    )
