"""What the servers logged during a phase (their JSON lines, from where the phase began): a summary of
the warnings, which show that a fault was felt (e.g. the core's `store unavailable` during a
PostgreSQL restart, absorbed by the gateways' retries), and the ERROR lines, each a failure no
fault explains (a gateway's `unexpected failure` is a bug)."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

SERIOUS = frozenset({"ERROR", "CRITICAL"})


@dataclass
class LogLines:
    warnings: Counter[str] = field(default_factory=Counter)
    """"server: message" (up to its first colon) -> how many."""
    errors: list[str] = field(default_factory=list)


class LogWatch:
    def __init__(self, logs: dict[str, Path]) -> None:
        self.logs = logs
        self.offsets = dict.fromkeys(logs, 0)

    def mark(self) -> None:
        self.offsets = {name: path.stat().st_size if path.exists() else 0 for name, path in self.logs.items()}

    def since_mark(self) -> LogLines:
        found = LogLines()
        for name, path in self.logs.items():
            if not path.exists():
                continue
            with path.open("rb") as log:
                log.seek(self.offsets[name])
                for raw in log:
                    _read(name, raw.decode(errors="replace"), found)
        return found


def _read(server: str, line: str, found: LogLines) -> None:
    try:
        record = json.loads(line)
    except ValueError:
        record = None
    if not isinstance(record, dict):  # not a log record: a traceback on a crash, or the interpreter's own words
        if line.strip():
            found.errors.append(f"{server}: {line.strip()[:300]}")
        return
    level, message = str(record.get("level", "")), str(record.get("message", ""))
    if level in SERIOUS:
        found.errors.append(f"{server}: {level} {record.get('logger', '')}: {message[:300]}")
    elif level == "WARNING":
        found.warnings[f"{server}: {message.split(':')[0][:60]}"] += 1
