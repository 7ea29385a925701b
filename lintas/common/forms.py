"""Form helpers shared by the apps' pages."""

from __future__ import annotations

from django import forms

from lintas.common.errors import LintasError


def add_service_errors(form: forms.Form, error: LintasError) -> None:
    """Show a service's refusal on the form: next to each field, or above the form."""
    placed = False
    for name, message in error.field_errors.items():
        if name in form.fields:
            form.add_error(name, str(message))
            placed = True
        else:
            form.add_error(None, str(message))
            placed = True
    if not placed or error.field_errors.keys() - form.fields.keys():
        form.add_error(None, str(error.message))
