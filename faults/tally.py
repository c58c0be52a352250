"""What the simulator saw during one phase of the run: requests, answers by code, the ones that should
never come, and when the failures started and stopped."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field

from faults.answers import Answer, Verdict


@dataclass
class Tally:
    requests: int = 0
    repeats: int = 0
    """Acknowledged requests sent again (the vendor repeating itself)."""
    answers: Counter[str] = field(default_factory=Counter)
    """"provider verdict code" -> how many."""
    unexpected: Counter[str] = field(default_factory=Counter)
    """Answers no fault explains (e.g. a payout's bet not found): errors beyond those injected."""
    slowest: float = 0.0
    """The longest any answer took, in seconds."""
    recovering_since: float | None = None
    recovered: dict[str, float] = field(default_factory=dict)
    """Per channel, seconds from `recovering_since` to its first acknowledged answer."""
    recovery_sent_after: bool = False
    """Count only acknowledgements of requests sent after `recovering_since` (an answer already on
    its way when the fault struck says nothing about the recovery)."""
    first_failure: float | None = None
    last_failure: float | None = None

    def count(self, channel: str, answer: Answer) -> None:
        self.requests += 1
        self.slowest = max(self.slowest, answer.seconds)
        self.answers[f"{channel} {answer.verdict} {answer.code}"] += 1
        if not answer.expected:
            self.unexpected[f"{channel} {answer.code}"] += 1
        if answer.verdict is Verdict.OK and self.recovering_since is not None and channel not in self.recovered:
            now = time.monotonic()
            if not self.recovery_sent_after or now - answer.seconds >= self.recovering_since:
                self.recovered[channel] = now - self.recovering_since
        if answer.verdict is not Verdict.OK:
            now = time.monotonic()
            self.first_failure = self.first_failure or now
            self.last_failure = now

    def watch_recovery(self, *, sent_after: bool = False) -> None:
        """From now, note each channel's first acknowledged answer (`sent_after`: of a request sent
        from now on)."""
        self.recovering_since, self.recovered, self.recovery_sent_after = time.monotonic(), {}, sent_after

    @property
    def failures(self) -> int:
        """Answers other than an acknowledgement: all of them errors when nothing is injected."""
        return sum(n for key, n in self.answers.items() if key.split()[1] != Verdict.OK)

    def cut(self, channel: str) -> int:
        """Requests whose connection died with them in flight."""
        return sum(n for key, n in self.answers.items() if key.startswith(f"{channel} ") and key.endswith(" cut"))

    @property
    def outage_seconds(self) -> float:
        """From the first answer that was not an acknowledgement to the last."""
        if self.first_failure is None or self.last_failure is None:
            return 0.0
        return self.last_failure - self.first_failure
