"""``wallet relay`` (publish the outbox's events to NATS JetStream) and ``wallet events tail``
(print them as they arrive): docs/events.md."""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from collections.abc import Mapping
from typing import Any

from google.protobuf import json_format
from nats.js.api import DeliverPolicy

from gateways.kit.config import GatewayConfigError
from wallet.v1 import events_pb2
from wallet_cli.errors import CommandError
from wallet_relay.publisher import connect
from wallet_relay.relay import Relay
from wallet_relay.settings import DEFAULT_NATS_URL, DEFAULT_STREAM, DEFAULT_SUBJECT_PREFIX, RelaySettings


def add_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    sub.add_parser("relay", parents=[common], help="publish the outbox's events to NATS JetStream ([relay])")
    events = sub.add_parser("events", help="the wallet's events in NATS").add_subparsers(
        dest="events_command", required=True
    )
    tail = events.add_parser("tail", parents=[common], help="print the events of the stream as they arrive")
    tail.add_argument("--nats-url", metavar="URL", help=f"default: [relay] nats_url, else {DEFAULT_NATS_URL}")
    tail.add_argument("--new", action="store_true", help="only the events published from now on (default: all)")
    tail.add_argument("--count", type=int, default=0, metavar="N", help="stop after N events (default: never)")


def relay_settings(config: Mapping[str, Any]) -> RelaySettings:
    section = config.get("relay")
    if not isinstance(section, Mapping) or not section.get("nats_url"):
        raise CommandError('no [relay] nats_url in the configuration (e.g. nats_url = "nats://127.0.0.1:4222")')
    try:
        return RelaySettings.from_mapping(section)
    except (GatewayConfigError, KeyError, TypeError, ValueError) as error:
        raise CommandError(f"[relay]: {error}") from None


async def relay(args: argparse.Namespace, config: Mapping[str, Any], is_demo: bool) -> int:
    """Relay until SIGTERM or SIGINT."""
    settings = relay_settings(config)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await Relay(settings).run(stop)
    return 0


async def events_tail(args: argparse.Namespace, config: Mapping[str, Any], is_demo: bool) -> int:
    """One JSON line per event of the stream: its subject, then the TransactionEvent."""
    section = config.get("relay", {})
    url = args.nats_url or section.get("nats_url") or DEFAULT_NATS_URL
    stream = section.get("stream") or DEFAULT_STREAM
    prefix = section.get("subject_prefix") or DEFAULT_SUBJECT_PREFIX
    try:
        nc = await asyncio.wait_for(connect(url), 5)
    except Exception as error:
        raise CommandError(f"NATS not reachable at {url}: {type(error).__name__}") from None
    try:
        js = nc.jetstream()
        deliver = DeliverPolicy.NEW if args.new else DeliverPolicy.ALL
        try:
            subscription = await js.subscribe(
                f"{prefix}.>", stream=stream, ordered_consumer=True, deliver_policy=deliver
            )
        except Exception as error:
            raise CommandError(f"no stream {stream} in NATS at {url} (the relay creates it): {error}") from None
        seen = 0
        async for message in subscription.messages:
            event = events_pb2.TransactionEvent.FromString(message.data)
            body = json_format.MessageToJson(event, indent=None, preserving_proto_field_name=True)
            print(f'{{"subject": "{message.subject}", "event": {body}}}', flush=True)
            seen += 1
            if args.count and seen >= args.count:
                break
    finally:
        await nc.close()
    sys.stdout.flush()
    return 0
