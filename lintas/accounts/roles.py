"""Roles, agency types and what each role may do.

A user holds one role in one agency. Pages and selectors ask for a capability, never for
a role name, so that the rules live here and nowhere else.
"""

from __future__ import annotations

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class AgencyType(models.TextChoices):
    NGO = "NGO", _("Non-governmental organisation")
    LAW_ENFORCEMENT = "LawEnforcement", _("Law enforcement")
    IMMIGRATION = "ImmigrationService", _("Immigration service")
    CUSTOMS = "Customs", _("Customs")
    LABOUR = "LabourOffice", _("Labour office")
    PROTECTION = "ProtectionUnit", _("Women and children protection unit")
    BORDER_POST = "BorderPostAuthority", _("Border post authority")
    RELIGIOUS = "ReligiousOrganisation", _("Religious organisation")
    LOCAL_GOVERNMENT = "LocalGovernment", _("Local government")
    INTERNATIONAL = "InternationalOrganisation", _("International organisation")


class Role(models.TextChoices):
    POST_OFFICER = "post_officer", _("Post officer")
    MARKET_REGISTRAR = "market_registrar", _("Market registrar")
    SUPERVISOR = "supervisor", _("Supervisor")
    INVESTIGATOR = "investigator", _("Investigator")
    CASE_WORKER = "case_worker", _("Case worker")
    OUTREACH_COORDINATOR = "outreach_coordinator", _("Outreach coordinator")
    ANALYST = "analyst", _("Analyst")
    AGENCY_ADMIN = "agency_admin", _("Agency administrator")
    SYSTEM_ADMIN = "system_admin", _("System administrator")


class Capability(StrEnum):
    VIEW_REFERENCE = "view_reference"
    VIEW_STUDY_FIGURES = "view_study_figures"
    MANAGE_OWN_AGENCY_USERS = "manage_own_agency_users"
    MANAGE_ALL_USERS = "manage_all_users"
    MANAGE_AGENCIES = "manage_agencies"
    VIEW_AUDIT = "view_audit"
    REGISTER_CROSSING = "register_crossing"
    VIEW_POST_CROSSINGS = "view_post_crossings"
    REGISTER_MARKET_VISIT = "register_market_visit"
    MANAGE_BORDER_RULES = "manage_border_rules"
    ISSUE_KILB = "issue_kilb"
    # Extend a border-pass holder's stay abroad from 10 to 30 days.
    EXTEND_PLB_STAY = "extend_plb_stay"
    VIEW_ALERTS = "view_alerts"
    HOLD_INTERVIEW = "hold_interview"
    MANAGE_RULESETS = "manage_rulesets"
    MANAGE_WATCH_LISTS = "manage_watch_lists"
    WATCH_SURVIVORS = "watch_survivors"
    TRIAGE_TIPS = "triage_tips"
    MANAGE_CASES = "manage_cases"
    OVERRIDE_CONSENT = "override_consent"
    EXPORT_IDENTIFIED = "export_identified"
    EXPORT_DEIDENTIFIED = "export_deidentified"
    # Linkage: confirm or split proposed links, see networks with names, or without.
    REVIEW_LINKS = "review_links"
    VIEW_NETWORKS = "view_networks"
    VIEW_NETWORK_STRUCTURE = "view_network_structure"
    RUN_LINKAGE = "run_linkage"
    # Outreach: an agency's activities, groups, community reports and plan; coverage of
    # the province (counts only); indicators imported by an analyst.
    MANAGE_OUTREACH = "manage_outreach"
    VIEW_COVERAGE = "view_coverage"
    IMPORT_INDICATORS = "import_indicators"
    # Public statistics: computing and publishing a new release (counts only, small ones hidden).
    PUBLISH_STATISTICS = "publish_statistics"


_EVERYONE = frozenset({Capability.VIEW_REFERENCE})

ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.POST_OFFICER: _EVERYONE
    | {
        Capability.REGISTER_CROSSING,
        Capability.VIEW_POST_CROSSINGS,
        Capability.ISSUE_KILB,
        Capability.EXTEND_PLB_STAY,
        Capability.HOLD_INTERVIEW,
    },
    Role.MARKET_REGISTRAR: _EVERYONE | {Capability.REGISTER_MARKET_VISIT},
    Role.SUPERVISOR: _EVERYONE
    | {
        Capability.VIEW_POST_CROSSINGS,
        Capability.ISSUE_KILB,
        Capability.EXTEND_PLB_STAY,
        Capability.VIEW_ALERTS,
        Capability.HOLD_INTERVIEW,
        Capability.MANAGE_WATCH_LISTS,
        Capability.TRIAGE_TIPS,
        Capability.MANAGE_CASES,
        Capability.OVERRIDE_CONSENT,
        Capability.EXPORT_IDENTIFIED,
        Capability.REVIEW_LINKS,
    },
    Role.INVESTIGATOR: _EVERYONE
    | {
        Capability.VIEW_ALERTS,
        Capability.HOLD_INTERVIEW,
        Capability.MANAGE_WATCH_LISTS,
        Capability.TRIAGE_TIPS,
        Capability.MANAGE_CASES,
        Capability.EXPORT_IDENTIFIED,
        Capability.REVIEW_LINKS,
        Capability.VIEW_NETWORKS,
        Capability.VIEW_NETWORK_STRUCTURE,
    },
    Role.CASE_WORKER: _EVERYONE | {Capability.WATCH_SURVIVORS, Capability.MANAGE_CASES},
    Role.OUTREACH_COORDINATOR: _EVERYONE
    | {Capability.VIEW_STUDY_FIGURES, Capability.MANAGE_OUTREACH, Capability.VIEW_COVERAGE},
    Role.ANALYST: _EVERYONE
    | {
        Capability.VIEW_STUDY_FIGURES,
        Capability.EXPORT_DEIDENTIFIED,
        Capability.VIEW_NETWORK_STRUCTURE,
        Capability.VIEW_COVERAGE,
        Capability.IMPORT_INDICATORS,
        Capability.PUBLISH_STATISTICS,
    },
    Role.AGENCY_ADMIN: _EVERYONE | {Capability.MANAGE_OWN_AGENCY_USERS},
    Role.SYSTEM_ADMIN: _EVERYONE
    | {
        Capability.MANAGE_OWN_AGENCY_USERS,
        Capability.MANAGE_ALL_USERS,
        Capability.MANAGE_AGENCIES,
        Capability.VIEW_AUDIT,
        Capability.VIEW_STUDY_FIGURES,
        Capability.MANAGE_BORDER_RULES,
        Capability.MANAGE_RULESETS,
        Capability.RUN_LINKAGE,
    },
}

# Roles bound to one post must name it: the desk roles, and the supervisor, whose alerts,
# interviews and tips are those of the post. Investigators (police, immigration) work across
# posts and have none; selectors read their reach from the role, not from a missing post.
ROLES_NEEDING_POST = frozenset({Role.POST_OFFICER, Role.MARKET_REGISTRAR, Role.SUPERVISOR})

# Which agencies may hold the desk and investigation roles; other roles fit any agency.
ROLE_AGENCY_TYPES: dict[str, frozenset[str]] = {
    Role.POST_OFFICER: frozenset(
        {
            AgencyType.BORDER_POST,
            AgencyType.IMMIGRATION,
            AgencyType.LAW_ENFORCEMENT,
            AgencyType.CUSTOMS,
        }
    ),
    Role.MARKET_REGISTRAR: frozenset({AgencyType.BORDER_POST}),
    Role.INVESTIGATOR: frozenset({AgencyType.LAW_ENFORCEMENT, AgencyType.IMMIGRATION}),
}

# An agency admin may hand out every role but these.
ROLES_ONLY_SYSTEM_ADMIN_GRANTS = frozenset({Role.SYSTEM_ADMIN})


def role_capabilities(role: str) -> frozenset[Capability]:
    """Capabilities of ``role``; an unknown role has none."""
    return ROLE_CAPABILITIES.get(role, frozenset())
