from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator

import pytest
from django.test import Client
from playwright.sync_api import Browser, Page, sync_playwright

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


# --- a real Chromium (Debian's package) driven by Playwright; one for the whole run ---

CHROMIUM_ARGS = [
    "--no-sandbox",  # the suite runs as root in CI
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",  # no internet here: no calls home
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path() -> str:
    for candidate in (os.environ.get("LINTAS_CHROMIUM"), "/usr/bin/chromium", "chromium"):
        if candidate and (found := shutil.which(candidate)):
            return found
    raise RuntimeError("Chromium not found: run scripts/test-deps (apt-get install chromium)")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls from the
    # test body are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
