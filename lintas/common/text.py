"""Checks on free text that reaches a service."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lintas.common.errors import ValidationFailed


def clean_text(value: str, *, field: str, max_length: int, required: bool = True) -> str:
    """Strip ``value`` and refuse NUL bytes, control characters and over-long text."""
    if not isinstance(value, str):
        raise ValidationFailed(_("Invalid input."), field_errors={field: _("Must be text.")})
    value = value.strip()
    if "\x00" in value:
        raise ValidationFailed(
            _("Invalid input."), field_errors={field: _("Null characters are not allowed.")}
        )
    if any(ord(ch) < 32 and ch not in "\t\n\r" for ch in value):
        raise ValidationFailed(
            _("Invalid input."), field_errors={field: _("Control characters are not allowed.")}
        )
    if len(value) > max_length:
        raise ValidationFailed(
            _("Invalid input."),
            field_errors={field: _("At most %(n)d characters.") % {"n": max_length}},
        )
    if required and not value:
        raise ValidationFailed(
            _("Invalid input."), field_errors={field: _("This field is required.")}
        )
    return value
