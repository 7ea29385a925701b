"""A reviewer splits a proposed link in Chromium; the Motaain desk then knows the Wini crossing."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from lintas.accounts.models import User
from lintas.linkage.models import LinkRefusal, Person, PersonRecord, ProposalStatus
from tests.browser.test_linkage_network import sign_in
from tests.linkage.review_world import review_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shots(tmp_path: Path) -> Path:
    # LINTAS_SCREENSHOTS keeps the pictures for a person to look at; otherwise a temp folder.
    folder = Path(os.environ.get("LINTAS_SCREENSHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_a_reviewer_splits_a_proposal_and_the_desk_knows_the_traveller(
    user_factory: Callable[..., User], live_server: LiveServer, page: Page, tmp_path: Path
) -> None:
    world = review_world(user_factory)
    shots = _shots(tmp_path)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if "Content Security" in m.text else None)
    missing: list[str] = []
    page.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)

    sign_in(page, live_server, world.investigator)
    page.goto(f"{live_server.url}/linkage/review/")
    expect(page.locator("main h1")).to_have_text("Tautan untuk ditinjau")
    expect(page.locator("[data-review-queue] tbody tr")).to_have_count(1)
    page.screenshot(path=shots / "review-queue.png", full_page=True)
    page.get_by_role("link", name="Tinjau", exact=True).click()

    records = page.locator("table[data-records]")
    expect(records.locator("thead th")).to_have_count(4)
    expect(records.locator("td[data-name]")).to_have_text(
        ["Maria Bria", "Maria Bria", "Yuliana Seran"]
    )
    expect(page.locator("[data-pair]")).to_have_count(3)
    page.screenshot(path=shots / "review-proposal.png", full_page=True)

    # A and B are one woman; C (Motamasin) is someone else.
    split = page.locator("form[data-split]")
    selects = split.locator("select")
    expect(selects).to_have_count(3)
    selects.nth(0).select_option("1")
    selects.nth(1).select_option("1")
    selects.nth(2).select_option("2")
    split.get_by_role("button", name="Pisahkan menurut kelompok ini").click()
    expect(page.locator(".messages li")).to_have_text(
        "Dipisah: setiap kelompok dicatat sebagai orang tersendiri."
    )
    expect(page.locator("main h1")).to_have_text("Usulan tautan: Dipisah")
    expect(page.locator("form[data-split]")).to_have_count(0)
    world.the_proposal.refresh_from_db()
    assert world.the_proposal.status == ProposalStatus.SPLIT
    assert LinkRefusal.objects.count() == 2
    person = Person.objects.get()
    assert PersonRecord.objects.filter(person=person, undone_at__isnull=True).count() == 2

    page.locator("[data-persons] a").click()
    expect(page.locator("[data-person-records] tbody tr")).to_have_count(2)
    page.screenshot(path=shots / "review-person.png", full_page=True)
    page.context.clear_cookies()

    motaain = world.crossings["motaain"]
    sign_in(page, live_server, world.officers["motaain"])
    page.goto(f"{live_server.url}/crossings/desk/")
    page.locator("#scan").fill(motaain.document.number)
    page.keyboard.press("Enter")
    known = page.locator("[data-known-elsewhere]")
    expect(known.locator("[data-earlier-crossing]")).to_have_count(1)
    expect(known.locator("[data-earlier-crossing] td").nth(1)).to_have_text(
        world.crossings["wini"].post.name
    )
    page.screenshot(path=shots / "desk-known-elsewhere.png", full_page=True)
    assert errors == []
    assert missing == []
