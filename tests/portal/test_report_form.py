"""The public tip form, the receipt page, the check page and adding information, by HTTP."""

from __future__ import annotations

import html
import time
from collections.abc import Callable

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from pytest_django.fixtures import Settings

from lintas.accounts.models import User
from lintas.accounts.roles import Role
from lintas.cases import triage
from lintas.cases.models import Tip, TipMessage
from lintas.portal.models import TipIntake
from lintas.portal.security import TIP_LIMIT, form_token_issue
from tests.portal.helpers import (
    CSRF_RE,
    aged_token,
    english,
    post_tip,
    receipt_in,
    tip_data,
    token_in,
)

pytestmark = pytest.mark.django_db


def test_a_member_of_the_public_reports_and_gets_a_receipt(
    reference: None, settings: Settings
) -> None:
    settings.LINTAS_TIP_MIN_FILL_SECONDS = 0
    client = english(Client())
    form = client.get("/publik/lapor/")
    assert form.status_code == 200
    assert "no-store" in form["Cache-Control"]
    page = form.content.decode()
    assert "<h1>Report without giving your name</h1>" in page
    response = client.post("/publik/lapor/", tip_data(token=token_in(page)))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    text = response.content.decode()
    assert "<h1>Thank you. Your report was received.</h1>" in text
    code = receipt_in(text)
    tip = Tip.objects.get()
    assert (tip.channel, tip.language, tip.at_risk, tip.village_id) == (
        "web",
        "en",
        "child",
        "53.04.02.2001",
    )
    assert tip.body.startswith("Seorang perekrut menjemput")
    assert str(tip.happened_on) == "2026-11-20"
    # The public needs no session, and none was made.
    assert Session.objects.count() == 0
    assert "lintas_session" not in response.cookies
    status = client.post("/publik/cek/", {"code": code})
    assert status.status_code == 200
    assert "Status: <strong>Received</strong>" in status.content.decode()


def test_the_reporter_reads_a_reply_and_adds_information(
    reference: None, user_factory: Callable[..., User]
) -> None:
    client = english(Client())
    code = receipt_in(post_tip(client, contact_phone="0812 3456 7890").content.decode())
    tip = Tip.objects.get()
    triager = user_factory(Role.INVESTIGATOR)
    triage.tip_verify(actor=triager, tip_id=tip.pk)
    triage.tip_reply(actor=triager, tip_id=tip.pk, text="Terima kasih.\nKami <b>cek</b>.")
    page = client.post("/publik/cek/", {"code": code.lower()}).content.decode()
    assert "Status: <strong>Being checked</strong>" in page
    assert "<p>Terima kasih.<br>Kami &lt;b&gt;cek&lt;/b&gt;.</p>" in page
    assert "We may contact you at +62812*****890." in page
    assert "0812 3456 7890" not in page
    assert "+6281234567890" not in page
    token = token_in(page)
    added = client.post(
        "/publik/cek/tambah/", {"code": code, "text": "Mobil Avanza hitam.", "token": token}
    )
    assert added.status_code == 200
    after = added.content.decode()
    assert "Your information was added. Thank you." in after
    assert "Information you added: 1 (last on " in after
    # The same form sent again (a double tap, a reload) adds nothing more.
    client.post(
        "/publik/cek/tambah/", {"code": code, "text": "Mobil Avanza hitam.", "token": token}
    )
    assert list(TipMessage.objects.filter(from_reporter=True).values_list("body", flat=True)) == [
        "Mobil Avanza hitam."
    ]


def test_a_double_submit_makes_one_tip_and_shows_the_same_code(reference: None) -> None:
    client = english(Client())
    data = tip_data()
    first = client.post("/publik/lapor/", data)
    second = client.post("/publik/lapor/", data)
    assert Tip.objects.count() == 1
    assert receipt_in(first.content.decode()) == receipt_in(second.content.decode())
    assert "This form had already been sent." in second.content.decode()
    assert "This form had already been sent." not in first.content.decode()


def test_a_wrong_code_gets_the_same_page_as_a_forged_one(reference: None) -> None:
    client = english(Client())
    real = receipt_in(post_tip(client).content.decode())
    forged = real[:10] + ("2222-2222-2222" if not real.endswith("2222") else "3333-3333-3333")
    answers = []
    for code in (forged, "ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ", "nonsense"):
        response = client.post("/publik/cek/", {"code": code})
        page = response.content.decode().replace(html.escape(code), "CODE")
        # The CSRF token is masked afresh on every page; everything else must be equal.
        answers.append((response.status_code, CSRF_RE.sub("CSRF", page)))
    assert answers[0] == answers[1] == answers[2]
    assert answers[0][0] == 200
    assert "No report matches this code. Check the code and try again." in answers[0][1]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "Describe what happened."),
        ("x" * 1_000_000, "At most 5000 characters; this text has 1000000."),
    ],
)
def test_bad_tips_are_refused_with_a_message_and_nothing_is_written(
    reference: None, body: str, message: str
) -> None:
    response = post_tip(english(Client()), body=body)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Nothing was sent yet. Please correct the marked fields." in page
    assert message in page
    assert 'aria-invalid="true"' in page
    assert Tip.objects.count() == 0
    assert TipIntake.objects.count() == 0
    assert len(response.content) < 30_000  # a megabyte is not echoed back


def test_a_megabyte_tip_is_cut_when_shown_again(reference: None) -> None:
    page = post_tip(english(Client()), body="y" * 1_000_000).content.decode()
    assert "Your text was far too long; only its beginning is shown below." in page
    assert "y" * 5000 + "</textarea>" in page


def test_script_tags_are_shown_escaped(reference: None) -> None:
    client = english(Client())
    evil = '<script>alert("x")</script>'
    refused = post_tip(client, body=evil, contact_phone="12").content.decode()
    assert evil not in refused
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</textarea>" in refused
    code = receipt_in(post_tip(client, body=evil).content.decode())
    status = client.post("/publik/cek/", {"code": code}).content.decode()
    add = client.post("/publik/cek/tambah/", {"code": code, "text": "", "token": token_in(status)})
    assert "Write the information you want to add." in add.content.decode()
    assert Tip.objects.get().body == evil


def test_a_csrf_failure_keeps_what_was_typed_in_the_users_language(reference: None) -> None:
    client = Client(enforce_csrf_checks=True)
    client.cookies["lintas_language"] = "tet"
    form = client.get("/publik/lapor/")
    csrf_match = CSRF_RE.search(form.content.decode())
    assert csrf_match is not None
    # The cookie expired (or the browser dropped it) while the person was typing.
    del client.cookies["csrftoken"]
    typed = tip_data(body="Testu naruk ne'ebé ema hakerek kleur", csrfmiddlewaretoken=csrf_match[1])
    refused = client.post("/publik/lapor/", typed)
    assert refused.status_code == 403
    page = refused.content.decode()
    assert "Ita-nia relatóriu seidauk haruka" in page
    assert "Testu naruk ne&#x27;ebé ema hakerek kleur</textarea>" in page
    assert 'value="53.04.02.2001" selected' in page
    assert Tip.objects.count() == 0
    # The page carries a fresh token and cookie: sending again works.
    fresh = CSRF_RE.search(page)
    assert fresh is not None
    assert "csrftoken" in refused.cookies
    again = client.post("/publik/lapor/", {**typed, "csrfmiddlewaretoken": fresh[1]})
    assert again.status_code == 200
    assert "Obrigadu. Ami simu ona Ita-nia relatóriu." in again.content.decode()
    assert Tip.objects.count() == 1


def test_csrf_failures_on_check_and_add_keep_the_code_and_text(reference: None) -> None:
    client = english(Client(enforce_csrf_checks=True))
    refused = client.post("/publik/cek/", {"code": "ABCD-EFGH-JKMN-PQRS-TVWX"})
    assert refused.status_code == 403
    assert 'value="ABCD-EFGH-JKMN-PQRS-TVWX"' in refused.content.decode()
    refused = client.post(
        "/publik/cek/tambah/", {"code": "ABCD-EFGH-JKMN-PQRS-TVWX", "text": "Info penting"}
    )
    assert refused.status_code == 403
    page = refused.content.decode()
    assert "Your information was not sent: the form&#x27;s security check had expired." in page
    assert ">Info penting</textarea>" in page
    assert TipMessage.objects.count() == 0


def test_an_expired_or_forged_form_token_is_replaced_and_nothing_sent(reference: None) -> None:
    client = english(Client())
    for token in ("forged", form_token_issue(now=time.time() - 2 * 24 * 3600)):
        response = post_tip(client, token=token)
        page = response.content.decode()
        assert response.status_code == 200
        assert "This form was open for a long time. Nothing was sent yet" in page
        assert token_in(page) != token
        assert "Seorang perekrut menjemput" in page
    assert Tip.objects.count() == 0


def test_robots_are_stopped_by_the_honeypot_and_the_fill_time(reference: None) -> None:
    client = english(Client())
    trap = post_tip(client, website="http://spam.example")
    assert "Please check what you wrote, then press Send again." in trap.content.decode()
    fresh = form_token_issue()
    fast = post_tip(client, token=fresh)
    assert "Please check what you wrote, then press Send again." in fast.content.decode()
    assert token_in(fast.content.decode()) == fresh  # the same form, so still one tip later
    assert Tip.objects.count() == 0


def test_too_many_tips_from_one_address_are_refused_in_memory(reference: None) -> None:
    client = english(Client(REMOTE_ADDR="198.51.100.7"))
    count, _window = TIP_LIMIT
    for _ in range(count):
        assert post_tip(client).status_code == 200
    refused = post_tip(client, body="Satu laporan lagi yang tidak boleh hilang")
    assert refused.status_code == 429
    page = refused.content.decode()
    assert "Too many reports from this connection in the last hour." in page
    assert "Satu laporan lagi yang tidak boleh hilang</textarea>" in page
    assert Tip.objects.count() == count
    other = english(Client(REMOTE_ADDR="198.51.100.8"))
    assert post_tip(other).status_code == 200


def test_without_javascript_the_place_lists_narrow_by_a_button(reference: None) -> None:
    client = english(Client())
    page = client.get("/publik/lapor/").content.decode()
    assert '<option value="53.04">Kabupaten Belu</option>' in page
    assert "<noscript><button" in page
    assert "Silawan" not in page
    data = tip_data(district="", village="", refresh="1")
    narrowed = client.post("/publik/lapor/", data).content.decode()
    assert "The lists were updated. Nothing was sent yet." in narrowed
    assert '<option value="53.04.02">Tasifeto Timur</option>' in narrowed
    assert "Seorang perekrut menjemput" in narrowed
    data = tip_data(village="", refresh="1")
    narrowed = client.post("/publik/lapor/", data).content.decode()
    assert '<option value="53.04.02.2001">Silawan</option>' in narrowed
    assert Tip.objects.count() == 0


def test_the_htmx_fragment_narrows_and_drops_a_district_of_another_regency(
    reference: None,
) -> None:
    client = english(Client())
    fragment = client.get(
        "/publik/lapor/wilayah/", {"regency": "53.04", "district": "53.04.02"}
    ).content.decode()
    assert fragment.startswith('<div id="areas"')
    assert '<option value="53.04.02" selected>Tasifeto Timur</option>' in fragment
    assert '<option value="53.04.02.2001">Silawan</option>' in fragment
    switched = client.get(
        "/publik/lapor/wilayah/", {"regency": "53.03", "district": "53.04.02"}
    ).content.decode()
    assert "Tasifeto Timur" not in switched
    assert "Silawan" not in switched
    assert "Choose the district first" in switched


def test_public_forms_reject_other_methods(reference: None) -> None:
    client = Client()
    assert client.put("/publik/lapor/").status_code == 405
    assert client.get("/publik/cek/tambah/").status_code == 405
    assert aged_token() != aged_token()


@pytest.mark.parametrize("body", ["enc1:abc", "enc1:", "enc1:abc= mobil putih ke Atambua"])
def test_a_tip_that_looks_like_ciphertext_is_kept_as_typed(reference: None, body: str) -> None:
    client = english(Client())
    response = post_tip(client, body=body, contact="enc1:Ibu Maria")
    assert response.status_code == 200
    assert "<h1>Thank you. Your report was received.</h1>" in response.content.decode()
    tip = Tip.objects.get()
    assert (tip.body, tip.contact) == (body, "enc1:Ibu Maria")
    code = receipt_in(response.content.decode())
    status = client.post("/publik/cek/", {"code": code})
    assert status.status_code == 200
    added = client.post(
        "/publik/cek/tambah/",
        {"code": code, "text": "enc1:lagi", "token": token_in(status.content.decode())},
    )
    assert added.status_code == 200
    assert "Your information was added. Thank you." in added.content.decode()
    assert list(TipMessage.objects.filter(from_reporter=True).values_list("body", flat=True)) == [
        "enc1:lagi"
    ]
