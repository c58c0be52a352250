"""Structured logs: one JSON object per line, secrets redacted.

Fields passed in a log call's `extra` become top-level keys of the line. Any key that names a
secret (a signature, a token, a secret) is written as "[redacted]", however deep it sits.
"""

import json
import logging
import sys
from datetime import UTC, datetime
from typing import TextIO

REDACTED = "[redacted]"
SECRET_KEYS = frozenset({"sign", "signature", "secret", "token", "authorization", "password"})
_STANDARD_ATTRIBUTES = frozenset(
    logging.LogRecord("", 0, "", 0, "", (), None).__dict__.keys() | {"message", "asctime"}
)


def _is_secret(key: str) -> bool:
    lowered = key.lower()
    return lowered in SECRET_KEYS or lowered.endswith(("_secret", "_token", "_sign", "_signature"))


def redact(value: object) -> object:
    """`value` with every mapping entry whose key names a secret replaced by REDACTED."""
    if isinstance(value, dict):
        return {key: REDACTED if _is_secret(str(key)) else redact(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [redact(item) for item in value]
    return value


class JsonFormatter(logging.Formatter):
    """Formats a record as one JSON line: time, level, logger, message, the extras, the exception."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        extras = {key: value for key, value in record.__dict__.items() if key not in _STANDARD_ATTRIBUTES}
        redacted = redact(extras)
        assert isinstance(redacted, dict)
        line.update(redacted)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str, ensure_ascii=False)


def configure_json_logging(level: int | str = logging.INFO, stream: TextIO | None = None) -> None:
    """Send every log record of the process to `stream` (stderr) as JSON lines."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
