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
        Capability.REVIEW_LINKS,
        "linkage:review_queue",
        _("Links to review"),
        _("Records that may be one person across posts, tips and cases: confirm or split."),
    ),
    MenuItem(
        (Capability.VIEW_NETWORKS, Capability.VIEW_NETWORK_STRUCTURE),
        "linkage:network",
        _("Recruiter networks"),
        _("Who is linked to whom through phones, sponsors, recruiters and cases."),
    ),
    MenuItem(
        Capability.VIEW_NETWORKS,
        "linkage:network_alerts",
        _("Network alerts"),
        _("New links to a known suspect, to take and act on."),
    ),
    MenuItem(
        Capability.MANAGE_OUTREACH,
        "outreach:activity_list",
        _("Outreach activities"),
        _("Awareness sessions, sermons, trainings and village visits, with who was reached."),
    ),
    MenuItem(
        Capability.MANAGE_OUTREACH,
        "outreach:group_list",
        _("Support groups"),
        _("Village groups, their meetings and their contact person."),
    ),
    MenuItem(
        Capability.MANAGE_OUTREACH,
        "outreach:report_list",
        _("Community reports"),
        _("What groups and outreach workers heard, sent to triage, and what became of it."),
    ),
    MenuItem(
        Capability.MANAGE_OUTREACH,
        "outreach:plan_list",
        _("Outreach plan"),
        _("Districts to reach this quarter, and how far the plan has come."),
    ),
    MenuItem(
        Capability.VIEW_COVERAGE,
        "outreach:coverage",
        _("Coverage"),
        _("Which districts and islands outreach reaches, and which are left out."),
    ),
    MenuItem(
        Capability.VIEW_COVERAGE,
        "outreach:province",
        _("Province view"),
        _("Every agency's planned and done outreach this quarter, district by district."),
    ),
    MenuItem(
        Capability.IMPORT_INDICATORS,
        "outreach:indicator_import",
        _("Indicators"),
        _("Import district indicators (BPS and others) that weigh the outreach priority."),
    ),
    MenuItem(
        Capability.PUBLISH_STATISTICS,
        "insights:public_releases",
        _("Public statistics"),
        _("Publish the figures the portal shows, with small counts hidden."),
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
        Capability.VIEW_AUDIT,
        "sync:status",
        _("Post nodes"),
        _("Each post's node: last sync, what waits, conflicts and refused pushes."),
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
