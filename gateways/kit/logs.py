"""Structured log events: named fields, secrets redacted.

A gateway logs through `log_event`: its fields become the record's extra attributes, which the
process's JSON formatter (python-json-logger, set up by the `wallet` command) writes as top-level
keys of one JSON line. Any field, however deep, whose key names a secret (a signature, a token,
a secret, a password) is written as "[redacted]".
"""

import functools
import logging

REDACTED = "[redacted]"
SECRET_KEYS = frozenset({"sign", "signature", "secret", "token", "authorization", "password"})
_SECRET_SUFFIXES = ("_secret", "_token", "_sign", "_signature", "_password")
_PLAIN = frozenset({str, int, float, bool, type(None)})
"""Values with nothing inside to redact: kept without a call (most fields of every log line)."""


@functools.lru_cache(maxsize=4096)  # the same few field names on every line
def _is_secret(key: str) -> bool:
    lowered = key.lower()
    return lowered in SECRET_KEYS or lowered.endswith(_SECRET_SUFFIXES)


def redact(value: object) -> object:
    """`value` with every mapping entry whose key names a secret replaced by REDACTED."""
    if isinstance(value, dict):
        return {
            key: REDACTED if _is_secret(str(key)) else item if type(item) in _PLAIN else redact(item)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [item if type(item) in _PLAIN else redact(item) for item in value]
    return value


def log_event(logger: logging.Logger, level: int, message: str, **fields: object) -> None:
    """Log `message` with `fields` as structured attributes, secrets redacted."""
    if logger.isEnabledFor(level):
        extra = redact(fields)
        assert isinstance(extra, dict)
        logger.log(level, message, extra=extra)
