"""One error family for the write and read paths.

Services raise these; views and API endpoints turn them into a message next to the field
or a JSON error, in the user's language. ``message`` is a lazily translated string.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.functional import Promise


class LintasError(Exception):
    """Base of every expected error: the request is refused and nothing is written."""

    status = 400
    code = "invalid"

    def __init__(
        self,
        message: str | Promise,
        *,
        field_errors: Mapping[str, str | Promise] | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(str(message))
        self.message = message
        self.field_errors: dict[str, str | Promise] = dict(field_errors or {})
        if code is not None:
            self.code = code

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form of the error, with messages rendered in the active language."""
        return {
            "code": self.code,
            "message": str(self.message),
            "fields": {name: str(text) for name, text in self.field_errors.items()},
        }


class ValidationFailed(LintasError):
    """Input is malformed or breaks a rule."""

    status = 422
    code = "validation"


class PermissionDenied(LintasError):
    """The actor may not do this."""

    status = 403
    code = "forbidden"


class NotFound(LintasError):
    """No such record, or not one the actor may see (the two look the same on purpose)."""

    status = 404
    code = "not_found"


class Conflict(LintasError):
    """The change collides with the current state (duplicate, stale version)."""

    status = 409
    code = "conflict"
