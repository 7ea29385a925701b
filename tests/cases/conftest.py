from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from lintas.accounts.models import Agency, User
from lintas.accounts.roles import AgencyType, Role
from lintas.cases.models import Case, CasePerson
from lintas.cases.services import PersonData, case_open, case_person_add
from tests.factories import make_agency, make_user

VICTIM_NAME = "Yosefina Kolo Taek"


@pytest.fixture
def uptd(reference: None) -> Agency:
    return make_agency(type=AgencyType.PROTECTION, name="UPTD PPA NTT")


@pytest.fixture
def shelter(reference: None) -> Agency:
    return make_agency(type=AgencyType.NGO, name="Rumah Perempuan Kupang")


@pytest.fixture
def case_worker(uptd: Agency) -> User:
    return make_user(Role.CASE_WORKER, agency=uptd)


@pytest.fixture
def shelter_worker(shelter: Agency) -> User:
    return make_user(Role.CASE_WORKER, agency=shelter)


@pytest.fixture
def case(case_worker: User) -> Case:
    return case_open(actor=case_worker, summary="Direkrut ke Malaysia tanpa dokumen")


@pytest.fixture
def victim(case_worker: User, case: Case) -> CasePerson:
    return case_person_add(
        actor=case_worker,
        case=case,
        data=PersonData(
            role="victim",
            first_name="Yosefina",
            second_name="Kolo Taek",
            birth_date=date(2004, 6, 1),
            phone="+6281234500001",
            gender="Feminine",
            citizenship="IDN",
            residence_district_code="53.04.02",
            trafficking_status="ActualVictimOfTrafficking",
            age_when_trafficked=19,
            recruitment_methods=["ThroughFriendsOrSocialEvents"],
            methods_of_control=["WithholdsDocuments", "DebtBondage"],
            exploitation_types=["ForcedLabour"],
            vulnerabilities=["Poverty"],
        ),
    )


@pytest.fixture
def make_role() -> Callable[..., User]:
    return make_user
