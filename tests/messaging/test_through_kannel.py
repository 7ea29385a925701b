"""Through the real gateway: Kannel, the bridge and a simulated operator (fakesmsc)."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from lintas.accounts.models import AgencyType, User
from lintas.accounts.roles import Role
from lintas.cases.models import Tip, TipMessage
from lintas.messaging.gateway import bridge_send
from lintas.messaging.models import (
    Conversation,
    ConversationState,
    Handling,
    InboundMessage,
    OptOut,
    OutboundMessage,
    OutboundState,
)
from lintas.messaging.outbound import outbound_dispatch_due, outbound_queue
from lintas.messaging.services import conversations_expire, tip_reply_send
from tests.factories import make_agency
from tests.messaging.conftest import kanneltemp, settled, wait_for

pytestmark = pytest.mark.django_db(transaction=True)
TL = "+67077234567"
ID = "+6281234567890"


def _tetum_tip(gateway: Any) -> str:
    """A reporter in Timor-Leste tells a tip in Tetum; the receipt code they got."""
    answers = [
        "Ema ida lori hau-nia alin feto ba Kupang atu servisu, nia la fila fali",
        "Belu, Tasifeto Timur",
        "horiseik",
        "1",
        "1",
    ]
    for n, answer in enumerate(answers, start=1):
        gateway.deliver(TL, answer)
        gateway.wait_received(n, to=TL)
    receipt = gateway.wait_received(5, to=TL)[4].text
    return receipt.split("Kodigu ")[1].split(".")[0]


def test_reporter_reads_the_investigators_reply_by_code(
    gateway: Any, user_factory: Callable[..., User]
) -> None:
    code = _tetum_tip(gateway)
    assert len(code) == 24
    tip = Tip.objects.get()
    investigator = user_factory(
        Role.INVESTIGATOR, agency=make_agency(type=AgencyType.LAW_ENFORCEMENT)
    )
    reply, sms = tip_reply_send(
        actor=investigator, tip_id=tip.pk, text="Polisi Atambua sudah menerima laporan ini."
    )
    assert sms is not None
    assert sms.to_masked == "+67077***567"
    pushed = gateway.wait_received(6, to=TL)[5].text
    assert pushed == (
        "Lintas, resposta ba ita-nia relatoriu: Polisi Atambua sudah menerima laporan ini."
    )
    # Later, the reporter sends the code alone, then the code with more information.
    gateway.deliver(TL, code.lower().replace("-", " "))
    assert gateway.wait_received(7, to=TL)[6].text == (
        "Lintas, resposta ikus: Polisi Atambua sudah menerima laporan ini."
    )
    gateway.deliver(TL, f"{code} Nia telefone ohin husi Surabaya")
    assert gateway.wait_received(8, to=TL)[7].text == (
        "Lintas: ami simu ona informasaun foun. Obrigadu."
    )
    added = TipMessage.objects.get(tip=tip, from_reporter=True)
    assert added.body == "Nia telefone ohin husi Surabaya"
    wait_for(settled(8), what="eight delivery reports")
    assert reply.from_reporter is False


def test_long_message_in_14_parts_out_of_order_is_one_answer(gateway: Any) -> None:
    text = ("Anak-anak dari desa kami dibawa ke Malaysia oleh seorang agen. " * 40)[:2000]
    chunks = [text[i : i + 153] for i in range(0, 2000, 153)]
    assert len(chunks) == 14
    order = [13, 2, 0, 7, 5, 1, 12, 3, 9, 4, 11, 6, 10, 8]
    for index in order:
        udh = bytes([5, 0, 3, 0x5A, 14, index + 1])
        gateway.deliver(ID, chunks[index], udh=udh)
    [answer] = gateway.wait_received(1, to=ID)
    assert answer.text.startswith("Di mana?")
    message = InboundMessage.objects.get()
    assert message.text == text.strip()
    assert message.handling == Handling.CONVERSATION


def test_emoji_and_accents_arrive_whole(gateway: Any) -> None:
    gateway.deliver(ID, "Tolong 🙏 anak saya dibawa ke Kupang, café dekat pelabuhan 😢")
    gateway.wait_received(1, to=ID)
    message = InboundMessage.objects.get()
    assert message.text == "Tolong 🙏 anak saya dibawa ke Kupang, café dekat pelabuhan 😢"
    answers = Conversation.objects.get()
    assert "🙏" in answers.answers


def test_stop_in_tetum(gateway: Any) -> None:
    gateway.deliver(TL, "Para")
    [answer] = gateway.wait_received(1, to=TL)
    assert answer.text == "Lintas: ita sei la simu tan mensajen. Haruka HAHU atu simu fali."
    assert OptOut.objects.get().language == "tet"
    assert InboundMessage.objects.get().handling == Handling.STOP
    gateway.deliver(TL, "HAHU")
    gateway.wait_received(2, to=TL)
    assert OptOut.objects.count() == 0


def test_a_flood_from_one_number_is_kept_but_not_answered(gateway: Any) -> None:
    # 300 messages as fast as the simulated operator sends them (far above 1,000 a minute):
    # how fast the hub takes them in is measured by the benchmarks, not here.
    cmd = [kanneltemp.FAKESMSC, "-H", "127.0.0.1", "-r", str(gateway.in_port)]
    process = subprocess.Popen(
        [*cmd, "-m", "300", "-i", "0.001", f"{ID[1:]} 1717 text tolong tolong"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for(lambda: InboundMessage.objects.count() >= 300, timeout=240, what="300 messages")
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert InboundMessage.objects.count() == 300
    answered = InboundMessage.objects.exclude(handling=Handling.THROTTLED).count()
    assert answered == 8
    assert OutboundMessage.objects.count() == 8
    assert len(gateway.wait_received(8, to=ID, timeout=20)) == 8


def test_unfinished_conversation_becomes_a_tip_after_the_time_out(gateway: Any) -> None:
    gateway.deliver(ID, "Ada perempuan muda dibawa agen ke Batam tanpa dokumen")
    gateway.wait_received(1, to=ID)
    gateway.deliver(ID, "Kabupaten Belu")
    gateway.wait_received(2, to=ID)
    Conversation.objects.update(last_message_at=timezone.now() - timedelta(minutes=31))
    assert conversations_expire() == 1
    receipt = gateway.wait_received(3, to=ID)[2].text
    assert receipt.startswith("Lintas: laporan diterima. Kode tanda terima ")
    tip = Tip.objects.get()
    assert (tip.body, tip.regency_id, tip.district_id) == (
        "Ada perempuan muda dibawa agen ke Batam tanpa dokumen",
        "53.04",
        None,
    )
    assert tip.contact_phone == ""  # never agreed to be contacted
    assert Conversation.objects.get().state == ConversationState.TIMED_OUT
    assert conversations_expire() == 0


def test_a_send_cut_off_by_a_crash_reaches_the_handset_once(gateway: Any) -> None:
    message = outbound_queue(to=ID, text="Pertemuan kelompok Kamis jam 10.", purpose="notification")
    wait_for(settled(1), what="the first delivery")
    # The server died after the gateway took the message, before it wrote "sent": the row
    # is still "sending" when the server comes back, and the next try uses the same key.
    OutboundMessage.objects.filter(pk=message.pk).update(
        state=OutboundState.SENDING, next_attempt_at=timezone.now() - timedelta(seconds=1)
    )
    assert outbound_dispatch_due() == 1
    message.refresh_from_db()
    assert message.state in (OutboundState.SENT, OutboundState.DELIVERED)
    assert message.attempts == 2
    assert bridge_send(key=str(message.id), to=ID, text="again", coding=0).status == "accepted"
    assert len(gateway.wait_received(1, to=ID, timeout=3)) == 1


def test_unreachable_gateway_is_tried_again_later(gateway: Any, settings: Any) -> None:
    settings.LINTAS_GATEWAY_URL = f"http://127.0.0.1:{kanneltemp.free_port()}"
    message = outbound_queue(to=ID, text="Follow-up besok.", purpose="notification")
    message.refresh_from_db()
    assert (message.state, message.attempts) == (OutboundState.QUEUED, 1)
    assert message.next_attempt_at is not None
    assert 10 <= (message.next_attempt_at - timezone.now()).total_seconds() <= 16
    assert outbound_dispatch_due() == 0  # the pause is not over
    settings.LINTAS_GATEWAY_URL = gateway.bridge_url
    OutboundMessage.objects.update(next_attempt_at=timezone.now())
    assert outbound_dispatch_due() == 1
    wait_for(settled(1), what="delivery after the retry")
    message.refresh_from_db()
    assert (message.state, message.attempts) == (OutboundState.DELIVERED, 2)
    assert [r.text for r in gateway.wait_received(1, to=ID)] == ["Follow-up besok."]
