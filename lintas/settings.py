"""Settings of Lintas, read from the environment.

One module serves the hub and every post node: ``LINTAS_NODE`` says which one this is and
``LINTAS_DATABASE_URL`` picks the database (an SQLite file by default, PostgreSQL on the hub).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from django.conf.locale import LANG_INFO
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from lintas.common.dburl import database_from_url

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent


def _env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {raw!r}")


DEBUG = _env_bool("LINTAS_DEBUG")
# pytest-django reads the settings before any conftest runs, hence the module check.
TESTING = _env_bool("LINTAS_TESTING") or "pytest" in sys.modules

LINTAS_NODE = os.environ.get("LINTAS_NODE", "hub").strip() or "hub"
if len(LINTAS_NODE) > 40 or not LINTAS_NODE.replace("-", "").isalnum():
    raise ImproperlyConfigured("LINTAS_NODE must be 'hub' or a node code such as 'post-motaain'")

_secret = os.environ.get("LINTAS_SECRET_KEY", "")
if not _secret:
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured("LINTAS_SECRET_KEY must be set when LINTAS_DEBUG is off")
    # Development only: a fixed, clearly marked key so sessions survive restarts.
    _secret = "insecure-development-key-not-for-production-0123456789abcdef"  # noqa: S105
SECRET_KEY = _secret

# Key for the encrypted victim identity fields; it lives outside the database. A server
# without a valid key would serve pages and then lose the first tip, so it does not start.
# With LINTAS_DEBUG or LINTAS_TESTING an empty key means the development key (common.crypto).
LINTAS_DATA_KEY_MIN_LENGTH = 32
LINTAS_DATA_KEY = os.environ.get("LINTAS_DATA_KEY", "")
if LINTAS_DATA_KEY and len(LINTAS_DATA_KEY) < LINTAS_DATA_KEY_MIN_LENGTH:
    raise ImproperlyConfigured(
        f"LINTAS_DATA_KEY must be at least {LINTAS_DATA_KEY_MIN_LENGTH} characters"
        f" (it has {len(LINTAS_DATA_KEY)}): the server does not start without a valid key"
    )
if not LINTAS_DATA_KEY and not (DEBUG or TESTING):
    raise ImproperlyConfigured(
        "LINTAS_DATA_KEY must be set (at least 32 characters) when LINTAS_DEBUG is off:"
        " the server does not start without the key for victim identity data"
    )

# The API's interactive documentation and schema (/api/docs, /api/openapi.json): on in
# development and tests, off in production unless LINTAS_API_DOCS turns it on.
LINTAS_API_DOCS = _env_bool("LINTAS_API_DOCS", default=DEBUG or TESTING)

VAR_DIR = Path(os.environ.get("LINTAS_VAR_DIR", str(PROJECT_DIR / "var")))
DATABASES = {
    "default": database_from_url(
        os.environ.get("LINTAS_DATABASE_URL", ""),
        default_sqlite=VAR_DIR / "lintas.sqlite3",
        sqlite_test_name=str(VAR_DIR / f"test-{os.getpid()}.sqlite3") if TESTING else None,
    )
}

ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("LINTAS_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if h.strip()
]
if TESTING:
    ALLOWED_HOSTS.append("testserver")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "lintas.common",
    "lintas.accounts",
    "lintas.audit",
    "lintas.places",
    "lintas.insights",
    "lintas.sync",
    "lintas.crossings",
    "lintas.screening",
    "lintas.cases",
    "lintas.portal",
    "lintas.linkage",
    "lintas.outreach",
    "lintas.messaging",
    "lintas.mobile",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "lintas.accounts.middleware.LanguageMiddleware",
    "lintas.common.nul.NulCharacterMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "lintas.accounts.middleware.SessionTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "lintas.common.pages.PageErrorMiddleware",
]

ROOT_URLCONF = "lintas.urls"
WSGI_APPLICATION = "lintas.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "lintas.accounts.context_processors.lintas",
            ],
        },
    }
]

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["lintas.accounts.backends.LockoutModelBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
if TESTING:
    # Still Argon2, with a small memory cost so that the suite stays fast.
    PASSWORD_HASHERS = ["lintas.accounts.hashers.LightArgon2PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sign-in throttling by (username, client address), see accounts.services.session_authenticate:
# 5 free failures from one address, then 30 s doubled per failure up to 15 min; past 50
# failures of one name from everywhere, addresses that failed for it wait too. Session rules:
# idle 30 min; 12 h at most.
LINTAS_LOGIN_FREE_FAILURES = 5
LINTAS_LOGIN_USER_FREE_FAILURES = 50
LINTAS_LOGIN_BACKOFF_SECONDS = 30
LINTAS_LOGIN_BACKOFF_MAX_SECONDS = 15 * 60
LINTAS_LOGIN_FORGET_SECONDS = 24 * 60 * 60
# A phone signs in once with signal and then works offline for days (accounts.phone_keys).
LINTAS_PHONE_KEY_IDLE_DAYS = 30
LINTAS_PHONE_KEY_MAX_DAYS = 90
LINTAS_SESSION_IDLE_SECONDS = 30 * 60
LINTAS_SESSION_ABSOLUTE_SECONDS = 12 * 60 * 60

SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = LINTAS_SESSION_ABSOLUTE_SECONDS
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_NAME = "lintas_session"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "lintas.common.views.csrf_failure"
SECURE = _env_bool("LINTAS_SECURE", default=not DEBUG and not TESTING)
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SECURE_SSL_REDIRECT = SECURE
SECURE_HSTS_SECONDS = 31536000 if SECURE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_HSTS_PRELOAD = SECURE
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SECURE else None
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Every asset is vendored and served from here: no inline script or style, no other origin.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("LINTAS_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

# Bahasa Indonesia first, English second; the public pages also in Tetum (Timor-Leste).
LANG_INFO["tet"] = {"bidi": False, "code": "tet", "name": "Tetum", "name_local": "Tetun"}
LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English"), ("tet", "Tetun")]
# Staff pages offer these; the public portal offers all of LANGUAGES.
STAFF_LANGUAGES = ["id", "en"]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "lintas_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
USE_I18N = True
TIME_ZONE = "Asia/Makassar"  # WITA; stored in UTC
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Post nodes have no web server in front: the app serves its own (vendored) assets.
WHITENOISE_USE_FINDERS = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Requests are small; anything larger is refused before it reaches a view.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 500

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    # Request logs name paths and status codes only, never addresses or user agents.
    "loggers": {
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

NINJA_PAGINATION_PER_PAGE = 50

# Background work (Django's tasks): a database queue, worked by `lintas db_worker
# --queue-name '*'` beside the web server (`make demo` starts one). The queue names are in
# lintas.common.tasks. LINTAS_TASKS_BACKEND=immediate runs every task inline in the process
# that enqueues it; tests do so unless told otherwise (the worker fixture sets "database").
_TASK_QUEUES = ["default", "linkage", "messaging", "insights"]
LINTAS_TASKS_BACKEND = os.environ.get(
    "LINTAS_TASKS_BACKEND", "immediate" if TESTING else "database"
).strip()
if LINTAS_TASKS_BACKEND not in {"database", "immediate"}:
    raise ImproperlyConfigured("LINTAS_TASKS_BACKEND must be 'database' or 'immediate'")
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks_db.DatabaseBackend"
            if LINTAS_TASKS_BACKEND == "database"
            else "django.tasks.backends.immediate.ImmediateBackend"
        ),
        "QUEUES": _TASK_QUEUES,
    }
}
