from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def problem_for(problems: dict[str, str] | None, name: str) -> str:
    """The pre-save problem shown under field ``name`` (MRZ checks that failed)."""
    return (problems or {}).get(name, "")
