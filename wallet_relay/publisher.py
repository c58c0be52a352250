"""Publishing leased events to JetStream: one account's events one after the other (each waits for
the previous one's acknowledgement, so they are stored in commit order), the accounts side by side.
An account's first failure stops its remaining events: they stay in the outbox for the next lease."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

import nats
from nats.aio.client import Client as NATS
from nats.js import JetStreamContext
from nats.js.api import StreamConfig
from nats.js.errors import NotFoundError

from wallet.v1 import events_pb2
from wallet_relay.settings import RelaySettings
from wallet_relay.subjects import account_of, subject_for

log = logging.getLogger("wallet_relay.publisher")

CONTENT_TYPE = "application/protobuf; proto=wallet.v1.TransactionEvent"


async def connect(url: str) -> NATS:
    """A connection that reconnects on its own, for as long as the relay runs."""
    return await nats.connect(
        url, allow_reconnect=True, max_reconnect_attempts=-1, reconnect_time_wait=0.5, connect_timeout=2
    )


async def ensure_stream(js: JetStreamContext, settings: RelaySettings) -> None:
    """The stream, created if missing (an existing one is used as it is)."""
    try:
        await js.stream_info(settings.stream)
    except NotFoundError:
        await js.add_stream(
            StreamConfig(
                name=settings.stream,
                subjects=[f"{settings.subject_prefix}.>"],
                duplicate_window=settings.duplicate_window_seconds,
            )
        )
        log.info("stream created", extra={"stream": settings.stream, "subjects": f"{settings.subject_prefix}.>"})


class Publisher:
    def __init__(self, js: JetStreamContext, settings: RelaySettings) -> None:
        self.js = js
        self.settings = settings

    async def publish(self, events: Sequence[events_pb2.TransactionEvent]) -> list[int]:
        """Publish ``events`` (in sequence order); answers the sequences JetStream stored."""
        by_account: dict[tuple[str, str], list[events_pb2.TransactionEvent]] = {}
        for event in events:
            by_account.setdefault(account_of(event.transaction), []).append(event)
        stored = await asyncio.gather(*(self._in_order(account_events) for account_events in by_account.values()))
        return sorted(sequence for done in stored for sequence in done)

    async def _in_order(self, events: list[events_pb2.TransactionEvent]) -> list[int]:
        stored: list[int] = []
        for event in events:
            transaction = event.transaction
            try:
                await self.js.publish(
                    subject_for(self.settings.subject_prefix, transaction),
                    event.SerializeToString(),
                    timeout=self.settings.publish_timeout_seconds,
                    stream=self.settings.stream,
                    headers={"Nats-Msg-Id": str(transaction.wallet_transaction_id), "Content-Type": CONTENT_TYPE},
                )
            except Exception as error:  # NATS away or refusing: the rest waits in the outbox
                log.warning("event not published: %s", type(error).__name__, extra={"sequence": event.sequence})
                break
            stored.append(event.sequence)
        return stored
