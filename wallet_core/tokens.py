"""Core client tokens: made at random, kept by the core only as their SHA-256.

The core's configuration names a token by its hash (``{ sha256 = "…" }``), so that the file holds no
secret; the client (a gateway) keeps the token itself.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

TOKEN_PREFIX = "wallet-"
"""Marks a string as a wallet token for secret scanners and for a reader."""
MIN_TOKEN_LENGTH = 16


def new_token() -> str:
    """A fresh token: 256 random bits, URL-safe (a header carries it unchanged)."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_sha256(token: str) -> str:
    """The hex SHA-256 the configuration names ``token`` by."""
    return hashlib.sha256(token.encode()).hexdigest()


def config_entry(token: str, not_after: datetime | None = None) -> str:
    """The inline table to paste into a ``[[core.clients]]`` ``tokens`` list."""
    until = f", not_after = {not_after.isoformat()}" if not_after is not None else ""
    return f'{{ sha256 = "{token_sha256(token)}"{until} }}'
