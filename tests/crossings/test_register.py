"""Registering crossings: documents, rules, idempotency, and refusals that change nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.utils import timezone

from lintas.accounts.models import User
from lintas.accounts.roles import Role
from lintas.audit.models import AuditEntry
from lintas.common.errors import PermissionDenied, ValidationFailed
from lintas.crossings.models import Crossing, DocumentKind, KilbCard, TravelDocument, Traveller
from lintas.crossings.services import CrossingData, DocumentData, TravellerData
from lintas.sync.models import OutboxEvent
from tests.crossings.conftest import register

pytestmark = pytest.mark.django_db

TODAY = date.today()


def counts() -> tuple[int, int, int, int, int]:
    return (
        Crossing.objects.count(),
        Traveller.objects.count(),
        TravelDocument.objects.count(),
        AuditEntry.objects.count(),
        OutboxEvent.objects.count(),
    )


def plb(number: str = "PLB0001", issued: date | None = None) -> DocumentData:
    issued = issued or TODAY - timedelta(days=30)
    return DocumentData(
        kind=DocumentKind.PLB,
        number=number,
        issuing_state="IDN",
        issued_on=issued,
        expiry_date=issued + timedelta(days=364),
    )


def resident(district: str) -> TravellerData:
    return TravellerData(
        surname="Seran",
        given_names="Maria",
        sex="F",
        birth_date=date(1980, 1, 1),
        residence_district_code=district,
    )


def to(destination: str, direction: str = "out", post: str = "motaain") -> CrossingData:
    return CrossingData(
        direction=direction,
        purpose="family",
        entry_point_code=f"{post}-{post}",
        destination=destination,
    )


def test_passport_crossing_is_registered_with_audit_and_outbox(
    officer_at: Callable[[str], User],
) -> None:
    officer = officer_at("motaain")
    before = counts()
    crossing = register(officer)
    assert (crossing.post_id, crossing.direction, crossing.purpose) == ("motaain", "out", "family")
    assert crossing.created_by_id == officer.pk
    assert crossing.traveller.full_name == "Yohanes Bria"
    after = counts()
    assert after[:3] == (before[0] + 1, before[1] + 1, before[2] + 1)
    # traveller, document, crossing and its screening result: audited and queued for sync
    assert after[3] - before[3] == 4
    assert after[4] - before[4] == 4
    assert set(OutboxEvent.objects.order_by("-id").values_list("model", flat=True)[:4]) == {
        "crossings.crossing",
        "crossings.traveller",
        "crossings.traveldocument",
        "screening.screeningresult",
    }


def test_returning_traveller_is_found_by_document_and_inbound_links_outbound(
    officer_at: Callable[[str], User],
) -> None:
    officer = officer_at("motaain")
    out = register(officer)
    back = register(officer, crossing=to("", direction="in"))
    assert back.traveller_id == out.traveller_id
    assert back.document_id == out.document_id
    assert back.outbound_id == out.pk
    assert Traveller.objects.count() == 1


def test_same_crossing_id_twice_saves_once(officer_at: Callable[[str], User]) -> None:
    from lintas.common.ids import uuid7

    officer = officer_at("motaain")
    key = uuid7()
    first = register(officer, crossing_id=key)
    before = counts()
    second = register(officer, crossing_id=key)
    assert second.pk == first.pk == key
    assert counts() == before


def test_failed_mrz_check_refuses_until_confirmed_and_is_kept(
    officer_at: Callable[[str], User],
) -> None:
    officer = officer_at("motaain")
    doc = DocumentData(
        kind=DocumentKind.PASSPORT,
        number="C7654321",
        issuing_state="IDN",
        expiry_date=date(2030, 1, 1),
        mrz_format="TD3",
        mrz_errors=("birth_date check digit",),
    )
    before = counts()
    with pytest.raises(ValidationFailed) as exc:
        register(officer, document=doc)
    assert set(exc.value.field_errors) == {"birth_date"}
    assert counts() == before
    crossing = register(officer, document=doc, accept_document_problems=True)
    assert crossing.document_problems == ["birth_date check digit"]


def test_expired_passport_needs_a_reason_or_a_refusal(officer_at: Callable[[str], User]) -> None:
    doc = DocumentData(
        kind=DocumentKind.PASSPORT,
        number="C1",
        issuing_state="IDN",
        expiry_date=TODAY - timedelta(days=1),
    )
    officer = officer_at("motaain")
    before = counts()
    with pytest.raises(ValidationFailed) as exc:
        register(officer, document=doc)
    assert {k: str(v) for k, v in exc.value.field_errors.items()} == {
        "expiry_date": "Dokumen sudah kedaluwarsa. Catat sebagai penolakan, atau isi alasan "
        "dokumen tetap diterima di bawah.",
        "document_reason": "Isi alasannya, atau catat sebagai penolakan.",
    }
    assert counts() == before


def test_plb_of_eligible_resident_to_listed_subdistrict(officer_at: Callable[[str], User]) -> None:
    crossing = register(
        officer_at("motaain"), traveller=resident("53.04.02"), document=plb(), crossing=to("Balibo")
    )
    assert crossing.document.kind == DocumentKind.PLB


@pytest.mark.parametrize(
    ("district", "destination", "document", "post", "fields"),
    [
        ("53.71.01", "Balibo", None, "motaain", {"residence_district"}),
        ("53.04.18", "Balibo", None, "motaain", {"residence_district"}),
        ("", "Balibo", None, "motaain", {"residence_district"}),
        ("53.04.02", "Dili", None, "motaain", {"destination"}),
        ("53.04.02", "Balibo", "expired", "motaain", {"expiry_date"}),
        ("53.21.11", "Suai Kota", None, "motamasin", {"kind"}),
    ],
    ids=[
        "not-border-district",
        "split-off-pending",
        "no-residence",
        "dili",
        "expired",
        "motamasin-refuses",
    ],
)
def test_plb_rules_refuse_and_change_nothing(
    officer_at: Callable[[str], User],
    district: str,
    destination: str,
    document: str | None,
    post: str,
    fields: set[str],
) -> None:
    officer = officer_at(post)
    doc = plb(issued=TODAY - timedelta(days=400)) if document == "expired" else plb()
    before = counts()
    with pytest.raises(ValidationFailed) as exc:
        register(
            officer, traveller=resident(district), document=doc, crossing=to(destination, post=post)
        )
    assert set(exc.value.field_errors) == fields
    assert counts() == before


def test_ktp_crossing_checks_the_nik(officer_at: Callable[[str], User]) -> None:
    officer = officer_at("wini")
    woman = TravellerData(
        surname="Tefa", given_names="Yosefina", sex="F", birth_date=date(1990, 8, 15)
    )
    ok = register(
        officer,
        traveller=woman,
        document=DocumentData(
            kind=DocumentKind.KTP, number="5304025508900001", issuing_state="IDN"
        ),
        crossing=to("Oecusse", post="wini"),
    )
    assert ok.document.number == "5304025508900001"
    for nik, field in [
        ("9999995508900001", "number"),
        ("5304025508900002X", "number"),
        ("5304023102900001", "number"),
    ]:
        with pytest.raises(ValidationFailed) as exc:
            register(
                officer,
                traveller=woman,
                document=DocumentData(kind=DocumentKind.KTP, number=nik, issuing_state="IDN"),
                crossing=to("Oecusse", post="wini"),
            )
        assert field in exc.value.field_errors


def test_a_ktp_from_surabaya_is_registered_and_a_bad_serial_is_not(
    officer_at: Callable[[str], User],
) -> None:
    officer = officer_at("motaain")
    worker = TravellerData(
        surname="Santoso", given_names="Rina", sex="F", birth_date=date(1995, 3, 12)
    )
    ok = register(
        officer,
        traveller=worker,
        document=DocumentData(
            kind=DocumentKind.KTP, number="3578105203950003", issuing_state="IDN"
        ),
        crossing=to("Dili", post="motaain"),
    )
    assert ok.document.number == "3578105203950003"
    before = counts()
    with pytest.raises(ValidationFailed) as exc:
        register(
            officer,
            traveller=worker,
            document=DocumentData(
                kind=DocumentKind.KTP, number="3578105203950000", issuing_state="IDN"
            ),
            crossing=to("Dili", post="motaain"),
        )
    assert exc.value.field_errors == {"number": "Empat angka terakhir NIK tidak pernah 0000."}
    assert counts() == before


@pytest.mark.parametrize(
    ("traveller", "field"),
    [
        (TravellerData(surname=""), "surname"),
        (TravellerData(surname="Bria\x00"), "surname"),
        (TravellerData(surname="B" * 1_000_000), "surname"),
        (TravellerData(surname="Bria", sex="Q"), "sex"),
        (TravellerData(surname="Bria", nationality="INDONESIA"), "nationality"),
        (TravellerData(surname="Bria", birth_date=TODAY + timedelta(days=2)), "birth_date"),
        (TravellerData(surname="Bria", residence_district_code="99.99.99"), "residence_district"),
    ],
    ids=["empty", "nul", "huge", "sex", "nationality", "future-birth", "district"],
)
def test_bad_traveller_input_changes_nothing(
    officer_at: Callable[[str], User], traveller: TravellerData, field: str
) -> None:
    officer = officer_at("motaain")
    before = counts()
    with pytest.raises(ValidationFailed) as exc:
        register(officer, traveller=traveller)
    assert field in exc.value.field_errors
    assert counts() == before


def test_entry_point_of_another_post_is_refused(officer_at: Callable[[str], User]) -> None:
    with pytest.raises(ValidationFailed) as exc:
        register(officer_at("motaain"), crossing=to("x", post="wini"))
    assert "entry_point" in exc.value.field_errors


def test_only_desk_roles_register(user_factory: Callable[..., User]) -> None:
    for role in (Role.CASE_WORKER, Role.SUPERVISOR, Role.ANALYST):
        actor = user_factory(role)
        with pytest.raises(PermissionDenied):
            register(actor)
    assert Crossing.objects.count() == 0


def test_kilb_goods_are_recorded(officer_at: Callable[[str], User]) -> None:
    officer = officer_at("motaain")
    first = register(officer, traveller=resident("53.04.02"), document=plb(), crossing=to("Balibo"))
    KilbCard.objects.create(
        number="KILB-001",
        holder_id=first.traveller_id,
        plb_id=first.document_id,
        monthly_limit_idr=1_500_000,
        expiry_date=TODAY + timedelta(days=200),
    )
    back = register(
        officer,
        traveller=resident("53.04.02"),
        document=plb(),
        crossing=CrossingData(
            direction="in",
            purpose="trade",
            entry_point_code="motaain-motaain",
            goods_value_idr=250_000,
            kilb_number="kilb-001",
        ),
    )
    assert (back.kilb.number, back.goods_value_idr) == ("KILB-001", 250_000)
    with pytest.raises(ValidationFailed):
        register(
            officer,
            crossing=CrossingData(
                direction="in",
                purpose="trade",
                entry_point_code="motaain-motaain",
                kilb_number="KILB-001",
            ),
        )


def test_registration_time_is_now_in_utc(officer_at: Callable[[str], User]) -> None:
    crossing = register(officer_at("motaain"))
    assert abs((timezone.now() - crossing.crossed_at).total_seconds()) < 60
