"""Staff passwords, kept as argon2id hashes (argon2-cffi's defaults): the configuration holds no password.

``wallet console-password`` prints the hash of a password typed at its prompt."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_hasher = PasswordHasher()
# Checked when the name is unknown, so that a wrong name costs the same time as a wrong password.
_UNKNOWN_USER_HASH = _hasher.hash("no such staff member")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def is_hash(value: str) -> bool:
    return value.startswith("$argon2")


def verify(password_hash: str | None, password: str) -> bool:
    """True when ``password`` matches; an unknown user (None) is checked against a dummy hash all the same."""
    try:
        return _hasher.verify(password_hash or _UNKNOWN_USER_HASH, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
