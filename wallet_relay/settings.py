"""The relay's ``[relay]`` table: where NATS is, the stream and subjects, how much a lease takes,
and ``[relay.core]``: where the core is and the relay client's token (a client with ``relay = true``)."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field

from gateways.kit.config import ConfigReader
from gateways.kit.core_connection import CoreConnection

DEFAULT_STREAM = "WALLET_TRANSACTIONS"
DEFAULT_SUBJECT_PREFIX = "wallet.v1.transactions"
DEFAULT_NATS_URL = "nats://127.0.0.1:4222"


def default_name() -> str:
    """Unique per running relay: its leases are its own."""
    return f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:8]}"


@dataclass(frozen=True)
class RelaySettings:
    core: CoreConnection
    nats_url: str = DEFAULT_NATS_URL
    stream: str = DEFAULT_STREAM
    subject_prefix: str = DEFAULT_SUBJECT_PREFIX
    duplicate_window_seconds: float = 120.0
    """JetStream drops a message whose Nats-Msg-Id it stored within this window: longer than a lease."""
    max_events: int = 500
    max_partitions: int = 16
    lease_seconds: int = 30
    publish_timeout_seconds: float = 2.0
    idle_seconds: float = 0.1
    """How long the relay waits before asking again when the outbox had nothing for it."""
    name: str = field(default_factory=default_name)

    @classmethod
    def from_mapping(cls, data: Mapping[str, object], path: str = "relay") -> RelaySettings:
        section = dict(data)
        core = CoreConnection.from_mapping(_table(section.pop("core", {})), f"{path}.core")
        reader = ConfigReader(section, path)
        settings = cls(
            core=core,
            nats_url=reader.optional_string("nats_url") or DEFAULT_NATS_URL,
            stream=reader.optional_string("stream") or DEFAULT_STREAM,
            subject_prefix=reader.optional_string("subject_prefix") or DEFAULT_SUBJECT_PREFIX,
            duplicate_window_seconds=reader.positive_number("duplicate_window_seconds", 120.0),
            max_events=reader.positive_integer("max_events", 500),
            max_partitions=reader.positive_integer("max_partitions", 16),
            lease_seconds=reader.positive_integer("lease_seconds", 30),
            publish_timeout_seconds=reader.positive_number("publish_timeout_seconds", 2.0),
            idle_seconds=reader.positive_number("idle_seconds", 0.1),
            name=reader.optional_string("name") or default_name(),
        )
        reader.finish()
        if settings.duplicate_window_seconds <= settings.lease_seconds:
            raise ValueError(f"[{path}] duplicate_window_seconds must be longer than lease_seconds")
        return settings


def _table(value: object) -> Mapping[str, object]:
    if not isinstance(value, Mapping):
        raise ValueError("[relay.core] must be a table")
    return value
