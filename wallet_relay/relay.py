"""The relay's loop: lease a batch from the core, publish it, acknowledge what NATS stored, again.

While NATS is down nothing is stored, nothing acknowledged: the events stay in the outbox (the
core's ``wallet_outbox_backlog_events`` grows) and are published when NATS is back. A relay killed
mid-batch leaves its partitions leased until the lease expires; the next relay publishes them
again, and JetStream drops what was stored already (``Nats-Msg-Id``, within its duplicate window).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

import grpc
from nats.aio.client import Client as NATS

from wallet.v1 import events_pb2, events_pb2_grpc
from wallet_relay.publisher import Publisher, connect, ensure_stream
from wallet_relay.settings import RelaySettings

log = logging.getLogger("wallet_relay")

RETRY_SECONDS = 1.0


class Relay:
    def __init__(self, settings: RelaySettings) -> None:
        self.settings = settings
        self.published = 0
        self._metadata = (("authorization", f"Bearer {settings.core.token}"),)

    async def run(self, stop: asyncio.Event | None = None) -> None:
        """Relay until ``stop`` is set (or forever)."""
        stop = stop or asyncio.Event()
        nc = await self._connected(stop)
        if nc is None:
            return
        credentials = self.settings.core.credentials()
        address = self.settings.core.address
        channel = grpc.aio.secure_channel(address, credentials) if credentials else grpc.aio.insecure_channel(address)
        try:
            stub = events_pb2_grpc.OutboxServiceStub(channel)
            publisher = Publisher(nc.jetstream(), self.settings)
            log.info(
                "relay running",
                extra={"relay": self.settings.name, "core": address, "stream": self.settings.stream},
            )
            while not stop.is_set():
                try:
                    done = await self.once(stub, publisher)
                except grpc.aio.AioRpcError as error:
                    log.warning("core not answering the relay: %s", error.code().name)
                    done = -1
                if done < 0:  # trouble: NATS away, or it lost the stream (a new server): in place again
                    with contextlib.suppress(Exception):
                        await ensure_stream(publisher.js, self.settings)
                if done <= 0:  # nothing to do, or trouble: ask again a little later
                    wait = self.settings.idle_seconds if done == 0 else RETRY_SECONDS
                    await _sleep_or_stop(stop, wait)
        finally:
            await channel.close()
            await nc.close()

    async def once(self, stub: events_pb2_grpc.OutboxServiceStub, publisher: Publisher) -> int:
        """One batch: answers how many events were published (0: none waiting; -1: some not published)."""
        leased = await stub.LeaseEvents(
            events_pb2.LeaseEventsRequest(
                relay=self.settings.name,
                max_events=self.settings.max_events,
                max_partitions=self.settings.max_partitions,
                lease_seconds=self.settings.lease_seconds,
            ),
            metadata=self._metadata,
            timeout=10,
        )
        if not leased.events:
            return 0
        stored = await publisher.publish(leased.events)
        await stub.AckEvents(
            events_pb2.AckEventsRequest(relay=self.settings.name, sequences=stored), metadata=self._metadata, timeout=10
        )
        self.published += len(stored)
        return len(stored) if len(stored) == len(leased.events) else -1

    async def _connected(self, stop: asyncio.Event) -> NATS | None:
        """NATS, with the stream in place; retried until it answers (None: stopped first)."""
        while not stop.is_set():
            try:
                nc = await connect(self.settings.nats_url)
                await ensure_stream(nc.jetstream(), self.settings)
                return nc
            except Exception as error:
                log.warning("NATS not reachable at %s: %s", self.settings.nats_url, type(error).__name__)
                await _sleep_or_stop(stop, RETRY_SECONDS)
        return None


async def _sleep_or_stop(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)
