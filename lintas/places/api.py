from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from lintas.common.api_errors import errors
from lintas.places import selectors

router = Router()


class AreaOut(Schema):
    code: str
    name: str


class EntryPointOut(Schema):
    code: str
    name: str


class PostOut(Schema):
    code: str
    name: str
    regency_code: str
    district_code: str
    village_code: str
    neighbour: str
    has_border_market: bool
    entry_points: list[EntryPointOut]


@router.get(
    "/posts",
    response={200: list[PostOut], **errors(400, 401)},
    summary="Border posts and their entry points",
)
def posts(request: HttpRequest) -> list[PostOut]:
    return [
        PostOut(
            code=p.code,
            name=p.name,
            regency_code=p.regency_id,
            district_code=p.district_id,
            village_code=p.village_id,
            neighbour=p.neighbour,
            has_border_market=p.has_border_market,
            entry_points=[EntryPointOut(code=e.code, name=e.name) for e in p.entry_points.all()],
        )
        for p in selectors.posts_list()
    ]


@router.get(
    "/regencies",
    response={200: list[AreaOut], **errors(400, 401)},
    summary="Regencies of the province",
)
def regencies(request: HttpRequest) -> list[AreaOut]:
    return [AreaOut(code=r.code, name=r.name) for r in selectors.regencies_list()]


@router.get(
    "/regencies/{code}/districts",
    response={200: list[AreaOut], **errors(400, 401)},
    summary="Districts",
)
def districts(request: HttpRequest, code: str) -> list[AreaOut]:
    return [AreaOut(code=d.code, name=d.name) for d in selectors.districts_of(regency_code=code)]


@router.get(
    "/districts/{code}/villages",
    response={200: list[AreaOut], **errors(400, 401)},
    summary="Villages",
)
def villages(request: HttpRequest, code: str) -> list[AreaOut]:
    return [AreaOut(code=v.code, name=v.name) for v in selectors.villages_of(district_code=code)]
