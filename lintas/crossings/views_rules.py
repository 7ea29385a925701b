"""Pages for the border rules: border-pass districts and post policies, and KILB cards."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from lintas.accounts.decorators import requires, signed_in_user
from lintas.accounts.roles import Capability
from lintas.common.pages import shown_on
from lintas.crossings import kilb, plb
from lintas.crossings.models import PlbDistrictStatus


class DecisionForm(forms.Form):
    district_code = forms.CharField(max_length=8, widget=forms.HiddenInput)
    status = forms.ChoiceField(label=gettext_lazy("Decision"), choices=PlbDistrictStatus.choices)
    note = forms.CharField(label=gettext_lazy("Reason"), max_length=200)


class PolicyForm(forms.Form):
    post_code = forms.CharField(max_length=40, widget=forms.HiddenInput)
    accepts_plb = forms.BooleanField(label=gettext_lazy("Accepts border passes"), required=False)
    since = forms.DateField(
        label=gettext_lazy("Since"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    note = forms.CharField(label=gettext_lazy("Note"), max_length=200, required=False)


class KilbForm(forms.Form):
    number = forms.CharField(label=gettext_lazy("KILB number"), max_length=30)
    plb_number = forms.CharField(label=gettext_lazy("Border pass (PLB) number"), max_length=30)
    monthly_limit_idr = forms.IntegerField(
        label=gettext_lazy("Monthly goods allowance (IDR)"), min_value=1, max_value=10**10
    )
    expiry_date = forms.DateField(
        label=gettext_lazy("Valid until"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


def _rules_page(request: HttpRequest, status: int = 200, **extra: object) -> HttpResponse:
    user = signed_in_user(request)
    return render(
        request,
        "crossings/plb_rules.html",
        {
            "districts": plb.plb_districts_list(user=user),
            "policies": plb.post_policies_list(user=user),
            "statuses": PlbDistrictStatus.choices,
            **extra,
        },
        status=status,
    )


@requires(Capability.MANAGE_BORDER_RULES)
def plb_rules(request: HttpRequest) -> HttpResponse:
    return _rules_page(request)


@requires(Capability.MANAGE_BORDER_RULES)
@require_POST
def plb_district_decide(request: HttpRequest) -> HttpResponse:
    form = DecisionForm(request.POST)
    if form.is_valid():
        with shown_on(form) as refused:
            row = plb.plb_district_decide(actor=signed_in_user(request), **form.cleaned_data)
        if not refused:
            messages.success(
                request, _("Decision recorded for %(name)s.") % {"name": row.district.name}
            )
            return redirect("crossings:plb_rules")
    return _rules_page(request, status=400, decision_errors=form.errors)


@requires(Capability.MANAGE_BORDER_RULES)
@require_POST
def post_policy_set(request: HttpRequest) -> HttpResponse:
    form = PolicyForm(request.POST)
    if form.is_valid():
        with shown_on(form) as refused:
            plb.post_plb_policy_set(actor=signed_in_user(request), **form.cleaned_data)
        if not refused:
            messages.success(request, _("Changes saved."))
            return redirect("crossings:plb_rules")
    return _rules_page(request, status=400, policy_errors=form.errors)


@requires(Capability.ISSUE_KILB)
@require_http_methods(["GET", "POST"])
def kilb_issue(request: HttpRequest) -> HttpResponse:
    form = KilbForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with shown_on(form) as refused:
            card = kilb.kilb_card_issue(actor=signed_in_user(request), **form.cleaned_data)
        if not refused:
            messages.success(
                request,
                _("KILB card %(number)s issued to %(name)s.")
                % {"number": card.number, "name": card.holder.full_name},
            )
            return redirect("crossings:kilb_issue")
    status = 400 if request.method == "POST" else 200
    return render(request, "crossings/kilb_issue.html", {"form": form}, status=status)
