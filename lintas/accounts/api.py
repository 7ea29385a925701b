from __future__ import annotations

from uuid import UUID

from django.http import HttpRequest
from ninja import Router, Schema

from lintas.accounts import selectors
from lintas.accounts.decorators import signed_in_user
from lintas.common.api_errors import errors

router = Router()


class MeOut(Schema):
    id: UUID
    username: str
    full_name: str
    role: str
    agency_code: str
    agency_name: str
    post_code: str | None
    capabilities: list[str]


class UserOut(Schema):
    id: UUID
    username: str
    full_name: str
    role: str
    agency_code: str
    post_code: str | None
    is_active: bool


@router.get("/me", response={200: MeOut, **errors(400, 401)}, summary="The signed-in user")
def me(request: HttpRequest) -> MeOut:
    user = signed_in_user(request)
    return MeOut(
        id=user.pk,
        username=user.username,
        full_name=user.full_name,
        role=user.role,
        agency_code=user.agency.code,
        agency_name=user.agency.name,
        post_code=user.post_id,
        capabilities=sorted(user.capabilities),
    )


@router.get(
    "/users",
    response={200: list[UserOut], **errors(400, 401, 403)},
    summary="Users the caller administers",
)
def users(request: HttpRequest, q: str = "") -> list[UserOut]:
    actor = signed_in_user(request)
    return [
        UserOut(
            id=u.pk,
            username=u.username,
            full_name=u.full_name,
            role=u.role,
            agency_code=u.agency.code,
            post_code=u.post_id,
            is_active=u.is_active,
        )
        for u in selectors.users_manageable(actor=actor, search=q)[:500]
    ]
