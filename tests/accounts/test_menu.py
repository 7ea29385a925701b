"""Each role's menu: exactly the pages its capabilities open, in menu order, each reachable."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from lintas.accounts.menu import menu_for
from lintas.accounts.models import User
from lintas.accounts.roles import Role
from lintas.places.models import Post
from tests.factories import make_user

pytestmark = pytest.mark.django_db

PLACES = "places:posts"
MENUS = {
    Role.POST_OFFICER: ["crossings:desk", "crossings:today", "crossings:kilb_issue", PLACES],
    Role.MARKET_REGISTRAR: ["crossings:market", PLACES],
    Role.SUPERVISOR: [
        "crossings:today", "screening:alerts", "screening:watch_lists", "cases:tip_queue",
        "cases:case_list", "cases:referral_inbox", "cases:follow_ups", "linkage:review_queue",
        "crossings:kilb_issue", PLACES,
    ],
    Role.INVESTIGATOR: [
        "screening:alerts", "screening:watch_lists", "cases:tip_queue", "cases:case_list",
        "cases:referral_inbox", "cases:follow_ups", "linkage:review_queue", "linkage:network",
        "linkage:network_alerts", PLACES,
    ],
    Role.CASE_WORKER: [
        "screening:alerts", "screening:watch_lists", "cases:case_list", "cases:referral_inbox",
        "cases:follow_ups", PLACES,
    ],
    Role.OUTREACH_COORDINATOR: [
        "outreach:activity_list", "outreach:group_list", "outreach:report_list",
        "outreach:plan_list", "outreach:coverage", "outreach:province", "insights:figures",
        PLACES,
    ],
    Role.ANALYST: [
        "linkage:network", "outreach:coverage", "outreach:province",
        "outreach:indicator_import", "insights:public_releases", "insights:figures", PLACES,
    ],
    Role.AGENCY_ADMIN: ["accounts:user_list", PLACES],
    Role.SYSTEM_ADMIN: [
        "screening:rulesets", "crossings:plb_rules", "accounts:user_list", "accounts:agency_list",
        "audit:overview", "sync:status", "insights:figures", PLACES,
    ],
}  # fmt: skip
AT_POST = {Role.POST_OFFICER, Role.MARKET_REGISTRAR, Role.SUPERVISOR}


@pytest.mark.parametrize("role", list(Role.values))
def test_each_role_sees_its_menu_and_every_link_opens(
    role: str, reference: None, login_client: Callable[[User], Client]
) -> None:
    post = Post.objects.get(code="motaain") if role in AT_POST else None
    user = make_user(role, post=post)
    items = menu_for(user)
    assert [i.url_name for i in items] == MENUS[role]
    client = login_client(user)
    home = client.get("/").content.decode()
    for item in items:
        assert f'href="{item.url}"' in home, item.url_name
        assert client.get(item.url).status_code == 200, item.url_name
