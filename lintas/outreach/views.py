"""Outreach pages: activities, groups, community reports, coverage, indicators and plans."""

from __future__ import annotations

import csv
import io
import uuid
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from lintas.accounts.decorators import requires, signed_in_user
from lintas.accounts.roles import Capability
from lintas.common.pages import flashed, shown_on
from lintas.outreach import imports, planning, selectors, services
from lintas.outreach.coverage import CSV_COLUMNS, coverage_csv_rows
from lintas.outreach.coverage_map import coverage_svg
from lintas.outreach.forms import (
    ActivityForm,
    GroupForm,
    IndicatorImportForm,
    MeetingForm,
    PlanForm,
    ReportForm,
    TargetForm,
)
from lintas.places.models import District, Island, Village


def _villages() -> list[tuple[str, str, str]]:
    """Every village as (code, "name, district") for the pages' village list (one query)."""
    return list(
        Village.objects.select_related("district")
        .order_by("code")
        .values_list("code", "name", "district__name")
        .iterator()
    )


def _reached(data: dict[str, Any]) -> dict[str, object]:
    return {k: data.get(k, "") for k in ("girls", "boys", "women", "men")}


@requires(Capability.MANAGE_OUTREACH)
@require_GET
def activity_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    rows = selectors.activities_of_agency(user=user)[:200]
    return render(request, "outreach/activities.html", {"activities": rows})


@requires(Capability.MANAGE_OUTREACH)
def activity_new(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = ActivityForm(request.POST or None, agency=user.agency)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with shown_on(form) as refused:
            services.activity_record(
                actor=user,
                id=data["id"],
                kind=data["kind"],
                held_on=data["held_on"],
                village_code=data["village"],
                reached=_reached(data),
                audiences=data["audiences"],
                partner_codes=[a.code for a in data["partners"]],
                language=data["language"],
                materials=data["materials"],
                concerns=data["concerns"],
                follow_up_requested=data["follow_up_requested"],
            )
        if not refused:
            messages.success(request, _("Activity saved."))
            return redirect("outreach:activity_list")
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "villages": _villages()}
    return render(request, "outreach/activity_new.html", context, status=status)


@requires(Capability.MANAGE_OUTREACH)
def group_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    groups = list(selectors.groups_of_agency(user=user))
    form = GroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with shown_on(form) as refused:
            services.group_register(
                actor=user,
                id=data["id"],
                kind=data["kind"],
                name=data["name"],
                village_code=data["village"],
                member_count=data["member_count"],
                contact_name=data["contact_name"],
                contact_phone=data["contact_phone"],
            )
        if not refused:
            messages.success(request, _("Group saved."))
            return redirect("outreach:group_list")
    rows = [(g, selectors.group_is_active(g)) for g in groups]
    status = 400 if request.method == "POST" else 200
    context = {"groups": rows, "form": form, "villages": _villages()}
    return render(request, "outreach/groups.html", context, status=status)


@requires(Capability.MANAGE_OUTREACH)
def group_detail(request: HttpRequest, group_id: uuid.UUID) -> HttpResponse:
    user = signed_in_user(request)
    group = selectors.group_for(user=user, group_id=group_id)
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with shown_on(form) as refused:
            services.meeting_record(
                actor=user,
                id=data["id"],
                group_id=group.pk,
                held_on=data["held_on"],
                women=data["women"],
                men=data["men"],
                note=data["note"],
            )
        if not refused:
            messages.success(request, _("Meeting saved."))
            return redirect("outreach:group_detail", group_id=group.pk)
    context = {
        "group": group,
        "active": selectors.group_is_active(group),
        "meetings": selectors.meetings_of(user=user, group=group)[:100],
        "form": form,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "outreach/group_detail.html", context, status=status)


@requires(Capability.MANAGE_OUTREACH)
def report_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    groups = [(str(g.pk), g.name) for g in selectors.groups_of_agency(user=user)]
    form = ReportForm(request.POST or None, groups=groups)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with shown_on(form) as refused:
            services.community_report_file(
                actor=user,
                id=data["id"],
                body=data["body"],
                village_code=data["village"],
                happened_on=data["happened_on"] or None,
                at_risk=data["at_risk"],
                group_id=data["group"] or None,
                named_with_consent=data["named_with_consent"],
            )
        if not refused:
            messages.success(request, _("Report sent to triage."))
            return redirect("outreach:report_list")
    context = {
        "reports": selectors.reports_of_agency(user=user),
        "form": form,
        "villages": _villages(),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "outreach/reports.html", context, status=status)


@requires(Capability.VIEW_COVERAGE)
@require_GET
def coverage(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    rows = selectors.coverage_for(user=user)
    ranked = sorted(rows, key=lambda r: r.priority_rank)
    context = {
        "user_can_manage": user.can(Capability.MANAGE_OUTREACH),
        "rows": ranked,
        "left_out": [r for r in ranked if r.left_out],
        "svg": coverage_svg(rows, list(Island.objects.order_by("code"))),
    }
    return render(request, "outreach/coverage.html", context)


@requires(Capability.VIEW_COVERAGE)
@require_GET
def coverage_map(request: HttpRequest) -> HttpResponse:
    rows = selectors.coverage_for(user=signed_in_user(request))
    svg = coverage_svg(rows, list(Island.objects.order_by("code")))
    return HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")


@requires(Capability.VIEW_COVERAGE)
@require_GET
def coverage_csv(request: HttpRequest) -> HttpResponse:
    rows = selectors.coverage_for(user=signed_in_user(request))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(coverage_csv_rows(rows))
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="cakupan-kecamatan.csv"'
    return response


@requires(Capability.IMPORT_INDICATORS)
def indicator_import(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = IndicatorImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        with shown_on(form):
            result = imports.indicators_import(actor=user, data=form.cleaned_data["file"].read())
    status = 400 if request.method == "POST" and result is None else 200
    context = {"form": form, "result": result}
    return render(request, "outreach/indicators.html", context, status=status)


@requires(Capability.MANAGE_OUTREACH)
def plan_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    year, quarter = planning.current_quarter()
    form = PlanForm(request.POST or None, initial={"year": year, "quarter": quarter})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with shown_on(form) as refused:
            plan = planning.plan_create(
                actor=user,
                id=data["id"],
                year=data["year"],
                quarter=data["quarter"],
                note=data["note"],
            )
        if not refused:
            return redirect("outreach:plan_detail", plan_id=plan.pk)
    context = {"plans": planning.plans_of_agency(user=user), "form": form}
    status = 400 if request.method == "POST" else 200
    return render(request, "outreach/plans.html", context, status=status)


@requires(Capability.MANAGE_OUTREACH)
def plan_detail(request: HttpRequest, plan_id: uuid.UUID) -> HttpResponse:
    user = signed_in_user(request)
    plan = planning.plan_for(user=user, plan_id=plan_id)
    districts = [
        (d.code, f"{d.name} ({d.regency.name})")
        for d in District.objects.select_related("regency").order_by("code")
    ]
    form = TargetForm(request.POST or None, districts=districts)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with shown_on(form) as refused:
            planning.plan_target_add(
                actor=user,
                id=data["id"],
                plan_id=plan.pk,
                district_code=data["district"],
                activities_planned=data["activities_planned"],
                who=data["who"],
            )
        if not refused:
            messages.success(request, _("Target added."))
            return redirect("outreach:plan_detail", plan_id=plan.pk)
    rows = selectors.coverage_for(user=user)
    context = {
        "plan": plan,
        "progress": planning.plan_progress(user=user, plan=plan),
        "suggested": planning.suggested_targets(
            coverage=rows, year=plan.year, quarter=plan.quarter
        ),
        "form": form,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "outreach/plan_detail.html", context, status=status)


@requires(Capability.MANAGE_OUTREACH)
@require_POST
def plan_target_remove(
    request: HttpRequest, plan_id: uuid.UUID, target_id: uuid.UUID
) -> HttpResponse:
    user = signed_in_user(request)
    plan = planning.plan_for(user=user, plan_id=plan_id)
    with flashed(request) as refused:
        planning.plan_target_remove(actor=user, target_id=target_id)
    if not refused:
        messages.success(request, _("Target removed."))
    return redirect("outreach:plan_detail", plan_id=plan.pk)


@requires(Capability.VIEW_COVERAGE)
@require_GET
def province(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    year, quarter = planning.current_quarter()
    rows = selectors.coverage_for(user=user)
    view = planning.province_view(user=user, year=year, quarter=quarter, coverage=rows)
    context = {
        "rows": view,
        "year": year,
        "quarter": quarter,
        "user_can_manage": user.can(Capability.MANAGE_OUTREACH),
    }
    return render(request, "outreach/province.html", context)
