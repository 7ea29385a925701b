"""HTCDS 2.0 export: one JSON object per case with the standard's field names.

Identified exports are for permitted roles only and always encrypted with a passphrase
(scrypt + AES-256-GCM); de-identified exports carry no names, contacts, exact birth
dates or places finer than district, and may stay in clear.
"""

from __future__ import annotations

import json
import os
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from lintas.accounts.models import User
from lintas.accounts.roles import Capability
from lintas.audit.services import audit_append
from lintas.cases.models import Case, CasePerson, PersonRole, ReferralStatus
from lintas.cases.selectors import cases_visible
from lintas.common.errors import PermissionDenied, ValidationFailed

MAGIC = b"LINTAS-HTCDS-1\n"
MIN_PASSPHRASE = 12

# Lintas agency types as the standard names them (org_Type).
ORG_TYPE = {
    "NGO": "NGO",
    "LawEnforcement": "LawEnforcement",
    "ImmigrationService": "ImmigrationService",
    "LocalGovernment": "LocalGovernmentOrganisation",
    "ProtectionUnit": "LocalGovernmentOrganisation",
    "LabourOffice": "CentralGovernmentOrganisation",
    "Customs": "CentralGovernmentOrganisation",
    "BorderPostAuthority": "CentralGovernmentOrganisation",
    "ReligiousOrganisation": "NGO",
    "InternationalOrganisation": "NGO",
}


def _person(p: CasePerson, *, deidentified: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "prs_Gender": p.gender or None,
        "prs_Citizenship": [p.citizenship] if p.citizenship else [],
        "prs_MailingCountry": "ID" if p.residence_regency_id else None,
        "prs_MailingState": p.residence_regency.name if p.residence_regency else None,
        "prs_MailingCity": p.residence_district.name if p.residence_district else None,
        "lin_Role": p.role,
        "lin_BirthYear": p.birth_year,
    }
    if not deidentified:
        out.update(
            {
                "prs_FirstName": p.first_name or None,
                "prs_SecondName": p.second_name or None,
                "prs_Birthdate": p.birth_date or None,
                "prs_MobilePhone": p.phone or None,
                "prs_IdentityNumber": p.identity_number or None,
                "prs_MailingStreet": p.address or None,
            }
        )
    if p.role == PersonRole.VICTIM:
        out.update(
            {
                "vic_TraffickingStatus": p.trafficking_status or None,
                "vic_AgeWhenTrafficked": p.age_when_trafficked,
                "vic_MethodOfRecruitment": p.recruitment_methods,
                "vic_MethodsOfControl": p.methods_of_control,
                "vic_TypeOfExploitation": p.exploitation_types,
                "vic_Vulnerabilities": p.vulnerabilities,
                # Read from the prefetched consents: a filter here would query per person.
                "vic_AgreementToManagePersonalData": any(
                    c.kind == "manage_data" and c.withdrawn_at is None for c in p.consents.all()
                ),
            }
        )
    if p.role == PersonRole.SUSPECT:
        out["per_RoleInProcess"] = p.roles_in_process
    return out


def case_record(case: Case, *, deidentified: bool) -> dict[str, Any]:
    """One case in HTCDS field names (``lin_`` fields are Lintas's own)."""
    referrals = [r for r in case.referrals.all() if r.status != ReferralStatus.REVOKED]
    latest = referrals[-1] if referrals else None
    record: dict[str, Any] = {
        "lin_CaseReference": case.reference,
        "org_Name": case.owner_agency.name,
        "org_Type": ORG_TYPE.get(case.owner_agency.type, "NGO"),
        "org_ShippingCountry": "ID",
        "cas_Status": case.status,
        "cas_ReasonForCaseClosure": case.reason_for_closure or None,
        "cas_CaseOwner": str(case.owner_id),
        "cas_ReferredOrganisation": latest.to_agency.name if latest else None,
        "cas_ReasonForOutgoingReferral": latest.reason if latest else None,
        "cas_OutgoingReferralDate": latest.created_at.date().isoformat() if latest else None,
        "lin_Regency": case.regency.name if case.regency else None,
        "persons": [
            _person(p, deidentified=deidentified)
            for p in case.persons.filter(deleted_at__isnull=True)
        ],
        "events": [
            {
                "hte_Type": e.type,
                # De-identified: the month is enough for trends, the day may identify.
                "hte_Date": None
                if e.date is None
                else (e.date.strftime("%Y-%m") if deidentified else e.date.isoformat()),
                "hte_Country": e.country or None,
                "hte_State": e.regency.name if e.regency else None,
                "hte_City": None if deidentified else (e.city or None),
                "lin_District": e.district.name if e.district else None,
                "hte_Description": None if deidentified else (e.description or None),
            }
            for e in case.events.all()
        ],
        "support_plan": [
            {"spl_Type": s.type, "lin_Provider": s.provider.name, "lin_Status": s.status}
            for s in case.services.all()
        ],
    }
    if not deidentified:
        record["cas_CaseSummary"] = case.summary or None
    return record


def _cases(actor: User, deidentified: bool) -> QuerySet[Case]:
    if deidentified:
        if not (
            actor.can(Capability.EXPORT_DEIDENTIFIED) or actor.can(Capability.EXPORT_IDENTIFIED)
        ):
            raise PermissionDenied(_("You are not allowed to do this."))
        # Analysts see every case, without identities; others their own agency's.
        qs = (
            Case.objects.filter(deleted_at__isnull=True)
            if actor.can(Capability.EXPORT_DEIDENTIFIED)
            else cases_visible(user=actor)
        )
    else:
        if not actor.can(Capability.EXPORT_IDENTIFIED):
            raise PermissionDenied(_("Only permitted roles export identified data."))
        qs = cases_visible(user=actor)
    return (
        qs.select_related("owner_agency", "regency")
        .prefetch_related(
            "persons__residence_regency",
            "persons__residence_district",
            "persons__consents",
            "events__regency",
            "events__district",
            "referrals__to_agency",
            "services__provider",
        )
        .order_by("reference")
    )


def export_htcds(*, actor: User, deidentified: bool, passphrase: str = "") -> bytes:
    """The export as bytes: JSON, encrypted with ``passphrase`` when identified."""
    if not deidentified and len(passphrase) < MIN_PASSPHRASE:
        raise ValidationFailed(
            _("An identified export needs a passphrase of at least %(n)s characters.")
            % {"n": MIN_PASSPHRASE}
        )
    cases = list(_cases(actor, deidentified))
    records = [case_record(c, deidentified=deidentified) for c in cases]
    data = json.dumps(records, ensure_ascii=False, indent=1).encode("utf-8")
    with transaction.atomic():
        audit_append(
            actor=actor,
            action="export.htcds",
            obj=("cases.export", "htcds"),
            changed={"cases": len(records), "deidentified": deidentified},
        )
    if passphrase:
        return encrypt_export(data, passphrase)
    return data


def _key(passphrase: str, salt: bytes) -> bytes:
    return Scrypt(salt=salt, length=32, n=2**15, r=8, p=1).derive(passphrase.encode("utf-8"))


def encrypt_export(data: bytes, passphrase: str) -> bytes:
    salt, nonce = os.urandom(16), os.urandom(12)
    return MAGIC + salt + nonce + AESGCM(_key(passphrase, salt)).encrypt(nonce, data, MAGIC)


def decrypt_export(blob: bytes, passphrase: str) -> bytes:
    if not blob.startswith(MAGIC):
        raise ValidationFailed(_("This is not an encrypted Lintas export."))
    body = blob[len(MAGIC) :]
    salt, nonce, sealed = body[:16], body[16:28], body[28:]
    try:
        return AESGCM(_key(passphrase, salt)).decrypt(nonce, sealed, MAGIC)
    except InvalidTag as exc:
        raise ValidationFailed(_("Wrong passphrase, or the file was changed.")) from exc
