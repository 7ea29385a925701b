"""Forms of the public pages: they parse; the tip services check, with the portal's messages.

Text fields are passed on as typed (no Django ``CharField`` checks), so that every message
a reporter can see comes from ``cases.tips`` or this app and is translated into Tetum too.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"]
DATE_INVALID = _("Enter a date such as 31/12/2026, or leave it empty.")


class RawText(forms.Field):
    """Text exactly as posted ('' when absent); checked by the service."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> str:
        return value if isinstance(value, str) else ""


class TipForm(forms.Form):
    body = RawText()
    regency = RawText()
    district = RawText()
    village = RawText()
    happened_on = forms.DateField(
        required=False, input_formats=DATE_FORMATS, error_messages={"invalid": DATE_INVALID}
    )
    at_risk = RawText()
    contact = RawText()
    contact_phone = RawText()
    token = RawText()
    website = RawText()  # the honeypot: hidden from people, filled by some robots


class ReceiptForm(forms.Form):
    code = RawText()


class AddInformationForm(forms.Form):
    code = RawText()
    text = RawText()
    token = RawText()
