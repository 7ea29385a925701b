"""An investigator finds a recruiter's phone and its workers in the network picture; an
analyst sees the same star with numbered labels only."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from lintas.accounts.models import User
from lintas.accounts.roles import Role
from lintas.cases.services import PersonData, case_open, case_person_add
from lintas.linkage.network_queries import network_current_forget
from tests.factories import PASSWORD
from tests.linkage.network_world import SPONSOR, cross, recruiter_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page: Page, live_server: LiveServer, user: User) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Nama pengguna").fill(user.username)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/")


def test_the_recruiter_phone_with_its_workers_is_plain_to_see(
    user_factory: Callable[..., User], live_server: LiveServer, page: Page, tmp_path: Path
) -> None:
    network_current_forget()
    world = recruiter_world(user_factory)
    cross(world.officers["wini"], surname="Nome", given="Sisilia", recruiter="Bpk. Yosef Nahak")
    investigator = user_factory(Role.INVESTIGATOR)
    case = case_open(actor=investigator, summary="Perekrutan ke Dili")
    case_person_add(
        actor=investigator,
        case=case,
        data=PersonData(role="suspect", first_name="Dominggus", second_name="Laka", phone=SPONSOR),
    )
    errors: list[str] = []
    page.on(
        "console",
        lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None,
    )

    sign_in(page, live_server, investigator)
    page.goto(f"{live_server.url}/linkage/networks/")
    page.get_by_label("Nomor telepon atau nama").fill("0812-3456-7890")
    page.get_by_role("button", name="Cari").click()
    picture = page.locator("svg[data-network]")
    expect(page.locator("main h2").first).to_have_text(
        f"{SPONSOR} dan semua yang berjarak dua langkah"
    )
    expect(picture.locator('[data-node="phone"]')).to_have_count(1)
    # The phone, four workers, the suspect whose phone it is, the recruiter two steps away.
    expect(picture.locator('[data-node="person"]')).to_have_count(5)
    expect(picture.locator('[data-node="recruiter"]')).to_have_count(1)
    for name in ("Maria Bria", "Yuliana Seran", "Agustina Taek", "Veronika Luan", "Dominggus Laka"):
        expect(picture.locator("text", has_text=name)).to_have_count(1)
    box = picture.bounding_box()
    assert box is not None
    assert (box["width"] > 900, box["height"] > 550) == (True, True)
    page.screenshot(path=tmp_path / "investigator.png", full_page=True)

    # An edge opens the records behind it.
    picture.locator("[data-edge]").first.click()
    assert page.url.endswith("#edge-1")
    expect(page.locator("#edge-1")).to_be_visible()

    # A node refocuses the picture on it.
    picture.locator('[data-node="recruiter"] polygon').click()
    expect(page.locator("main h2").first).to_have_text(
        "Pak Yosef Nahak dan semua yang berjarak dua langkah"
    )
    assert errors == []  # nothing refused by the Content Security Policy

    analyst_page = page.context.browser.new_context(locale="en-US").new_page()  # type: ignore[union-attr]
    sign_in(analyst_page, live_server, user_factory(Role.ANALYST))
    analyst_page.goto(f"{live_server.url}/linkage/networks/")
    labels = analyst_page.locator("svg[data-network] text").all_text_contents()
    assert "Telepon 1" in labels
    assert not any("Maria" in t or SPONSOR in t or "Yosef" in t for t in labels)
    analyst_page.screenshot(path=tmp_path / "analyst.png", full_page=True)
    analyst_page.context.close()
