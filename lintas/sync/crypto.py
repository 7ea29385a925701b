"""Keys, signatures and enrolment codes of the sync protocol.

Nodes sign their requests with an Ed25519 key made on the node at enrolment; the hub
keeps only the public half, so nothing stored on the hub (or in its backups) lets anyone
speak for a node. The hub signs its replies with its own key, whose public half the node
received at enrolment, so an acknowledgement cannot be forged on the way.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from lintas.common.crypto import data_key as _data_key
from lintas.common.crypto import decrypt_text, encrypt_text

# A key stored before keys were sealed: 64 hex characters, resealed at the next rotation.
_CLEAR_KEY = re.compile(r"^[0-9a-f]{64}$")

# Crockford-like alphabet without 0/O, 1/I/L: codes are read over the phone.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_GROUPS = 4
CODE_GROUP_SIZE = 4


def new_private_key() -> str:
    """A new Ed25519 private key, as 64 hex characters (its 32-byte seed)."""
    return secrets.token_bytes(32).hex()


def _sealing_secret() -> str:
    # Its own secret, derived from the data key (kept outside the database): the key
    # file alone does not let anyone sign for the node.
    return "node-signing-key:" + _data_key()


def seal_private_key(private_key: str) -> str:
    """The node's private key as stored in its database: sealed with the data key."""
    return encrypt_text(private_key, secret=_sealing_secret())


def open_private_key(stored: str) -> str:
    """The node's private key from its stored form (sealed, or a clear key of old)."""
    if _CLEAR_KEY.match(stored):
        return stored
    return decrypt_text(stored, secret=_sealing_secret())


def rotation_message(node: str, public_key: str, nonce: str) -> bytes:
    """What a node signs with its new key to prove it holds it."""
    return f"lintas-rotate\n{node}\n{public_key}\n{nonce}".encode("ascii")


def public_key_of(private_key: str) -> str:
    key = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(private_key))
    return key.public_key().public_bytes_raw().hex()


def sign(private_key: str, message: bytes) -> str:
    key = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(private_key))
    return key.sign(message).hex()


def verify(public_key: str, message: bytes, signature: str) -> bool:
    """Whether ``signature`` (hex) is ``public_key``'s signature of ``message``."""
    try:
        key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_key))
        key.verify(bytes.fromhex(signature), message)
    except (ValueError, InvalidSignature):
        return False
    return True


def is_public_key(text: str) -> bool:
    if len(text) != 64:
        return False
    try:
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(text))
    except ValueError:
        return False
    return True


def new_enrolment_code() -> str:
    """A one-time code such as ``K7QD-M2XP-9RTA-HV4C`` (about 79 bits)."""
    groups = [
        "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_GROUP_SIZE))
        for _ in range(CODE_GROUPS)
    ]
    return "-".join(groups)


def normalise_code(code: str) -> str:
    return "".join(c for c in code.upper() if c.isalnum())


def enrolment_key(code: str) -> str:
    """The key both sides derive from the code; the hub stores this, never the code."""
    digest = hashlib.sha256(b"lintas-enrol/1\x00" + normalise_code(code).encode("ascii"))
    return digest.hexdigest()


def proof(key: str, *parts: str) -> str:
    """HMAC-SHA256 of ``parts`` under ``key`` (hex): proves knowledge of the code."""
    message = "\x00".join(parts).encode("utf-8")
    return hmac.new(bytes.fromhex(key), message, hashlib.sha256).hexdigest()


def proofs_equal(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode("ascii", "replace"), b.encode("ascii", "replace"))
