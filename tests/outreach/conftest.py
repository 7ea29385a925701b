from __future__ import annotations

import pytest

from lintas.accounts.models import Agency, User
from lintas.accounts.roles import AgencyType, Role
from tests.factories import make_agency, make_user

# Villages of the small data set (official codes)
SEMAU_VILLAGE = "53.01.04.2003"  # Bokonusan, Semau (Kabupaten Kupang), an island without a post
SABU_VILLAGE = "53.20.01.2002"  # Menia, Sabu Barat
KUPANG_BARAT_VILLAGE = "53.01.05.1001"  # Oenesu, on Timor


@pytest.fixture
def ngo(reference: None) -> Agency:
    return make_agency(type=AgencyType.NGO, name="Rumah Perempuan Kupang")


@pytest.fixture
def other_ngo(reference: None) -> Agency:
    return make_agency(type=AgencyType.INTERNATIONAL, name="IOM Kupang")


@pytest.fixture
def coordinator(ngo: Agency) -> User:
    return make_user(Role.OUTREACH_COORDINATOR, agency=ngo)


@pytest.fixture
def other_coordinator(other_ngo: Agency) -> User:
    return make_user(Role.OUTREACH_COORDINATOR, agency=other_ngo)


@pytest.fixture
def analyst(reference: None) -> User:
    return make_user(Role.ANALYST)
