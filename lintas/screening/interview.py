"""The second interview: a short standard screening in Bahasa Indonesia.

In the spirit of the validated short Trafficking Victim Identification Tool (Vera
Institute): a few questions on recruitment and work, debts, documents, freedom of
movement, threats and age. A "concern" answer is the one that points to trafficking.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from lintas.accounts.models import User
from lintas.accounts.roles import Capability
from lintas.common.errors import NotFound, PermissionDenied, ValidationFailed
from lintas.common.text import clean_text
from lintas.crossings.models import Crossing
from lintas.journal import record_change
from lintas.screening.models import Alert, AlertStatus, InterviewOutcome, SecondInterview


@dataclass(frozen=True)
class Question:
    id: str
    topic: str
    text: Any
    concern: str  # the answer ("yes" or "no") that points to trafficking


QUESTIONS: tuple[Question, ...] = (
    Question(
        "job_offer_known",
        "recruitment",
        _("Do you know exactly what work you will do and who your employer is?"),
        "no",
    ),
    Question(
        "contract_signed",
        "recruitment",
        _("Did you sign a contract that you understood, and do you have a copy?"),
        "no",
    ),
    Question(
        "recruiter_paid",
        "debt",
        _("Did you or your family pay, or promise to pay, the recruiter or sponsor?"),
        "yes",
    ),
    Question("owes_money", "debt", _("Do you owe money that you must work to pay back?"), "yes"),
    Question(
        "family_received_money",
        "debt",
        _("Did your family receive money or goods for you to go (uang sirih pinang)?"),
        "yes",
    ),
    Question(
        "holds_own_documents",
        "documents",
        _("Do you hold your own passport or identity card right now?"),
        "no",
    ),
    Question(
        "free_to_leave",
        "movement",
        _("Could you stop this journey and go home if you wanted to?"),
        "no",
    ),
    Question(
        "told_what_to_say",
        "movement",
        _("Did someone tell you what to say to the officers?"),
        "yes",
    ),
    Question("threatened", "threats", _("Have you or your family been threatened or hurt?"), "yes"),
    Question("under_18", "age", _("Are you under 18 years old?"), "yes"),
)
ANSWERS = ("yes", "no", "unknown")
ALERT_OUTCOME: dict[str, str] = {
    InterviewOutcome.NO_CONCERN: "no_concern",
    InterviewOutcome.REFER_POLICE: "referred_police",
    InterviewOutcome.REFER_PROTECTION: "referred_protection",
    InterviewOutcome.REFER_IMMIGRATION: "referred_immigration",
}


def concern_count(answers: dict[str, str]) -> int:
    return sum(1 for q in QUESTIONS if answers.get(q.id) == q.concern)


def suggested_outcome(answers: dict[str, str]) -> str:
    """What the answers suggest; the interviewer decides."""
    concerns = concern_count(answers)
    if answers.get("threatened") == "yes" or concerns >= 4:
        return InterviewOutcome.REFER_POLICE
    if concerns >= 2 or answers.get("under_18") == "yes":
        return InterviewOutcome.REFER_PROTECTION
    return InterviewOutcome.NO_CONCERN


def interview_record(
    *,
    actor: User,
    crossing: Crossing,
    answers: dict[str, str],
    outcome: str,
    note: str,
    alert: Alert | None = None,
) -> SecondInterview:
    """Store a second interview and its outcome; the alert it answers is closed with it."""
    if not actor.can(Capability.HOLD_INTERVIEW):
        raise PermissionDenied(_("You are not allowed to do this."))
    if actor.post_id is not None and crossing.post_id != actor.post_id:
        raise NotFound(_("No such crossing at your post."))
    errors: dict[str, Any] = {}
    clean: dict[str, str] = {}
    for q in QUESTIONS:
        value = answers.get(q.id, "")
        if value not in ANSWERS:
            errors[q.id] = _("Answer yes, no or unknown.")
        clean[q.id] = value
    if outcome not in InterviewOutcome.values:
        errors["outcome"] = _("Choose an outcome.")
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), field_errors=errors)
    note = clean_text(note, field="note", max_length=1000, required=outcome != "no_concern")
    with transaction.atomic():
        interview = SecondInterview.objects.create(
            crossing=crossing,
            alert=alert,
            answers=clean,
            concern_count=concern_count(clean),
            outcome=outcome,
            note=note,
            created_by=actor,
        )
        record_change(
            actor=actor,
            action="interview.record",
            instance=interview,
            changed=["crossing_id", "answers", "outcome"],
        )
        if alert is not None and alert.status != AlertStatus.CLOSED:
            from lintas.screening.services import alert_close_locked

            if alert.crossing_id != crossing.pk:
                raise NotFound(_("No such alert."))
            alert_close_locked(
                actor=actor,
                alert=Alert.objects.select_for_update().get(pk=alert.pk),
                outcome=ALERT_OUTCOME[outcome],
                note=note or str(_("Second interview held.")),
            )
        if outcome != InterviewOutcome.NO_CONCERN:
            # The referral lands in the one triage queue at the hub.
            from lintas.cases.triage import tip_from_interview

            tip_from_interview(actor=actor, interview=interview)
    return interview
