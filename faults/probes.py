"""The unreachable-core check: with the core stopped or frozen, each gateway is sent a valid money
request and must answer its dialect's retryable failure within its deadline (the core client's
`deadline_seconds`, plus a little for HTTP): AIGame 800100, HRG anything but "0000" (and not "8001",
which tells HRG the bet definitely failed), SUD a non-zero `ret_code` (not 9000 or 9001, which are
decisions)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass

from faults.answers import Answer
from faults.config import DEADLINE_SECONDS, GATEWAYS
from faults.simulator import Simulator

SLACK_SECONDS = 0.5
"""Beyond the core deadline: the HTTP exchange and the event loops of a loaded 2-core machine."""


@dataclass(frozen=True)
class Expectation:
    text: str
    accepts: Callable[[str], bool]


EXPECTED = {
    "aigame": Expectation("800100", lambda code: code == "800100"),
    "hrg": Expectation(
        'not "0000", "8001"', lambda code: len(code) == 4 and code.isdigit() and code not in ("0000", "8001")
    ),
    "sud": Expectation("not 0, 9000, 9001", lambda code: code.isdigit() and code not in ("0", "9000", "9001")),
}


@dataclass(frozen=True)
class Probe:
    gateway: str
    expected: str
    code: str
    seconds: float
    deadline: float

    @property
    def ok(self) -> bool:
        return self.code_ok and self.seconds <= self.deadline

    @property
    def code_ok(self) -> bool:
        return EXPECTED[self.gateway].accepts(self.code)

    def __str__(self) -> str:
        verdict = "ok" if self.ok else "FAILED"
        return f"{self.gateway} {self.code} in {self.seconds:.2f} s ({verdict})"


def _probe(gateway: str, answer: Answer) -> Probe:
    return Probe(gateway, EXPECTED[gateway].text, answer.code, answer.seconds, DEADLINE_SECONDS + SLACK_SECONDS)


async def probe_gateways(sim: Simulator) -> list[Probe]:
    answers = await asyncio.gather(*(sim.probe(gateway) for gateway in GATEWAYS))
    return [_probe(gateway, answer) for gateway, answer in zip(GATEWAYS, answers, strict=True)]
