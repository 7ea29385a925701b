"""The tip services: receipt codes, reading and adding with a code, validation, audit."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from argon2 import PasswordHasher
from django.db import connection
from django.test import override_settings
from django.utils import timezone, translation

from lintas.accounts.models import User
from lintas.accounts.roles import Role
from lintas.audit.models import AuditEntry
from lintas.cases import tips, triage
from lintas.cases.models import Tip, TipChannel, TipMessage, TipStatus
from lintas.common.errors import NotFound, ValidationFailed
from lintas.portal.models import TipIntake

pytestmark = pytest.mark.django_db

CODE_RE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){4}$")


@pytest.fixture
def verifications(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every Argon2 verification made, counted on the real verifier (not replaced)."""
    seen: list[str] = []
    real = PasswordHasher.verify

    def counting(self: PasswordHasher, hash: str | bytes, password: str | bytes) -> bool:
        seen.append(str(hash)[:10])
        return real(self, hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", counting)
    return seen


@pytest.fixture
def triager(user_factory: Callable[..., User]) -> User:
    return user_factory(Role.INVESTIGATOR)


def submit(**kwargs: Any) -> tips.SubmittedTip:
    kwargs.setdefault("body", "Perekrut membawa dua anak ke Kupang tanpa izin orang tua.")
    return tips.tip_submit(**kwargs)


def test_a_tip_gets_a_100_bit_code_stored_only_as_lookup_and_argon2(reference: None) -> None:
    submitted = submit(regency_code="53.04", district_code="53.04.02", at_risk="child")
    assert CODE_RE.match(submitted.receipt)
    assert submitted.duplicate is False
    tip = Tip.objects.get(pk=submitted.tip.pk)
    scheme, lookup, argon = tip.receipt_hash.split(":", 2)
    assert scheme == "r1"
    assert re.fullmatch(r"[0-9a-f]{32}", lookup)
    assert argon.startswith("$argon2id$")
    plain = submitted.receipt.replace("-", "")
    assert plain not in tip.receipt_hash
    assert plain[:8] not in tip.receipt_hash
    assert (tip.channel, tip.status, tip.language, tip.created_by_id) == ("web", "new", "id", None)
    assert (tip.regency_id, tip.district_id) == ("53.04", "53.04.02")
    # Nothing stored anywhere in the database holds the code or its first half.
    for table in connection.introspection.table_names():
        with connection.cursor() as cursor:
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - names from introspection
            dump = repr(cursor.fetchall())
        assert plain not in dump, table
        assert submitted.receipt not in dump, table


def test_codes_are_random_per_form_and_never_repeat(reference: None) -> None:
    codes = {submit().receipt for _ in range(20)}
    assert len(codes) == 20
    # The receipt alphabet is all used over many codes (no bias toward few characters).
    letters = set("".join(codes).replace("-", ""))
    assert len(letters) >= 28


def test_the_code_reads_the_status_and_replies_in_plain_words(
    reference: None, triager: User
) -> None:
    submitted = submit(contact_phone="0812-3456-7890")
    view = tips.tip_read_by_receipt(receipt=submitted.receipt)
    assert (view.status, view.replies, view.additions) == ("received", (), 0)
    assert view.contact_phone_masked == "+62812*****890"
    with translation.override("en"):
        assert view.status_label == "Received"
    triage.tip_verify(actor=triager, tip_id=submitted.tip.pk)
    triage.tip_reply(actor=triager, tip_id=submitted.tip.pk, text="Terima kasih, kami cek.")
    view = tips.tip_read_by_receipt(receipt=submitted.receipt.lower().replace("-", " "))
    assert view.status == "checking"
    assert [r.text for r in view.replies] == ["Terima kasih, kami cek."]
    triage.tip_open_case(actor=triager, tip_id=submitted.tip.pk)
    assert tips.tip_read_by_receipt(receipt=submitted.receipt).status == "passed"
    with translation.override("tet"):
        assert tips.tip_read_by_receipt(receipt=submitted.receipt).status_label == (
            "Haruka ona ba ajénsia ida"
        )


def test_a_merged_tip_shows_the_status_of_the_tip_it_joined_but_not_its_replies(
    reference: None, triager: User
) -> None:
    first, second = submit(), submit(body="Laporan yang sama dari orang lain.")
    triage.tip_merge(actor=triager, tip_id=second.tip.pk, into_id=first.tip.pk)
    triage.tip_reply(actor=triager, tip_id=first.tip.pk, text="Balasan untuk pelapor pertama.")
    triage.tip_close(actor=triager, tip_id=first.tip.pk, reason="Sudah ditangani")
    view = tips.tip_read_by_receipt(receipt=second.receipt)
    assert (view.status, view.replies) == ("closed", ())


def test_adding_information_is_a_message_from_the_reporter(reference: None) -> None:
    submitted = submit()
    view = tips.tip_add_information(receipt=submitted.receipt, text="  Mobilnya Avanza hitam. ")
    assert (view.additions, view.replies) == (1, ())
    message = TipMessage.objects.get(tip=submitted.tip)
    assert (message.from_reporter, message.body, message.created_by_id) == (
        True,
        "Mobilnya Avanza hitam.",
        None,
    )
    seed = os.urandom(16)
    tips.tip_add_information(receipt=submitted.receipt, text="Platnya DH 1234", intake_seed=seed)
    again = tips.tip_add_information(
        receipt=submitted.receipt, text="Platnya DH 1234", intake_seed=seed
    )
    assert again.additions == 2
    assert TipMessage.objects.filter(tip=submitted.tip).count() == 2


@pytest.mark.parametrize(
    "code",
    [
        "",
        "not a code",
        "0000-0000-0000-0000-0000",
        "ABCD-EFGH-JKMN-PQRS-TVW",  # 19 characters
        "ABCD-EFGH-JKMN-PQRS-TVWU",  # U is not in the alphabet
        "x" * 5000,
        "ABCD\x00EFGH-JKMN-PQRS-TVWX",
    ],
)
def test_a_wrong_or_malformed_code_gets_the_same_answer_after_one_argon2_check(
    reference: None, verifications: list[str], code: str
) -> None:
    submit()
    with pytest.raises(NotFound) as wrong:
        tips.tip_read_by_receipt(receipt=code)
    with translation.override("en"):
        assert str(wrong.value.message) == (
            "No report matches this code. Check the code and try again."
        )
    assert len(verifications) == 1
    with pytest.raises(NotFound):
        tips.tip_add_information(receipt=code, text="")
    assert len(verifications) == 2


def test_a_forged_code_with_a_real_first_half_costs_the_same_one_check(
    reference: None, verifications: list[str]
) -> None:
    real = submit().receipt
    forged = real[:10] + ("0000-0000-0000" if real[10:] != "0000-0000-0000" else "1111-1111-1111")
    with pytest.raises(NotFound) as wrong:
        tips.tip_read_by_receipt(receipt=forged)
    with pytest.raises(NotFound) as unknown:
        tips.tip_read_by_receipt(receipt="ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ")
    assert str(wrong.value.message) == str(unknown.value.message)
    assert (wrong.value.status, wrong.value.code) == (unknown.value.status, unknown.value.code)
    assert len(verifications) == 2
    # The forged code was checked against the tip's own hash, the unknown one against the
    # dummy: both Argon2id with the same parameters, so the work is the same.
    assert verifications == ["$argon2id$", "$argon2id$"]
    assert (
        tips._dummy_hash().split("$")[3]
        == (Tip.objects.get().receipt_hash.split(":", 2)[2].split("$")[3])
    )


def test_a_right_code_also_costs_exactly_one_check(
    reference: None, verifications: list[str]
) -> None:
    code = submit().receipt
    tips.tip_read_by_receipt(receipt=code)
    assert len(verifications) == 1


def test_the_same_form_token_twice_makes_one_tip_and_the_same_code(reference: None) -> None:
    seed = os.urandom(16)
    first = submit(intake_seed=seed)
    second = submit(intake_seed=seed, body="A different text after a reload")
    assert (first.duplicate, second.duplicate) == (False, True)
    assert second.receipt == first.receipt
    assert second.tip.pk == first.tip.pk
    assert Tip.objects.count() == 1
    assert TipIntake.objects.get().key != seed.hex()


def test_old_intake_keys_are_pruned(reference: None) -> None:
    old = submit(intake_seed=b"o" * 16)
    TipIntake.objects.filter(tip=old.tip).update(
        created_at=timezone.now() - timedelta(days=tips.INTAKE_KEEP_DAYS + 1)
    )
    submit(intake_seed=b"n" * 16)
    assert TipIntake.objects.count() == 1


@override_settings(SECRET_KEY="a-new-secret-key-after-rotation-0123456789abcdefghij")
def test_codes_issued_before_a_secret_key_rotation_still_work(reference: None) -> None:
    old_key = "insecure-development-key-not-for-production-0123456789abcdef"
    with override_settings(SECRET_KEY=old_key):
        code = submit().receipt
    with pytest.raises(NotFound):
        tips.tip_read_by_receipt(receipt=code)
    with override_settings(SECRET_KEY_FALLBACKS=[old_key]):
        assert tips.tip_read_by_receipt(receipt=code).status == "received"


def test_a_double_submit_across_a_key_rotation_shows_the_first_code(reference: None) -> None:
    old_key = "insecure-development-key-not-for-production-0123456789abcdef"
    seed = os.urandom(16)
    first = submit(intake_seed=seed)
    with override_settings(
        SECRET_KEY="a-new-secret-key-after-rotation-0123456789abcdefghij",
        SECRET_KEY_FALLBACKS=[old_key],
    ):
        again = submit(intake_seed=seed)
        assert tips.tip_read_by_receipt(receipt=again.receipt).status == "received"
    assert (again.duplicate, again.receipt) == (True, first.receipt)


def test_each_write_is_audited_without_actor_and_without_contact(reference: None) -> None:
    submitted = submit(contact="Tanya Maria di gereja", contact_phone="081234567890")
    tips.tip_add_information(receipt=submitted.receipt, text="Tambahan.")
    entries = list(AuditEntry.objects.filter(action__startswith="tip.").order_by("seq"))
    assert [(e.action, e.actor_id) for e in entries] == [
        ("tip.submit", None),
        ("tip.add_information", None),
    ]
    assert entries[0].fields == (
        "at_risk,body,channel,district_id,happened_on,language,regency_id,status,village_id"
    )
    assert "contact" not in entries[0].fields
    dump = repr([e.__dict__ for e in entries])
    for secret in ("Maria", "081234567890", "+6281234567890", "Tambahan", "Perekrut"):
        assert secret not in dump


def test_the_phone_is_stored_encrypted_and_masked(reference: None) -> None:
    submitted = submit(contact_phone="+62 812 3456 7890")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT contact_phone, contact_phone_masked, body FROM cases_tip WHERE id = %s",
            [submitted.tip.pk.hex if connection.vendor == "sqlite" else submitted.tip.pk],
        )
        phone, masked, body = cursor.fetchone()
    assert phone.startswith("enc1:")
    assert "3456" not in phone
    assert body.startswith("enc1:")
    assert masked == "+62812*****890"
    assert Tip.objects.get().contact_phone == "+6281234567890"


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"body": ""}, {"body": "Describe what happened."}),
        ({"body": "   \n\t "}, {"body": "Describe what happened."}),
        (
            {"body": "x" * 1_000_000},
            {
                "body": "At most 5000 characters; this text has 1000000. Shorten it, or send "
                "the rest afterwards with your receipt code."
            },
        ),
        (
            {"body": "ada\x00nul"},
            {"body": "The text contains a character that cannot be saved (a NUL byte). Remove it."},
        ),
        (
            {"body": "ada\x1bescape"},
            {"body": "The text contains invisible control characters. Remove them."},
        ),
        ({"regency_code": "99.99"}, {"regency": "Choose a place from the list."}),
        (
            {"regency_code": "53.01", "district_code": "53.04.02"},
            {"district": "This place is not in the area chosen above."},
        ),
        (
            {"district_code": "53.04.02", "village_code": "53.01.04.2003"},
            {"village": "This place is not in the area chosen above."},
        ),
        ({"at_risk": "dog"}, {"at_risk": "Choose one of the answers."}),
        (
            {"contact_phone": "12"},
            {"contact_phone": "Enter a phone number such as 0812 3456 7890 or +670 7723 4567."},
        ),
        (
            {"happened_on": timezone.localdate() + timedelta(days=3)},
            {"happened_on": "The date is in the future."},
        ),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_nothing_written(
    reference: None, fields: dict[str, Any], errors: dict[str, str]
) -> None:
    with translation.override("en"), pytest.raises(ValidationFailed) as refused:
        submit(**fields)
    with translation.override("en"):
        assert {k: str(v) for k, v in refused.value.field_errors.items()} == errors
    assert Tip.objects.count() == 0
    assert TipIntake.objects.count() == 0
    assert AuditEntry.objects.filter(action="tip.submit").count() == 0


def test_a_village_alone_fills_in_its_district_and_regency(reference: None) -> None:
    tip = submit(village_code="53.04.02.2001").tip
    assert (tip.regency_id, tip.district_id, tip.village_id) == (
        "53.04",
        "53.04.02",
        "53.04.02.2001",
    )


def test_script_tags_are_kept_as_text(reference: None) -> None:
    body = '<script>alert("x")</script> perekrut'
    tip = submit(body=body).tip
    assert Tip.objects.get(pk=tip.pk).body == body


def test_a_closed_tip_still_takes_information(reference: None, triager: User) -> None:
    submitted = submit()
    triage.tip_close(actor=triager, tip_id=submitted.tip.pk, reason="Tidak cukup keterangan")
    view = tips.tip_add_information(receipt=submitted.receipt, text="Saya punya foto mobilnya.")
    assert (view.status, view.additions) == ("closed", 1)
    assert Tip.objects.get(pk=submitted.tip.pk).status == TipStatus.CLOSED


def test_channel_must_be_known(reference: None) -> None:
    with pytest.raises(ValidationFailed):
        submit(channel="pigeon")
    assert submit(channel=TipChannel.WHATSAPP).tip.channel == "whatsapp"
