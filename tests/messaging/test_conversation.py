from __future__ import annotations

from typing import Any

import pytest

from lintas.cases.models import AtRisk, Tip, TipChannel
from lintas.messaging.models import Conversation, ConversationState, OutboundMessage, OutboundState
from tests.messaging.conftest import settled, wait_for

pytestmark = pytest.mark.django_db(transaction=True)
TL = "+67077234567"


def test_tip_in_tetum_through_the_gateway(gateway: Any) -> None:
    gateway.deliver(TL, "Hau-nia alin feto ema lori ba Kupang atu servisu, nia la fila fali")
    [ask_where] = gateway.wait_received(1, to=TL)
    assert ask_where.text.startswith("Iha ne'ebe?")
    gateway.deliver(TL, "Belu, Tasifeto Timur")
    assert gateway.wait_received(2, to=TL)[1].text.startswith("Bainhira")
    gateway.deliver(TL, "horiseik")
    assert gateway.wait_received(3, to=TL)[2].text.startswith("Se mak iha risku?")
    gateway.deliver(TL, "1")
    assert gateway.wait_received(4, to=TL)[3].text.startswith("Ami-nia ekipa bele kontaktu")
    gateway.deliver(TL, "Sin")
    receipt = gateway.wait_received(5, to=TL)[4].text
    assert receipt.startswith("Lintas: ami simu ona ita-nia relatoriu. Kodigu ")
    wait_for(settled(5), what="five delivery reports")
    tip = Tip.objects.get()
    assert tip.channel == TipChannel.SMS
    assert tip.body.startswith("Hau-nia alin feto")
    assert tip.regency_id is not None
    assert tip.district is not None
    assert tip.district.name == "Tasifeto Timur"
    assert tip.at_risk == AtRisk.CHILD
    assert tip.contact_phone == TL
    assert tip.language == "tet"
    assert Conversation.objects.get().state == ConversationState.DONE
    assert set(OutboundMessage.objects.values_list("state", flat=True)) == {OutboundState.DELIVERED}


@pytest.mark.parametrize(
    ("text", "language"),
    [
        # The code's letters between digits are not English words.
        ("A8D4-7HE2-T0A9-1234-5678", "tet"),
        ("a8d4 7he2 t0a9 1234 5678", "tet"),
        # What follows the code still tells the language.
        ("A8D4-7HE2-T0A9-1234-5678 saya sudah di Kupang dengan anak", "id"),
        ("A8D4-7HE2-T0A9-1234-5678 the child was taken", "en"),
    ],
)
def test_a_receipt_code_does_not_choose_the_language(db: None, text: str, language: str) -> None:
    from lintas.messaging.services import _language_for

    assert _language_for("+67077123567", text, "no-conversation-yet") == language
