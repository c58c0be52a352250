"""How much of each case a run does: the default run (under 10 minutes on 2 cores), `--quick` (a
smoke test on SQLite, seconds) and `--long` (the default plus 1,000,000 transactions for memory)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Any


@dataclass(frozen=True)
class Plan:
    mode: str = "default"
    postgres: bool = True
    players: int = 10_000
    concurrencies: tuple[int, ...] = (1, 16, 64)
    requests: dict[int, int] = field(default_factory=lambda: {1: 2_000, 16: 15_000, 64: 30_000})
    warmup: dict[int, int] = field(default_factory=lambda: {1: 200, 16: 1_000, 64: 2_000})
    rounds: int = 3  # echo, driver and core interleaved this many times at each concurrency
    case_seconds: float = 15.0  # a case (all its rounds) takes no new request after this long
    # gRPC connections (HTTP/2) shared by the workers: SO_REUSEPORT spreads connections, not calls, over
    # the core processes, so several per process keep their shares even
    connections: int = 8
    driver_pool: int = 20  # asyncpg connections: the core's own limit (pool_size 10 + overflow 10)
    hot_concurrency: int = 64
    hot_requests: int = 10_000
    hot_covered: float = 0.9  # the hot player's balance covers this share of the debits
    hot_seconds: float = 60.0
    gateway_concurrencies: tuple[int, ...] = (1, 64)
    gateway_requests: dict[int, int] = field(default_factory=lambda: {1: 2_000, 64: 20_000})
    sqlite_concurrencies: tuple[int, ...] = (1, 16, 64)
    sqlite_requests: dict[int, int] = field(default_factory=lambda: {1: 2_000, 16: 10_000, 64: 10_000})
    memory_transactions: int = 100_000
    memory_checkpoint: int = 10_000
    memory_concurrency: int = 64
    memory_seconds: float | None = 120.0  # the default run stops accumulating after this long; --long does not
    grpcio_comparison: bool = True  # one echo case through grpc.aio, to show the generator's cost
    # Core processes on one port on PostgreSQL, as deployed: one per core of the 2-core machine the
    # targets are set for (docs/operations.md). The echo baseline runs as many; SQLite runs one.
    core_processes: int = 2
    core_pool_size: int | None = None  # None: the core's default
    log_level: str = "INFO"  # the servers' log level: production's
    history: int = 0  # transactions of history filled in before the cases (bench.history); 0: none
    history_only: bool = False  # with a history: its section and the constant-arrival cases alone
    arrival_seconds: float = 15.0  # each constant-arrival case (bench.arrival)

    def requests_at(self, concurrency: int) -> int:
        return self.requests.get(concurrency, max(self.requests.values()))

    def warmup_at(self, concurrency: int) -> int:
        return self.warmup.get(concurrency, max(self.warmup.values()))

    def as_json(self) -> dict[str, Any]:
        return {k: ({str(c): n for c, n in v.items()} if isinstance(v, dict) else v) for k, v in asdict(self).items()}


def default() -> Plan:
    return Plan()


def long() -> Plan:
    return replace(Plan(), mode="long", memory_transactions=1_000_000, memory_checkpoint=100_000, memory_seconds=None)


def quick() -> Plan:
    """Seconds, SQLite only: every code path of the default run with a few hundred requests."""
    return Plan(
        mode="quick",
        postgres=False,
        players=200,
        rounds=2,
        case_seconds=10.0,
        concurrencies=(1, 8),
        requests={1: 60, 8: 200},
        warmup={1: 10, 8: 40},
        hot_concurrency=16,
        hot_requests=200,
        gateway_concurrencies=(1, 8),
        gateway_requests={1: 20, 8: 100},
        sqlite_concurrencies=(8,),
        sqlite_requests={8: 200},
        memory_transactions=300,
        memory_checkpoint=100,
        memory_concurrency=8,
        memory_seconds=30.0,
        arrival_seconds=3.0,
    )
