"""The outbox relays lease events from (docs/events.md): every committed transaction has one event,
written with its money by a trigger (migration 0014); a relay leases partitions of them, publishes
their events to NATS in order and acknowledges what NATS stored, which leaves the outbox.

A partition is an account's id modulo 64, so one account's events are only ever leased to one
relay at a time and published in commit order. A lease expires (``lease_seconds``): a killed
relay's partitions go to another relay, which publishes again what the killed one may have
published already; JetStream drops those by their ``Nats-Msg-Id``.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import timedelta

from prometheus_client import Gauge
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from wallet_core.domain import Transaction
from wallet_core.errors import Reason, WalletError
from wallet_core.store import outbox as store
from wallet_core.store import queries as q
from wallet_core.store.database import in_transaction

log = logging.getLogger("wallet_core.outbox")

DEFAULT_MAX_EVENTS = 500
MAX_EVENTS = 5000
DEFAULT_MAX_PARTITIONS = 16
DEFAULT_LEASE_SECONDS = 30
MAX_RELAY_NAME = 128
BACKLOG_INTERVAL_SECONDS = 5.0

BACKLOG = Gauge("wallet_outbox_backlog_events", "Events committed and not yet published (acknowledged by NATS)")
OLDEST_AGE = Gauge("wallet_outbox_oldest_event_age_seconds", "Age of the oldest event not yet published (0: none)")


@dataclass(frozen=True)
class Lease:
    relay: str
    max_events: int
    max_partitions: int
    lease_seconds: int


def lease_of(relay: str, max_events: int, max_partitions: int, lease_seconds: int) -> Lease:
    """A relay's request, checked; zeros take the defaults."""
    if not relay or len(relay) > MAX_RELAY_NAME or "\x00" in relay:
        raise WalletError(
            Reason.INVALID_ARGUMENT, f"relay must name the relay (1 to {MAX_RELAY_NAME} characters)", field="relay"
        )
    if max_events < 0 or max_partitions < 0 or lease_seconds < 0:
        raise WalletError(Reason.INVALID_ARGUMENT, "max_events, max_partitions and lease_seconds are not negative")
    return Lease(
        relay,
        min(max_events or DEFAULT_MAX_EVENTS, MAX_EVENTS),
        max_partitions or DEFAULT_MAX_PARTITIONS,
        lease_seconds or DEFAULT_LEASE_SECONDS,
    )


class Outbox:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def lease(self, lease: Lease) -> list[tuple[int, Transaction]]:
        """Lease partitions to the relay and answer their oldest events: (sequence, transaction)."""

        async def work(conn: AsyncConnection) -> list[tuple[int, Transaction]]:
            partitions = await store.lease_partitions(
                conn, lease.relay, lease.max_partitions, timedelta(seconds=lease.lease_seconds), q.now()
            )
            return await store.events_of(conn, partitions, lease.max_events)

        return await in_transaction(self.engine, work)

    async def acknowledge(self, relay: str, sequences: list[int]) -> int:
        """The events NATS stored leave the outbox; the relay's partitions are free again."""

        async def work(conn: AsyncConnection) -> int:
            removed = await store.remove(conn, sequences)
            await store.release(conn, relay)
            return removed

        return await in_transaction(self.engine, work)

    async def measure_backlog(self) -> tuple[int, float]:
        """Sets the backlog's metrics and answers them: events waiting, the oldest one's age in seconds."""
        # As every other statement: retried while SQLite is locked by a writer for a moment.
        count, oldest = await in_transaction(self.engine, store.backlog)
        age = max((q.now() - oldest).total_seconds(), 0.0) if oldest is not None else 0.0
        BACKLOG.set(count)
        OLDEST_AGE.set(age)
        return count, age

    async def watch_backlog(self, interval: float = BACKLOG_INTERVAL_SECONDS) -> None:
        """Keep the backlog's metrics current (while NATS is down no relay asks, and it grows)."""
        while True:
            try:
                await self.measure_backlog()
            except Exception as error:  # the store away for a moment: the next round measures again
                log.warning("outbox backlog not measured: %s", error)
            await asyncio.sleep(interval)
