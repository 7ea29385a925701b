"""A record's state as JSON (the outbox payload) and back to column values."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from lintas.common.crypto import Ciphertext, EncryptedTextField, encrypt_text
from lintas.common.values import SECRET_COLUMNS, jsonable
from lintas.sync.protocol import SyncError


def record_state(instance: models.Model, *, with_secrets: bool = False) -> dict[str, Any]:
    """The record's concrete fields as JSON-ready values (foreign keys by id)."""
    state: dict[str, Any] = {}
    for f in instance._meta.concrete_fields:
        if f.attname in SECRET_COLUMNS and not with_secrets:
            continue
        value = getattr(instance, f.attname)
        if isinstance(f, EncryptedTextField) and value:
            # Victim identities travel and wait in the outbox encrypted, as they are stored.
            value = encrypt_text(str(value))
        state[f.attname] = jsonable(value)
    return state


def concrete_fields(model: type[models.Model]) -> dict[str, models.Field[Any, Any]]:
    return {f.attname: f for f in model._meta.concrete_fields}


def column_values(model: type[models.Model], state: dict[str, Any]) -> dict[str, Any]:
    """``state`` as Python values for ``model``'s columns; unknown or bad fields refused.

    A field missing from ``state`` (a node on older code) keeps the model's default.
    """
    fields = concrete_fields(model)
    unknown = sorted(set(state) - set(fields))
    if unknown:
        raise SyncError(
            _("%(model)s has no field %(field)s (different program versions?).")
            % {"model": model._meta.label_lower, "field": unknown[0]},
            code="invalid_event",
            status=422,
        )
    return {attname: state_value(model, fields[attname], value) for attname, value in state.items()}


def state_value(model: type[models.Model], f: models.Field[Any, Any], value: Any) -> Any:
    """One value of a state as Python; ``SyncError`` if it is not valid for ``f``.

    An encrypted field's value in a state is always ciphertext (``record_state`` seals
    it), so it is read as such by the field's type, whatever its text looks like.
    """
    try:
        if value is None:
            return None
        if isinstance(f, EncryptedTextField) and value != "":
            if not isinstance(value, str):
                raise ValidationError("not text")
            value = Ciphertext(value)
        return f.to_python(value)
    except ValidationError as exc:
        raise SyncError(
            _("%(model)s.%(field)s has an invalid value.")
            % {"model": model._meta.label_lower, "field": f.attname},
            code="invalid_event",
            status=422,
        ) from exc


def differing_fields(
    model: type[models.Model], a: dict[str, Any], b: dict[str, Any], names: tuple[str, ...]
) -> list[str]:
    """Names among ``names`` whose values differ, compared as Python values.

    Compared as values, not text: the same instant may be written ``+08:00`` on the node
    that made it and ``+00:00`` on the hub that read it back.
    """
    fields = concrete_fields(model)
    out = []
    for name in names:
        f = fields.get(name)
        if f is None:
            continue
        if state_value(model, f, a.get(name)) != state_value(model, f, b.get(name)):
            out.append(name)
    return out
