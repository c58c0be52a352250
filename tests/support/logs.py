"""Watching every log record a test produces (root logger, any level), to search it or to find crashes."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager


class LogWatch(logging.Handler):
    """Keeps every log record it is given while installed."""

    def __init__(self, level: int) -> None:
        super().__init__(level)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def failures(self) -> list[str]:
        """Records that mean a bug or a false outage: ERROR and above, a traceback, "store unavailable"."""
        return [
            f"{record.name}: {record.getMessage()}"
            for record in self.records
            if record.levelno >= logging.ERROR or record.exc_info or "store unavailable" in record.getMessage()
        ]


@contextmanager
def watching_logs(level: int = logging.WARNING) -> Iterator[LogWatch]:
    """A LogWatch on the root logger for the duration (the root's level lowered to `level` if it is above)."""
    root = logging.getLogger()
    watch = LogWatch(level)
    previous = root.level
    root.addHandler(watch)
    if previous > level:
        root.setLevel(level)
    try:
        yield watch
    finally:
        root.removeHandler(watch)
        root.setLevel(previous)
