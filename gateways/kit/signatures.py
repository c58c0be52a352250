"""Digests and their constant-time comparison, for the providers' signature rules.

A dialect builds the string its provider signs; these helpers hash it and compare the result with
the signature the provider sent, without leaking through timing how much of it matched.
"""

import hashlib
import hmac


def md5_hex(message: str) -> str:
    """Lower-case hex MD5 of the UTF-8 bytes of `message`."""
    return hashlib.md5(message.encode("utf-8"), usedforsecurity=False).hexdigest()


def hmac_hex(key: str, message: bytes, digest: str = "sha1") -> str:
    """Lower-case hex HMAC of `message` under `key` (UTF-8) with the hashlib `digest` named."""
    return hmac.new(key.encode("utf-8"), message, digest).hexdigest()


def hex_digests_equal(expected: str, given: str) -> bool:
    """Whether two hex digests are equal, ignoring case, in time independent of where they differ."""
    return hmac.compare_digest(expected.lower().encode("utf-8"), given.lower().encode("utf-8"))
