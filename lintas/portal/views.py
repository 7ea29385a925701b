"""The public portal: border-post information, safe migration, agency search, anonymous tips.

No page needs a session or JavaScript. Information pages carry an ETag so that a phone on
a slow link revalidates them with a few bytes; pages holding a receipt code are never
stored by the browser (``no-store``). No view reads the client's address except for the
in-memory rate limit, and none reads the user agent.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, get_conditional_response, patch_vary_headers
from django.utils.functional import Promise
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lintas.cases import tips
from lintas.cases.models import AtRisk
from lintas.common.errors import LintasError, NotFound, ValidationFailed
from lintas.common.pages import caught, not_found_page_register
from lintas.crossings import rules
from lintas.insights.selectors import public_release_latest
from lintas.portal import selectors
from lintas.portal import statistics as public_statistics
from lintas.portal.forms import AddInformationForm, ReceiptForm, TipForm
from lintas.portal.security import (
    RECEIPT_LIMIT,
    TIP_LIMIT,
    client_address,
    csrf_passes,
    form_token_issue,
    form_token_read,
    limiter,
    min_fill_seconds,
    portal_setting,
)

ECHO_MAX = 20_000  # a longer text is shown back cut, so a flood is not echoed whole

# Own wording (with a context, apart from the staff catalogue's labels of the same values).
AT_RISK_CHOICES: list[tuple[str, Promise]] = [
    (AtRisk.CHILD, pgettext_lazy("at risk", "A child")),
    (AtRisk.WOMAN, pgettext_lazy("at risk", "A woman")),
    (AtRisk.MAN, pgettext_lazy("at risk", "A man")),
    (AtRisk.GROUP, pgettext_lazy("at risk", "Several people")),
    (AtRisk.UNKNOWN, pgettext_lazy("at risk", "Not known")),
]

NOTICE_CSRF = _(
    "Your report was not sent: the form's security check had expired. What you typed is "
    "still below. Check it and press Send again."
)
NOTICE_CSRF_CHECK = _(
    "Nothing was sent: the form's security check had expired. Enter your code and try again."
)
NOTICE_CSRF_ADD = _(
    "Your information was not sent: the form's security check had expired. What you typed "
    "is still below. Press Add again."
)
NOTICE_TIP_LIMIT = _(
    "Too many reports from this connection in the last hour. Nothing was sent; what you "
    "typed is below. Please try again later."
)
NOTICE_RECEIPT_LIMIT = _(
    "Too many attempts from this connection. Nothing was checked. Please try again in an hour."
)
NOTICE_CHECK_AGAIN = _("Please check what you wrote, then press Send again.")
NOTICE_TOKEN = _(
    "This form was open for a long time. Nothing was sent yet: check what you wrote and "
    "press Send again."
)
NOTICE_REFRESHED = _("The lists were updated. Nothing was sent yet.")
NOTICE_CUT = _(
    "Your text was far too long; only its beginning is shown below. Shorten it before sending."
)
NOTICE_ADDED = _("Your information was added. Thank you.")


# --- helpers ------------------------------------------------------------------------------


def _context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    return {
        "portal_languages": settings.LANGUAGES,
        "sms_number": portal_setting("LINTAS_PUBLIC_SMS_NUMBER"),
        "body_max": tips.BODY_MAX,
        **extra,
    }


def _info_page(
    request: HttpRequest, template: str, status: int = 200, **extra: Any
) -> HttpResponse:
    """A page the same for everyone in a language: ETag, revalidated on every visit."""
    response = render(request, template, _context(request, **extra), status=status)
    patch_vary_headers(response, ["Cookie"])  # the language cookie picks the text
    response["Cache-Control"] = "no-cache"
    if status != 200:
        return response
    etag = '"' + hashlib.sha256(response.content).hexdigest()[:32] + '"'
    response["ETag"] = etag
    conditional = get_conditional_response(request, etag=etag, response=response)
    return conditional if conditional is not None else response


def _private_page(
    request: HttpRequest, template: str, status: int = 200, **extra: Any
) -> HttpResponse:
    """A form or a receipt: never kept by the browser or any cache."""
    response = render(request, template, _context(request, **extra), status=status)
    add_never_cache_headers(response)
    return response


def _not_found(request: HttpRequest) -> HttpResponse:
    return _info_page(request, "portal/not_found.html", status=404)


not_found_page_register("portal", _not_found)


def not_found(request: HttpRequest, rest: str) -> HttpResponse:
    """An unknown address under the portal, answered in the portal's layout and language."""
    return _not_found(request)


def _errors(error: LintasError) -> dict[str, str]:
    return {name: str(message) for name, message in error.field_errors.items()}


# --- information --------------------------------------------------------------------------


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return _info_page(request, "portal/home.html")


@require_GET
def posts(request: HttpRequest) -> HttpResponse:
    return _info_page(request, "portal/posts.html", posts=selectors.posts_public())


@require_GET
def post_detail(request: HttpRequest, code: str) -> HttpResponse:
    post = selectors.post_public(code=code)
    return _info_page(request, "portal/post.html", post=post)


@require_GET
def documents(request: HttpRequest) -> HttpResponse:
    return _info_page(
        request,
        "portal/documents.html",
        plb=selectors.plb_rules_public(),
        stay_days=rules.PLB_STAY_DAYS,
        stay_extended_days=rules.PLB_STAY_EXTENDED_DAYS,
    )


@require_GET
def statistics(request: HttpRequest) -> HttpResponse:
    """The latest published release of the public statistics (computed once, not per visit)."""
    release = public_release_latest()
    tables = (
        []
        if release is None
        else public_statistics.layouts(release.pk, release.digest, release.payload)
    )
    return _info_page(
        request,
        "portal/statistics.html",
        release=release,
        tables=tables,
        years=release.payload["years"] if release else None,
        threshold=release.threshold if release else None,
    )


@require_GET
def migration(request: HttpRequest) -> HttpResponse:
    return _info_page(request, "portal/migration.html")


@require_GET
def agencies(request: HttpRequest) -> HttpResponse:
    search = selectors.placement_agencies_search(
        query=request.GET.get("q", ""), city=request.GET.get("city", "")
    )
    return _info_page(
        request, "portal/agencies.html", search=search, max_results=selectors.SEARCH_MAX_RESULTS
    )


@require_GET
def language(request: HttpRequest, code: str) -> HttpResponse:
    """Switch the language with a plain link (no form, no JavaScript) and come back."""
    home_url = reverse("portal:home")
    target = request.GET.get("next", "")
    if not (
        target.startswith(home_url)
        and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
    ):
        target = home_url
    response = HttpResponseRedirect(target)
    if code in {c for c, _name in settings.LANGUAGES}:
        # The cookie LanguageMiddleware reads, with the settings Django's own switch uses.
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            code,
            max_age=settings.LANGUAGE_COOKIE_AGE or 365 * 24 * 60 * 60,
            path=settings.LANGUAGE_COOKIE_PATH,
            samesite="Lax",
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        )
    return response


# --- the tip form --------------------------------------------------------------------------


def _echo(data: Mapping[str, Any]) -> tuple[dict[str, str], bool]:
    """What was posted, to show again; an absurdly long text is cut (and the person told)."""
    values = {name: str(data.get(name, "") or "") for name in TipForm.base_fields}
    cut = len(values["body"]) > ECHO_MAX
    if cut:
        values["body"] = values["body"][: tips.BODY_MAX]
    for name in ("contact", "contact_phone", "regency", "district", "village", "token"):
        values[name] = values[name][:400]
    values["body"] = values["body"].replace("\x00", "")
    return values, cut


def _report_page(
    request: HttpRequest,
    *,
    data: Mapping[str, Any] | None = None,
    token: str = "",
    errors: Mapping[str, str] | None = None,
    notice: str | Promise = "",
    status: int = 200,
) -> HttpResponse:
    values, cut = _echo(data or {})
    if not token:
        read = form_token_read(values["token"])
        token = values["token"] if read is not None else form_token_issue()
    values["token"] = token
    if not values["at_risk"]:
        values["at_risk"] = AtRisk.UNKNOWN
    areas = selectors.areas_for_form(regency=values["regency"], district=values["district"])
    get_token(request)  # a fresh CSRF token (and cookie) for the next try
    return _private_page(
        request,
        "portal/report.html",
        status=status,
        values=values,
        errors=dict(errors or {}),
        notice=NOTICE_CUT if cut and not notice else notice,
        areas=areas,
        village=values["village"],
        at_risk_choices=AT_RISK_CHOICES,
    )


@csrf_exempt  # checked below, so that a failure shows the form again with what was typed
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest) -> HttpResponse:
    """The anonymous tip form; a valid POST shows the receipt code, once."""
    if request.method == "GET":
        return _report_page(request, token=form_token_issue())
    data = request.POST
    if not csrf_passes(request):
        return _report_page(request, data=data, notice=NOTICE_CSRF, status=403)
    if data.get("refresh"):
        return _report_page(request, data=data, notice=NOTICE_REFRESHED)
    token = form_token_read(str(data.get("token", "")))
    if token is None:
        return _report_page(request, data=data, token=form_token_issue(), notice=NOTICE_TOKEN)
    if data.get("website") or token.age() < min_fill_seconds():
        return _report_page(request, data=data, notice=NOTICE_CHECK_AGAIN)
    address = client_address(request)
    if not limiter.allows("tip", address, limit=TIP_LIMIT):
        return _report_page(request, data=data, notice=NOTICE_TIP_LIMIT, status=429)
    form = TipForm(data)
    if not form.is_valid():
        return _report_page(
            request, data=data, errors={k: str(v[0]) for k, v in form.errors.items()}
        )
    cleaned = form.cleaned_data
    with caught(ValidationFailed) as refused:
        submitted = tips.tip_submit(
            body=cleaned["body"],
            regency_code=cleaned["regency"],
            district_code=cleaned["district"],
            village_code=cleaned["village"],
            happened_on=cleaned["happened_on"],
            at_risk=cleaned["at_risk"] or AtRisk.UNKNOWN,
            contact=cleaned["contact"],
            contact_phone=cleaned["contact_phone"],
            language=request.LANGUAGE_CODE,
            intake_seed=token.nonce,
        )
    if refused.error is not None:
        return _report_page(request, data=data, errors=_errors(refused.error))
    if not submitted.duplicate:
        limiter.record("tip", address, limit=TIP_LIMIT)
    return _private_page(
        request,
        "portal/receipt.html",
        receipt=submitted.receipt,
        groups=submitted.receipt.split("-"),
        duplicate=submitted.duplicate,
    )


@require_GET
def areas(request: HttpRequest) -> HttpResponse:
    """The place fields of the tip form, narrowed to the choices above (htmx swaps them in)."""
    chosen = selectors.areas_for_form(
        regency=request.GET.get("regency", "")[:20], district=request.GET.get("district", "")[:20]
    )
    return _info_page(
        request,
        "portal/_areas.html",
        areas=chosen,
        village=request.GET.get("village", "")[:20],
        errors={},
    )


# --- the receipt: status, replies, more information --------------------------------------------


def _check_page(
    request: HttpRequest,
    *,
    code: str = "",
    error: str | Promise = "",
    notice: str | Promise = "",
    status: int = 200,
) -> HttpResponse:
    get_token(request)
    return _private_page(
        request, "portal/check.html", status=status, code=code[:64], error=error, notice=notice
    )


def _status_page(
    request: HttpRequest,
    *,
    code: str,
    view: tips.TipView | None,
    text: str = "",
    errors: Mapping[str, str] | None = None,
    notice: str | Promise = "",
    status: int = 200,
) -> HttpResponse:
    get_token(request)
    return _private_page(
        request,
        "portal/status.html",
        status=status,
        code=code[:64],
        view=view,
        text=text[:ECHO_MAX].replace("\x00", ""),
        token=form_token_issue(),
        errors=dict(errors or {}),
        notice=notice,
    )


@csrf_exempt  # checked below, with the code kept on failure
@require_http_methods(["GET", "POST"])
def check(request: HttpRequest) -> HttpResponse:
    """Enter the receipt code; see the status in plain words and the replies."""
    if request.method == "GET":
        return _check_page(request)
    form = ReceiptForm(request.POST)
    form.is_valid()
    code = form.cleaned_data.get("code", "")
    if not csrf_passes(request):
        return _check_page(request, code=code, notice=NOTICE_CSRF_CHECK, status=403)
    if not limiter.take("receipt", client_address(request), limit=RECEIPT_LIMIT):
        return _check_page(request, code=code, notice=NOTICE_RECEIPT_LIMIT, status=429)
    with caught(NotFound) as refused:
        view = tips.tip_read_by_receipt(receipt=code)
    if refused.error is not None:
        return _check_page(request, code=code, error=refused.error.message)
    return _status_page(request, code=code, view=view)


@csrf_exempt  # checked below, with the text kept on failure
@require_POST
def add_information(request: HttpRequest) -> HttpResponse:
    """Add information to a tip with its receipt code; a double submit adds it once."""
    form = AddInformationForm(request.POST)
    form.is_valid()
    code, text = form.cleaned_data.get("code", ""), form.cleaned_data.get("text", "")
    if not csrf_passes(request):
        return _status_page(
            request, code=code, view=None, text=text, notice=NOTICE_CSRF_ADD, status=403
        )
    if not limiter.take("receipt", client_address(request), limit=RECEIPT_LIMIT):
        return _status_page(
            request, code=code, view=None, text=text, notice=NOTICE_RECEIPT_LIMIT, status=429
        )
    token = form_token_read(form.cleaned_data.get("token", ""))
    with caught(NotFound, ValidationFailed) as refused:
        view = tips.tip_add_information(
            receipt=code, text=text, intake_seed=token.nonce if token is not None else None
        )
    if isinstance(refused.error, NotFound):
        return _check_page(request, code=code, error=refused.error.message)
    if refused.error is not None:
        return _status_page(request, code=code, view=None, text=text, errors=_errors(refused.error))
    return _status_page(request, code=code, view=view, notice=NOTICE_ADDED)
