"""A system administrator sees a refused push on the hub's sync page and marks it reviewed."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from lintas.accounts.roles import Role
from lintas.common.ids import uuid7
from lintas.crossings.models import CrossingGroup
from lintas.places.models import Post
from lintas.sync.models import SecurityEvent
from tests.factories import PASSWORD, make_user
from tests.sync.helpers import FakeNode

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_administrator_reviews_a_refused_push(
    reference: None, live_server: LiveServer, page: Page
) -> None:
    admin = make_user(Role.SYSTEM_ADMIN, username="admin.hub")
    wini_officer = make_user(Role.POST_OFFICER, post=Post.objects.get(code="wini"))
    node = FakeNode(code="post-motaain", post="motaain")
    # A stolen Motaain node claims a Wini officer made a crossing group at Wini.
    forged = CrossingGroup(
        id=uuid7(), origin="post-motaain", post_id="wini", label="Bus", created_by=wini_officer
    )
    assert node.push(node.batch([node.event(forged)], after=0)).status_code == 403
    page.goto(f"{live_server.url}/accounts/login/?next=/sync/")
    page.keyboard.type("admin.hub")
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.locator("#security")).to_contain_text("policy.officer")
    expect(page.locator("h2").first).to_have_text("Kejadian keamanan")
    expect(page.locator("#security")).to_contain_text("crossings.crossinggroup")
    if os.environ.get("LINTAS_SCREENSHOTS"):
        page.screenshot(path=os.path.join(os.environ["LINTAS_SCREENSHOTS"], "sync-security.png"))
    page.get_by_label("Catatan").first.fill("PC Motaain hilang; node dicabut")
    page.get_by_role("button", name="Sudah ditinjau").click()
    expect(page.locator(".messages")).to_contain_text("Kejadian keamanan ditandai sudah ditinjau.")
    expect(page.locator("#no-security")).to_be_visible()
    event = SecurityEvent.objects.get()
    assert (event.reviewed_by_id, event.review_note) == (
        admin.pk,
        "PC Motaain hilang; node dicabut",
    )
    assert not CrossingGroup.objects.filter(pk=forged.pk).exists()
