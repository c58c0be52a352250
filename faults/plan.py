"""How long and how hard a run drives the wallet: the full drill, the short one the test suite runs,
and the soak."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class PostgresRestart(StrEnum):
    """Whether the PostgreSQL drill restarts the server (it disturbs every other user of it)."""

    YES = "yes"
    IF_ALONE = "if-alone"
    """Only when no other client is connected to the server; otherwise the drill is skipped, saying why."""
    NO = "no"


@dataclass(frozen=True)
class Plan:
    stores: tuple[str, ...] = ("postgresql", "sqlite")
    postgres_restart: PostgresRestart = PostgresRestart.YES
    workers_per_gateway: int = 3
    """Concurrent provider sessions per gateway, each playing one round after another."""
    players_per_gateway: int = 3
    think_seconds: float = 0.02
    """A session's pause between two rounds."""
    retry_seconds: float = 0.3
    """How long a vendor waits before re-sending what was not acknowledged ("every few hundred ms")."""
    load_seconds: float = 3.0
    """Load before each fault, and again after it, before the simulator drains."""
    gateway_kills_together: bool = False
    """Kill the three gateways in one drill (the short run) instead of one drill each."""
    baseline: bool = True
    only: tuple[str, ...] = ()
    """Run only these drills (their keys: drills.DRILL_KEYS)."""
    outage_seconds: float = 30.0
    """The long core outage drill: the core stays down this long under load (0: no such drill)."""
    drain_seconds: float = 60.0
    """How long every open round may take to be acknowledged after a fault before the run fails."""
    soak_seconds: float = 0.0
    """Non-zero: the soak, for that long, instead of the drills."""
    verify_every_seconds: float = 60.0
    max_rss_growth_mb: float = 20.0
    """Soak: how much a process's resident memory may grow after its first minute and still be flat."""
    log_level: str = "WARNING"


def full() -> Plan:
    return Plan()


def short() -> Plan:
    """What the test suite runs: every fault once, about a second of load around each."""
    return Plan(load_seconds=1.0, gateway_kills_together=True, baseline=False, outage_seconds=0, drain_seconds=30.0)


def soak(seconds: float) -> Plan:
    return Plan(stores=("postgresql",), soak_seconds=seconds, think_seconds=0.05)
