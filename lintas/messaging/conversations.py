"""A tip told over SMS, one short question at a time, in the reporter's language.

Steps: what happened, where (regency, district or village by name, with a choice when a
name is shared), when, who is at risk, whether staff may contact the number. Each step may
be skipped with 0. At the end the answers become one tip (``cases.tips.tip_submit``) and
the reporter gets the receipt code. Silence for ``TIMEOUT`` turns what was said so far into
a tip all the same, and the receipt goes out then. The number is kept with the tip only if
the reporter agreed to be contacted.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from lintas.cases.models import AtRisk, TipChannel
from lintas.cases.tips import BODY_MAX, tip_submit
from lintas.messaging import texts
from lintas.messaging.models import Conversation, ConversationState
from lintas.messaging.placematch import place_match

TIMEOUT = timedelta(minutes=30)
STEPS = ("what", "where", "pick", "when", "risk", "contact")
ANSWER_MAX = 2000
_RISK = {
    "1": AtRisk.CHILD,
    "anak": AtRisk.CHILD,
    "labarik": AtRisk.CHILD,
    "child": AtRisk.CHILD,
    "2": AtRisk.WOMAN,
    "perempuan": AtRisk.WOMAN,
    "feto": AtRisk.WOMAN,
    "woman": AtRisk.WOMAN,
    "3": AtRisk.MAN,
    "laki-laki": AtRisk.MAN,
    "mane": AtRisk.MAN,
    "man": AtRisk.MAN,
    "4": AtRisk.GROUP,
}
_TODAY = frozenset({"hari ini", "today", "ohin", "sekarang", "agora"})
_YESTERDAY = frozenset({"kemarin", "yesterday", "horiseik", "ontem"})
_DATE = re.compile(r"\b(\d{1,2})[/.\-](\d{1,2})(?:[/.\-](\d{2,4}))?\b")


@dataclass(frozen=True)
class Turn:
    """The reply to send (or ``""``) and the conversation as it stands."""

    reply: str
    conversation: Conversation


def _answers(conversation: Conversation) -> dict[str, Any]:
    try:
        data = json.loads(conversation.answers or "{}")
    except ValueError:
        data = {}
    return data if isinstance(data, dict) else {}


def _question(step: str, language: str, answers: dict[str, Any]) -> str:
    if step == "pick":
        options = " ".join(
            f"{i} {c['label']}" for i, c in enumerate(answers.get("choices", []), start=1)
        )
        reply = texts.text("where_pick", language, options=options)
        return reply[:160]
    return texts.text(f"ask_{step}", language)


def _next_step(step: str) -> str:
    order = ["what", "where", "when", "risk", "contact", "done"]
    return order[order.index("where") + 1] if step == "pick" else order[order.index(step) + 1]


def _parse_date(answer: str) -> date | None:
    lowered = answer.strip().lower()
    today = timezone.localdate()
    if lowered in _TODAY:
        return today
    if lowered in _YESTERDAY:
        return today - timedelta(days=1)
    found = _DATE.search(lowered)
    if found is None:
        return None
    day, month = int(found.group(1)), int(found.group(2))
    year = int(found.group(3)) if found.group(3) else today.year
    if year < 100:
        year += 2000
    try:
        when = date(year, month, day)
    except ValueError:
        return None
    if found.group(3) is None and when > today:
        when = when.replace(year=year - 1)
    return when if when <= today + timedelta(days=1) else None


def _take(step: str, answer: str, answers: dict[str, Any]) -> str:
    """Record ``answer`` for ``step``; the next step (``pick`` if a choice is needed)."""
    bare = answer.strip().lower()
    skipped = bare in texts.SKIP_WORDS
    if step == "what" and not skipped:
        answers["what"] = answer.strip()[:ANSWER_MAX]
    elif step == "where" and not skipped:
        places = place_match(answer)
        if len(places) == 1:
            answers["place"] = places[0].__dict__
        elif places:
            answers["choices"] = [p.__dict__ for p in places]
            answers["where_text"] = answer.strip()[:300]
            return "pick"
        else:
            answers["where_text"] = answer.strip()[:300]
    elif step == "pick":
        choices = answers.pop("choices", [])
        if bare.isdigit() and 1 <= int(bare) <= len(choices):
            answers["place"] = choices[int(bare) - 1]
            answers.pop("where_text", None)
    elif step == "when" and not skipped:
        when = _parse_date(answer)
        if when is not None:
            answers["when"] = when.isoformat()
        else:
            answers["when_text"] = answer.strip()[:300]
    elif step == "risk" and not skipped:
        risk = _RISK.get(bare)
        if risk is not None:
            answers["risk"] = str(risk)
    elif step == "contact":
        answers["contact"] = bare in texts.YES_WORDS
    return _next_step(step)


def conversation_start(
    *, sender: str, sender_key: str, language: str, channel: str = "sms"
) -> Conversation:
    now = timezone.now()
    return Conversation.objects.create(
        sender=sender,
        sender_key=sender_key,
        channel=channel,
        language=language,
        step="what",
        last_message_at=now,
    )


def conversation_open(*, sender_key: str) -> Conversation | None:
    """The sender's conversation still within its time-out, locked for this turn."""
    return (
        Conversation.objects.select_for_update()
        .filter(
            sender_key=sender_key,
            state=ConversationState.OPEN,
            last_message_at__gte=timezone.now() - TIMEOUT,
        )
        .order_by("-last_message_at")
        .first()
    )


def conversation_step(*, conversation: Conversation, text: str, first: bool = False) -> Turn:
    """One message of the reporter: take the answer, and say what comes next.

    A language keyword switches the language and asks the current question again; an
    opening word alone ("LAPOR") only asks what happened.
    """
    answers = _answers(conversation)
    word = texts.keyword(text)
    step = conversation.step
    if word in texts.LANGUAGE_WORDS:
        conversation.language = texts.LANGUAGE_WORDS[word]
    elif first and word in texts.OPENING_WORDS:
        pass
    else:
        step = _take(step, text, answers)
    conversation.step = step
    conversation.answers = json.dumps(answers, ensure_ascii=False)
    conversation.last_message_at = timezone.now()
    if step == "done":
        tip = conversation_finish(conversation=conversation, state=ConversationState.DONE)
        return Turn(tip, conversation)
    conversation.save()
    return Turn(_question(step, conversation.language, answers), conversation)


def _body(answers: dict[str, Any]) -> str:
    lines = [answers.get("what") or "(SMS)"]
    if answers.get("where_text"):
        lines.append(f"Tempat (SMS): {answers['where_text']}")
    if answers.get("when_text"):
        lines.append(f"Waktu (SMS): {answers['when_text']}")
    return "\n".join(lines)[:BODY_MAX]


def conversation_finish(*, conversation: Conversation, state: str) -> str:
    """Turn the answers into a tip (once) and return the receipt SMS; ``""`` if empty."""
    answers = _answers(conversation)
    content = any(answers.get(k) for k in ("what", "where_text", "when_text", "place", "when"))
    if not content:
        conversation.state = ConversationState.ABANDONED
        conversation.save()
        return ""
    place = answers.get("place") or {}
    with transaction.atomic():
        submitted = tip_submit(
            body=_body(answers),
            channel=TipChannel.SMS if conversation.channel == "sms" else TipChannel.WHATSAPP,
            regency_code=place.get("regency", ""),
            district_code=place.get("district", ""),
            village_code=place.get("village", ""),
            happened_on=date.fromisoformat(answers["when"]) if answers.get("when") else None,
            at_risk=answers.get("risk", AtRisk.UNKNOWN),
            contact_phone=conversation.sender if answers.get("contact") else "",
            language=conversation.language,
            intake_seed=conversation.id.bytes,
        )
        conversation.tip = submitted.tip
        conversation.state = state
        conversation.save()
    return texts.text("receipt", conversation.language, code=submitted.receipt)


def conversations_due() -> list[Conversation]:
    """Open conversations silent for longer than the time-out."""
    return list(
        Conversation.objects.filter(
            state=ConversationState.OPEN, last_message_at__lt=timezone.now() - TIMEOUT
        ).order_by("last_message_at")[:500]
    )
