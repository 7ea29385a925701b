"""Alert queue, second interview, rule sets and watch lists."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from lintas.accounts.decorators import login_required, requires, signed_in_user
from lintas.accounts.roles import Capability
from lintas.common.pages import shown_on
from lintas.crossings.models import Crossing
from lintas.linkage.linked import alerts_elsewhere
from lintas.screening import selectors, services
from lintas.screening.forms import CloseAlertForm, InterviewForm
from lintas.screening.interview import interview_record, suggested_outcome
from lintas.screening.models import Alert, AlertAudience, AlertKind, AlertStatus, Level


def _not_found(request: HttpRequest) -> HttpResponse:
    return render(request, "404.html", status=404)


ALERTS_PER_PAGE = 50


@login_required
def alert_queue(request: HttpRequest) -> HttpResponse:
    """The queue, filtered by status, level, post and kind, highest level and oldest first."""
    user = signed_in_user(request)
    posts = selectors.alert_filter_posts(user=user)
    choices: dict[str, list[tuple[str, Any]]] = {
        "status": AlertStatus.choices,
        "level": [c for c in Level.choices if c[0] != Level.NONE],
        "post": posts,
        "kind": AlertKind.choices,
    }
    chosen = {name: request.GET.get(name, "") for name in choices}
    if "status" not in request.GET:
        chosen["status"] = AlertStatus.OPEN
    labels = {"status": _("Status"), "level": _("Level"), "post": _("Post"), "kind": _("Kind")}
    problems = [
        labels[name]
        for name, value in chosen.items()
        if value and value not in {code for code, _label in choices[name]}
    ]
    page = None
    if not problems:
        paginator = Paginator(selectors.alerts_queue(user=user, **chosen), ALERTS_PER_PAGE)
        page = paginator.get_page(request.GET.get("page"))
    query = urlencode({k: v for k, v in chosen.items() if v} | {"status": chosen["status"]})
    context = {
        "page": page,
        "alerts": page.object_list if page else [],
        "chosen": chosen,
        "choices": choices,
        "problems": problems,
        "query": query,
    }
    template = (
        "screening/_alert_results.html"
        if request.headers.get("HX-Request")
        else "screening/alerts.html"
    )
    return render(request, template, context, status=400 if problems else 200)


@login_required
@require_http_methods(["GET", "POST"])
def alert_detail(request: HttpRequest, alert_id: str) -> HttpResponse:
    user = signed_in_user(request)
    alert = selectors.alerts_queue(user=user, status="").filter(pk=alert_id).first()
    if alert is None:
        return _not_found(request)
    form = CloseAlertForm(request.POST or None)
    status = 200
    if request.method == "POST":
        with shown_on(form):
            if request.POST.get("action") == "acknowledge":
                services.alert_acknowledge(actor=user, alert_id=alert.pk)
                messages.success(request, _("Alert acknowledged."))
                return redirect("screening:alert_detail", alert_id=alert.pk)
            if form.is_valid():
                services.alert_close(actor=user, alert_id=alert.pk, **form.cleaned_data)
                messages.success(request, _("Alert closed."))
                return redirect("screening:alerts")
        status = 400
    return render(
        request,
        "screening/alert_detail.html",
        {
            "alert": alert,
            "form": form,
            "can_interview": user.can(Capability.HOLD_INTERVIEW),
            # For the post's supervisor: what other posts saw of the same person.
            "elsewhere": alerts_elsewhere(crossing=alert.crossing)
            if alert.crossing and alert.audience == AlertAudience.POST
            else [],
            # The same traveller's earlier alerts here: a pattern the supervisor should see.
            "earlier": [
                a
                for a in selectors.alerts_of_traveller(
                    user=user, traveller_id=alert.crossing.traveller_id, limit=6
                )
                if a.pk != alert.pk
            ][:5]
            if alert.crossing and alert.audience == AlertAudience.POST
            else [],
        },
        status=status,
    )


@requires(Capability.HOLD_INTERVIEW)
@require_http_methods(["GET", "POST"])
def interview(request: HttpRequest, crossing_id: str) -> HttpResponse:
    user = signed_in_user(request)
    crossings = Crossing.objects.select_related("traveller", "document", "post")
    if user.post_id is not None:
        crossings = crossings.filter(post_id=user.post_id)
    crossing = crossings.filter(pk=crossing_id).first()
    if crossing is None:
        return _not_found(request)
    alert = None
    try:
        alert_id = uuid.UUID(request.GET.get("alert") or request.POST.get("alert") or "")
    except ValueError:
        alert_id = None
    if alert_id:
        # The crossing is at the interviewer's post, so its post alert is theirs to answer.
        alert = Alert.objects.filter(
            pk=alert_id, crossing=crossing, audience=AlertAudience.POST
        ).first()
    form = InterviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with shown_on(form) as refused:
            done = interview_record(
                actor=user,
                crossing=crossing,
                answers=form.answers(),
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
                alert=alert,
            )
        if not refused:
            messages.success(
                request,
                _("Second interview recorded: %(outcome)s.")
                % {"outcome": done.get_outcome_display()},
            )
            return redirect("screening:alerts")
    # After a refused save, say what the answers given so far suggest.
    suggestion = ""
    if form.is_bound and hasattr(form, "cleaned_data"):
        suggestion = suggested_outcome(
            {k: v for k, v in form.cleaned_data.items() if isinstance(v, str)}
        )
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "screening/interview.html",
        {
            "crossing": crossing,
            "form": form,
            "alert": alert,
            "suggestion": suggestion,
            "screening": getattr(crossing, "screening", None),
        },
        status=status,
    )


# --- rule sets and watch lists ----------------------------------------------------------


@requires(Capability.MANAGE_RULESETS)
@require_http_methods(["GET", "POST"])
def rulesets(request: HttpRequest) -> HttpResponse:
    from lintas.screening.forms import RuleSetImportForm

    user = signed_in_user(request)
    form = RuleSetImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        with shown_on(form) as refused:
            saved = services.ruleset_import(
                actor=user, text=upload.read(services.MAX_RULESET_BYTES + 1)
            )
        if not refused:
            messages.success(
                request, _("Rule set v%(version)s is now active.") % {"version": saved.version}
            )
            return redirect("screening:rulesets")
    versions = selectors.rulesets_list(user=user)
    active = versions.filter(status="active").first()
    return render(
        request,
        "screening/rulesets.html",
        {"versions": versions[:50], "active": active, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@requires(Capability.MANAGE_RULESETS)
def ruleset_export(request: HttpRequest, version: int) -> HttpResponse:
    ruleset = selectors.rulesets_list(user=signed_in_user(request)).filter(version=version).first()
    if ruleset is None:
        return _not_found(request)
    response = HttpResponse(
        services.ruleset_export(ruleset), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="lintas-rules-v{version}.json"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def watch_lists(request: HttpRequest) -> HttpResponse:
    from lintas.screening.forms import WatchListForm
    from lintas.screening.watchlists import watch_list_create

    user = signed_in_user(request)
    lists = selectors.watch_lists_visible(user=user)
    form = WatchListForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with shown_on(form) as refused:
            created = watch_list_create(actor=user, **form.cleaned_data)
        if not refused:
            return redirect("screening:watch_list", list_id=created.pk)
    return render(
        request,
        "screening/watch_lists.html",
        {"lists": lists, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def watch_list(request: HttpRequest, list_id: str) -> HttpResponse:
    from lintas.screening.forms import WatchEntryForm, WatchImportForm
    from lintas.screening.watchlists import watch_entries_import, watch_entry_add

    user = signed_in_user(request)
    found = selectors.watch_lists_visible(user=user).filter(pk=list_id).first()
    if found is None:
        return _not_found(request)
    entry_form = WatchEntryForm(request.POST if request.POST.get("action") == "add" else None)
    import_form = WatchImportForm(
        request.POST if request.POST.get("action") == "import" else None, request.FILES or None
    )
    report = None
    status = 200
    if request.method == "POST":
        status = 400
        with shown_on(entry_form if request.POST.get("action") == "add" else import_form):
            if request.POST.get("action") == "add" and entry_form.is_valid():
                data = dict(entry_form.cleaned_data)
                consent = data.pop("consent_reference")
                expires = data.pop("expires_on")
                fields = {k: str(v) for k, v in data.items()}
                fields["expires_on"] = expires.isoformat() if expires else ""
                watch_entry_add(
                    actor=user, watch_list=found, fields=fields, consent_reference=consent
                )
                messages.success(request, _("Entry added."))
                return redirect("screening:watch_list", list_id=found.pk)
            if request.POST.get("action") == "import" and import_form.is_valid():
                upload = import_form.cleaned_data["file"]
                report = watch_entries_import(
                    actor=user,
                    watch_list=found,
                    source=import_form.cleaned_data["source"],
                    data=upload.read(64 * 1024 * 1024 + 1),
                )
                status = 200
    entries = selectors.watch_entries_of(user=user, watch_list=found)
    return render(
        request,
        "screening/watch_list.html",
        {
            "watch_list": found,
            "entries": entries[:300],
            "count": entries.count(),
            "entry_form": entry_form,
            "import_form": import_form,
            "report": report,
        },
        status=status,
    )
