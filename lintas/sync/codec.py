"""A pushed record's state read into a model instance, one prepared reader per column.

The hub reads tens of thousands of states in a catch-up. ``records.column_values`` asks
each field to parse each value and ``Model(**values)`` then walks every field again;
here each model gets, once, a reader per column that takes the common case (a text, a
key, an ISO date as ``record_state`` writes them) directly and hands anything else to the
field itself (``records.state_value``), so that every value is checked exactly as before
and a bad one is refused with the same error. The instance is a real model instance
(policies read it as one), made without running ``Model.__init__`` over every field.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from functools import cache
from typing import Any

from django.db import models
from django.db.models.base import ModelState
from django.utils.translation import gettext_lazy as _

from lintas.common.crypto import EncryptedTextField
from lintas.sync.protocol import SyncError
from lintas.sync.records import state_value

type Reader = Callable[[Any], Any]

_TEXT = (models.CharField, models.TextField, models.SlugField, models.EmailField)
_INTEGER = (
    models.IntegerField,
    models.BigIntegerField,
    models.SmallIntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.PositiveBigIntegerField,
    models.AutoField,
    models.BigAutoField,
    models.SmallAutoField,
)


def _reader(model: type[models.Model], field: models.Field[Any, Any]) -> Reader:
    """What ``state_value`` gives for one column, with the common types read directly.

    Each shortcut gives the very value the field's ``to_python`` would (Django parses ISO
    texts with the same ``fromisoformat``); whatever it does not take goes to the field.
    """

    def slow(value: Any) -> Any:
        return state_value(model, field, value)

    if isinstance(field, EncryptedTextField):
        return slow  # decrypted (and so checked) by the field itself
    target = field.target_field if isinstance(field, models.ForeignKey) else field
    kind = type(target)
    if kind in _TEXT:
        return _taken_as(str, slow)
    if kind is models.UUIDField:
        return _parsed_by(uuid.UUID, slow)
    if kind is models.DateTimeField:
        return _parsed_by(dt.datetime.fromisoformat, slow)
    if kind is models.DateField:
        return _parsed_by(dt.date.fromisoformat, slow)
    if kind in _INTEGER:
        return _taken_as(int, slow)
    if kind is models.BooleanField:
        return _taken_as(bool, slow)
    return slow


def _taken_as(kind: type, slow: Reader) -> Reader:
    """A value already of ``kind`` (or None) as it is; anything else to the field."""

    def read(value: Any) -> Any:
        return value if type(value) is kind or value is None else slow(value)

    return read


def _parsed_by(parse: Callable[[str], Any], slow: Reader) -> Reader:
    """A text ``parse`` takes, parsed; None as None; anything else to the field."""

    def read(value: Any) -> Any:
        if type(value) is str:
            try:
                return parse(value)
            except ValueError:
                pass
        return None if value is None else slow(value)

    return read


class ModelCodec:
    """The readers of one model's columns, and its defaults for columns a state leaves out."""

    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        self.label = model._meta.label_lower
        fields = list(model._meta.concrete_fields)
        self.readers: dict[str, Reader] = {f.attname: _reader(model, f) for f in fields}
        self.fields: dict[str, models.Field[Any, Any]] = {f.attname: f for f in fields}

    def values(self, state: dict[str, Any]) -> dict[str, Any]:
        """``state`` as Python values of the model's columns; unknown or bad ones refused.

        A column missing from ``state`` (a node on older code) takes the model's default.
        """
        unknown = state.keys() - self.readers.keys()
        if unknown:
            raise SyncError(
                _("%(model)s has no field %(field)s (different program versions?).")
                % {"model": self.label, "field": sorted(unknown)[0]},
                code="invalid_event",
                status=422,
            )
        readers = self.readers
        values = {attname: readers[attname](value) for attname, value in state.items()}
        if len(values) != len(readers):
            for attname, field in self.fields.items():
                if attname not in values:
                    values[attname] = field.get_default()
        return values

    def instance(self, values: dict[str, Any]) -> models.Model:
        """A model instance holding ``values`` (every column), as ``Model(**values)`` makes."""
        obj = self.model.__new__(self.model)
        obj._state = ModelState()
        obj.__dict__.update(values)
        return obj


@cache
def codec_for(model: type[models.Model]) -> ModelCodec:
    return ModelCodec(model)
