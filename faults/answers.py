"""What one attempt got back, as the vendor reads it: acknowledged, refused for good, or to be retried
(no answer at all, or a failure that decided nothing). `code` is the dialect's code as text, or what
went wrong on the wire: `refused` (nothing listening), `cut` (the connection died with the request in
flight), `timeout`, `http NNN`, `not json`."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Verdict(StrEnum):
    OK = "ok"
    REFUSED = "refused"
    RETRY = "retry"


TRANSPORT_CODES = frozenset({"refused", "cut", "timeout"})


@dataclass(frozen=True)
class Answer:
    verdict: Verdict
    code: str
    seconds: float
    expected: bool = True
    """False for a code that should never come (e.g. a payout's bet not found): an error beyond the faults."""

    @property
    def transport(self) -> bool:
        return self.code in TRANSPORT_CODES
