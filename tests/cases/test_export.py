"""HTCDS export: the standard's field names; identified only encrypted; de-identified clean."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from lintas.accounts.models import User
from lintas.accounts.roles import Role
from lintas.audit.models import AuditEntry
from lintas.cases import htcds
from lintas.cases.export import decrypt_export, export_htcds
from lintas.cases.models import Case, CasePerson
from lintas.cases.services import PersonData, case_event_add, case_person_add
from lintas.common.errors import PermissionDenied, ValidationFailed
from tests.cases.conftest import VICTIM_NAME

pytestmark = pytest.mark.django_db
PASSPHRASE = "kata-sandi-ekspor-2026"


def keys(obj: object) -> set[str]:
    found: set[str] = set()
    if isinstance(obj, dict):
        for k, v in obj.items():
            found.add(k)
            found |= keys(v)
    elif isinstance(obj, list):
        for item in obj:
            found |= keys(item)
    return found


@pytest.fixture
def full_case(case: Case, victim: CasePerson, case_worker: User) -> Case:
    case_person_add(
        actor=case_worker,
        case=case,
        data=PersonData(
            role="suspect", first_name="Yakobus", roles_in_process=["RecruiterOrIntermediary"]
        ),
    )
    case_event_add(
        actor=case_worker,
        case=case,
        type="Recruitment",
        date_=date(2025, 3, 14),
        city="Atambua",
        country="IDN",
        description="Ditawari kerja di kebun sawit",
    )
    return case


def test_field_names_follow_the_standard(full_case: Case, case_worker: User) -> None:
    case_worker.role = Role.INVESTIGATOR  # identified exports are for investigators
    data = json.loads(
        decrypt_export(
            export_htcds(actor=case_worker, deidentified=False, passphrase=PASSPHRASE), PASSPHRASE
        )
    )
    [record] = data
    standard = set(htcds.field_names())
    ours = {k for k in keys(record) if not k.startswith("lin_")} - {
        "persons",
        "events",
        "support_plan",
    }
    assert ours <= standard | {"cas_CaseSummary"}
    assert {k[:4] for k in ours} >= {"org_", "prs_", "vic_", "per_", "hte_", "cas_"}
    victim = next(p for p in record["persons"] if p["lin_Role"] == "victim")
    assert (victim["prs_FirstName"], victim["vic_MethodsOfControl"]) == (
        "Yosefina",
        ["DebtBondage", "WithholdsDocuments"],
    )
    assert record["events"][0] == {
        "hte_Type": "Recruitment",
        "hte_Date": "2025-03-14",
        "hte_Country": "IDN",
        "hte_State": None,
        "hte_City": "Atambua",
        "lin_District": None,
        "hte_Description": "Ditawari kerja di kebun sawit",
    }


def test_deidentified_export_has_no_identity(
    full_case: Case, make_role: Callable[..., User]
) -> None:
    analyst = make_role(Role.ANALYST)
    raw = export_htcds(actor=analyst, deidentified=True)
    text = raw.decode("utf-8")
    for secret in (
        "Yosefina",
        "Kolo",
        "Yakobus",
        "6281234500001",
        "2004-06-01",
        "Atambua",
        "kebun sawit",
        "Direkrut",
    ):
        assert secret not in text
    [record] = json.loads(text)
    victim = next(p for p in record["persons"] if p["lin_Role"] == "victim")
    assert (victim["lin_BirthYear"], victim["prs_MailingCity"]) == (2004, "Tasifeto Timur")
    assert record["events"][0]["hte_Date"] == "2025-03"
    with pytest.raises(PermissionDenied):
        export_htcds(actor=analyst, deidentified=False, passphrase=PASSPHRASE)
    assert AuditEntry.objects.filter(action="export.htcds", actor_id=analyst.pk).count() == 1


def test_identified_export_is_encrypted(full_case: Case, case_worker: User) -> None:
    case_worker.role = Role.INVESTIGATOR
    with pytest.raises(ValidationFailed):
        export_htcds(actor=case_worker, deidentified=False, passphrase="short")
    blob = export_htcds(actor=case_worker, deidentified=False, passphrase=PASSPHRASE)
    assert VICTIM_NAME.encode() not in blob
    assert b"Yosefina" not in blob
    with pytest.raises(ValidationFailed):
        decrypt_export(blob, "salah-kata-sandi-123")
    with pytest.raises(ValidationFailed):
        decrypt_export(blob[:-1] + bytes([blob[-1] ^ 1]), PASSPHRASE)


def test_export_command(full_case: Case, case_worker: User, tmp_path: Path) -> None:
    case_worker.role = Role.INVESTIGATOR
    case_worker.save(update_fields=["role"])
    secret = tmp_path / "pass.txt"
    secret.write_text(PASSPHRASE + "\n", encoding="utf-8")
    out = tmp_path / "cases.json.enc"
    call_command(
        "export",
        "htcds",
        "--user",
        case_worker.username,
        "--out",
        str(out),
        "--passphrase-file",
        str(secret),
    )
    plain = tmp_path / "cases.json"
    call_command(
        "export", "decrypt", "--in", str(out), "--out", str(plain), "--passphrase-file", str(secret)
    )
    assert json.loads(plain.read_text(encoding="utf-8"))[0]["lin_CaseReference"] == (
        full_case.reference
    )
    with pytest.raises(CommandError, match="encrypted"):
        call_command("export", "htcds", "--user", case_worker.username, "--out", str(out))
    with pytest.raises(CommandError, match="active user"):
        call_command("export", "htcds", "--user", "nobody", "--out", str(out), "--deidentified")
