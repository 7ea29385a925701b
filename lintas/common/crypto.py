"""Encryption at rest for victim identity fields, with a key kept outside the database.

``LINTAS_DATA_KEY`` is any secret text (at least 32 characters); the AES-256-GCM key is
derived from it with HKDF, so rotating to a new text needs a re-encryption run. Each value
gets a fresh nonce: equal names do not produce equal ciphertexts, so nothing can be
learnt by comparing rows.
"""

from __future__ import annotations

import base64
import functools
import os
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

PREFIX = "enc1:"
DEV_KEY = "development-only-data-key-never-use-in-production-0123456789"


class DecryptionError(Exception):
    """A stored value could not be decrypted: wrong key or tampered data."""


@functools.cache
def _aead(secret: str) -> AESGCM:
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=b"lintas-data-key-v1", info=b"victim-identity"
    ).derive(secret.encode("utf-8"))
    return AESGCM(key)


def data_key() -> str:
    secret = str(getattr(settings, "LINTAS_DATA_KEY", "") or "")
    if not secret:
        if settings.DEBUG or getattr(settings, "TESTING", False):
            return DEV_KEY
        raise ImproperlyConfigured("LINTAS_DATA_KEY must be set to store victim identity data")
    if len(secret) < 32:
        raise ImproperlyConfigured("LINTAS_DATA_KEY must be at least 32 characters")
    return secret


class Ciphertext(str):
    """Text sealed by ``encrypt_text``: stored as it is and never sealed twice.

    Whether a value is already encrypted is known from its type, never from its text: a
    tip, a name or an SMS that begins with ``enc1:`` is what a person typed, and is
    sealed like any other text.
    """

    __slots__ = ()


def encrypt_text(value: str, *, secret: str | None = None) -> Ciphertext:
    nonce = os.urandom(12)
    sealed = _aead(secret or data_key()).encrypt(nonce, value.encode("utf-8"), None)
    return Ciphertext(PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode("ascii"))


def decrypt_text(stored: str, *, secret: str | None = None) -> str:
    """The text sealed in ``stored``; ``DecryptionError`` if it is not a sound ciphertext."""
    if not stored.startswith(PREFIX):
        raise DecryptionError("value is not encrypted")
    try:
        raw = base64.urlsafe_b64decode(stored[len(PREFIX) :].encode("ascii"))
        return _aead(secret or data_key()).decrypt(raw[:12], raw[12:], None).decode("utf-8")
    except (InvalidTag, ValueError) as exc:  # bad base64, bad UTF-8 and short data too
        raise DecryptionError("wrong key or tampered value") from exc


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """Text stored encrypted; empty text is stored empty (it reveals nothing).

    The database always holds ciphertext, and the model always plain text. A value that
    is a ``Ciphertext`` (the sync layer hands them around) is stored as it is; any other
    text is sealed, whatever it looks like.
    """

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str:
        if not value:
            return ""
        return decrypt_text(str(value))

    def get_prep_value(self, value: Any) -> Any:
        if isinstance(value, Ciphertext):
            return str(value)
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return str(encrypt_text(str(value)))

    def to_python(self, value: Any) -> Any:
        if isinstance(value, Ciphertext):
            try:
                return decrypt_text(value)
            except DecryptionError as exc:
                raise ValidationError(_("This value cannot be decrypted."), code="invalid") from exc
        return super().to_python(value)
