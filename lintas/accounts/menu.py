"""What each role does: the links of the home page and the navigation bar."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from lintas.accounts.models import User
from lintas.accounts.roles import Capability


@dataclass(frozen=True)
class MenuItem:
    capability: Capability | tuple[Capability, ...]
    url_name: str
    label: str | Promise
    description: str | Promise

    @property
    def url(self) -> str:
        return reverse(self.url_name)


MENU: tuple[MenuItem, ...] = (
    MenuItem(
        Capability.REGISTER_CROSSING,
        "crossings:desk",
        _("Registration desk"),
        _("Scan a passport, border pass or KTP and register the crossing."),
    ),
    MenuItem(
        Capability.VIEW_POST_CROSSINGS,
        "crossings:today",
        _("Crossings today"),
        _("Today's crossings at your post, and border-pass holders past their stay."),
    ),
    MenuItem(
        Capability.REGISTER_MARKET_VISIT,
        "crossings:market",
        _("Market day"),
        _("Check Timor-Leste visitors in and out of the border market."),
    ),
    MenuItem(
        (Capability.VIEW_ALERTS, Capability.WATCH_SURVIVORS),
        "screening:alerts",
        _("Alerts"),
        _("Screening alerts to acknowledge and close; second interviews."),
    ),
    MenuItem(
        (Capability.MANAGE_WATCH_LISTS, Capability.WATCH_SURVIVORS),
        "screening:watch_lists",
        _("Watch lists"),
        _("Missing persons, wanted suspects, known recruiters, survivors under watch."),
    ),
    MenuItem(
        Capability.MANAGE_RULESETS,
        "screening:rulesets",
        _("Indicator rules"),
        _("The trafficking indicators screening uses: versions, export and import."),
    ),
    MenuItem(
        Capability.TRIAGE_TIPS,
        "cases:tip_queue",
        _("Tips"),
        _("Reports from the public, SMS, desks and outreach: verify, merge, open a case."),
    ),
    MenuItem(
        Capability.MANAGE_CASES,
        "cases:case_list",
        _("Cases"),
        _("Your agency's cases and those referred to it: people, consent, referrals, support."),
    ),
    MenuItem(
        Capability.MANAGE_CASES,
        "cases:referral_inbox",
        _("Referrals"),
        _("Cases other agencies referred to yours: accept or decline."),
    ),
    MenuItem(
        Capability.MANAGE_CASES,
        "cases:follow_ups",
        _("Follow-ups"),
        _("Survivor follow-up visits due and overdue, so nobody is recruited again."),
    ),
    MenuItem(
        Capability.ISSUE_KILB,
        "crossings:kilb_issue",
        _("KILB cards"),
        _("Issue a KILB card to a border-pass holder, with a monthly goods allowance."),
    ),
    MenuItem(
        Capability.MANAGE_BORDER_RULES,
        "crossings:plb_rules",
        _("Border-pass rules"),
        _("Decide which districts may hold border passes; which posts accept them."),
    ),
    MenuItem(
        Capability.MANAGE_OWN_AGENCY_USERS,
        "accounts:user_list",
        _("Users"),
        _("Add users, change roles, reset passwords, lift lock-outs."),
    ),
    MenuItem(
        Capability.MANAGE_AGENCIES,
        "accounts:agency_list",
        _("Agencies"),
        _("The agencies working in Lintas and their types."),
    ),
    MenuItem(
        Capability.VIEW_AUDIT,
        "audit:overview",
        _("Audit trail"),
        _("Check the audit chain and read the latest entries."),
    ),
    MenuItem(
        Capability.VIEW_STUDY_FIGURES,
        "insights:figures",
        _("Figures"),
        _("Trafficking cases per year and poverty rates by regency."),
    ),
    MenuItem(
        Capability.VIEW_REFERENCE,
        "places:posts",
        _("Border posts and areas"),
        _("The three posts, their entry points, and the province's regencies and districts."),
    ),
)


def menu_for(user: User) -> list[MenuItem]:
    """The menu items ``user``'s role grants, in menu order."""
    caps = user.capabilities
    return [
        item
        for item in MENU
        if (
            item.capability in caps
            if isinstance(item.capability, Capability)
            else caps.intersection(item.capability)
        )
    ]
