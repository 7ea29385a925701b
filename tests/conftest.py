from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from lintas.accounts.models import User
from lintas.accounts.roles import Role
from lintas.crossings.reference import plb_reference_load
from lintas.insights.services import study_figures_load
from lintas.places.models import Post
from lintas.places.services import reference_load
from lintas.screening.services import ruleset_seed
from tests.factories import PASSWORD, make_user


def _load_reference() -> None:
    if not Post.objects.exists():
        reference_load()
        study_figures_load()
        plb_reference_load()
        ruleset_seed()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> None:
    """Load the reference data once into the test database."""
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        _load_reference()


@pytest.fixture
def reference(db: None) -> None:
    """Reference data present (transactional tests empty the tables between tests)."""
    _load_reference()


@pytest.fixture
def user_factory(reference: None) -> Callable[..., User]:
    return make_user


@pytest.fixture
def login_client() -> Callable[[User], Client]:
    """A test client signed in through the real login form."""

    def sign_in(user: User, password: str = PASSWORD) -> Client:
        client = Client()
        response = client.post(
            "/accounts/login/", {"username": user.username, "password": password}
        )
        assert response.status_code == 302, response.content[:500]
        return client

    return sign_in


@pytest.fixture
def officer(user_factory: Callable[..., User]) -> User:
    return user_factory(Role.POST_OFFICER)
