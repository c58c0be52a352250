"""What each ``wallet`` command does. Each takes the parsed arguments and the configuration
dict and returns the process's exit code."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import importlib
import ipaddress
import json
import logging
import signal
import socket
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import uvicorn
from starlette.applications import Starlette

from gateways.kit.connection_limits import ConnectionLimits
from gateways.kit.serve import uvicorn_config
from telemetry.tracing import TracingConfigError, TracingSettings, tracer_provider
from wallet_cli import report_text
from wallet_cli import sign as signing
from wallet_cli.actor import cli_actor
from wallet_cli.database import (
    migrated_engine,
    require_current_schema,
    require_sqlite_folder,
    safe,
    with_async_driver,
)
from wallet_cli.errors import CommandError
from wallet_cli.ports import require_free
from wallet_cli.relay import relay_settings
from wallet_core import anchor as anchors
from wallet_core import bootstrap, server
from wallet_core.audit import AdminAudit, record_account_opened
from wallet_core.config import ConfigError, CoreSettings
from wallet_core.domain import Kind
from wallet_core.errors import WalletError
from wallet_core.ledger import Ledger
from wallet_core.money import to_decimal_string
from wallet_core.report import build_report
from wallet_core.store import migrate
from wallet_core.verify import find_mismatches, walk_chains
from wallet_relay.relay import Relay

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider

log = logging.getLogger("wallet")

GATEWAY_NAMES = ("aigame", "hrg", "sud")


def core_settings(config: Mapping[str, Any]) -> CoreSettings:
    try:
        settings = CoreSettings.from_mapping(config.get("core", {}))
    except (ConfigError, TypeError, ValueError) as error:
        raise CommandError(f"configuration: {error}") from None
    database_url = with_async_driver(settings.database_url)
    require_sqlite_folder(database_url)
    return dataclasses.replace(settings, database_url=database_url)


def _core_listens(settings: CoreSettings) -> list[tuple[str, str]]:
    metrics = [("core metrics", settings.metrics_listen)] if settings.metrics_listen else []
    return [("core", settings.listen), *metrics]


# --- serving -----------------------------------------------------------------------


async def core(args: argparse.Namespace, config: Mapping[str, Any], is_demo: bool) -> int:
    settings = core_settings(config)
    _refuse_public_demo(is_demo, [settings.listen])
    # Several cores may share one port (SO_REUSEPORT, docs/operations.md); a metrics port is one process's.
    require_free(_core_listens(settings), shared=frozenset({"core"}))
    if is_demo:
        await migrate.upgrade(settings.database_url)
    else:
        await require_current_schema(settings.database_url)
    await server.serve(settings)
    return 0


async def gateway(args: argparse.Namespace, config: Mapping[str, Any], is_demo: bool) -> int:
    served = _gateway_app(args.name, config)
    _refuse_public_demo(is_demo, [served.listen])
    require_free([(f"{args.name} gateway", served.listen)])
    await _serve_apps({args.name: served})
    return 0


async def up(args: argparse.Namespace, config: Mapping[str, Any], is_demo: bool) -> int:
    """The core and every gateway configured under [gateways.*], in one process."""
    settings = core_settings(config)
    apps = {name: _gateway_app(name, config) for name in GATEWAY_NAMES if name in config.get("gateways", {})}
    platform = _demo_aigame_platform(config)
    if platform is not None:
        apps[DEMO_AIGAME_PLATFORM] = platform
    if "console" in config:
        apps["console"] = _console_app(config)
    _refuse_public_demo(is_demo, [settings.listen, *(served.listen for served in apps.values())])
    # Every port before anything starts: `wallet up` is one wallet, it shares no port with another.
    require_free([*_core_listens(settings), *((f"{name} gateway", served.listen) for name, served in apps.items())])
    await migrate.upgrade(settings.database_url)
    relay = relay_settings(config) if config.get("relay", {}).get("nats_url") else None
    running = await server.start(settings)
    server.serve_metrics(settings)
    relay_stop = asyncio.Event()
    relaying: asyncio.Task[None] | None = None
    try:
        await _seed_demo(running.ledger, config.get("demo", {}))
        if relay is not None:  # it talks to the core over gRPC like any relay: [relay.core]
            relaying = asyncio.create_task(Relay(relay).run(relay_stop))
        log.info(
            "wallet up",
            extra={
                "core": settings.listen,
                **{name: served.listen for name, served in apps.items()},
                "database": safe(settings.database_url),
                "relay": relay.nats_url if relay else "",
            },
        )
        await _serve_apps(apps)
    finally:
        relay_stop.set()
        if relaying is not None:
            await relaying
        await running.stop(settings.shutdown_grace_seconds)
    return 0


@dataclasses.dataclass(frozen=True)
class _Gateway:
    """A gateway app, where it listens and the limits its server keeps ([gateways.<name>.server])."""

    listen: str
    app: Starlette
    limits: ConnectionLimits
    tracer: TracerProvider | None = None
    """Its spans' provider ([gateways.<name>.tracing]), shut down (a last export) when it stops."""


async def console(args: argparse.Namespace, config: Mapping[str, Any], is_demo: bool) -> int:
    """The back-office console alone (it reaches the core over gRPC, like a gateway)."""
    served = _console_app(config)
    _refuse_public_demo(is_demo, [served.listen])
    require_free([("console", served.listen)])
    await _serve_apps({"console": served})
    return 0


def _console_app(config: Mapping[str, Any]) -> _Gateway:
    from wallet_cli.console import served_console

    listen, app = served_console(config)
    return _Gateway(listen, app, ConnectionLimits())


def _gateway_app(name: str, config: Mapping[str, Any]) -> _Gateway:
    section = dict(config.get("gateways", {}).get(name, {}))
    if not section:
        raise CommandError(f"no [gateways.{name}] section in the configuration")
    listen = str(section.pop("listen", ""))
    if ":" not in listen:
        raise CommandError(f'[gateways.{name}] needs listen = "HOST:PORT"')
    module = importlib.import_module(f"gateways.{name}")
    try:
        # The server's limits are the kit's, the same for every gateway: read here, not by its Settings.
        limits = ConnectionLimits.from_mapping(section.pop("server", {}), f"gateways.{name}.server")
        # Tracing likewise: the kit's, set up for the whole app (telemetry.tracing).
        tracing = TracingSettings.from_mapping(section.pop("tracing", {}), f"[gateways.{name}.tracing]")
        settings = module.Settings.from_mapping(section)
    except TracingConfigError as error:
        raise CommandError(f"configuration: {error}") from None
    except (KeyError, TypeError, ValueError) as error:
        raise CommandError(f"[gateways.{name}]: {error}") from None
    tracer = tracer_provider(tracing, f"wallet-gateway-{name}")
    return _Gateway(listen, module.create_app(settings, tracer=tracer), limits, tracer)


DEMO_AIGAME_PLATFORM = "aigame-platform"


def _demo_aigame_platform(config: Mapping[str, Any]) -> _Gateway | None:
    """The demo's stand-in for AIGame's own record API ([demo.aigame_platform]), for `wallet
    reconcile` to ask (devstack/aigame_platform.py: scripted records, no money)."""
    table = config.get("demo", {}).get("aigame_platform")
    if table is None:
        return None
    from devstack.aigame_platform import platform_from_config  # only the demo needs it

    agents = config.get("gateways", {}).get("aigame", {}).get("agents", {})
    try:
        platform = platform_from_config(table, {str(k): str(v) for k, v in agents.items()})
        listen = str(table["listen"])
    except (KeyError, TypeError, ValueError) as error:
        raise CommandError(f"[demo.aigame_platform]: {error!r}") from None
    return _Gateway(listen, platform.app(), ConnectionLimits.from_mapping({}, "demo.aigame_platform.server"))


async def _serve_apps(apps: Mapping[str, _Gateway]) -> None:
    """Serve Starlette apps under uvicorn until SIGINT/SIGTERM, then shut them down cleanly.
    A gateway that cannot start (its port taken) stops the others: CommandError."""
    servers = [_GatewayServer(name, served) for name, served in apps.items()]
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stopping.set)
    tasks = [asyncio.create_task(s.serve_until_stopped()) for s in servers]
    waiter = asyncio.create_task(stopping.wait())
    await asyncio.wait([waiter, *tasks], return_when=asyncio.FIRST_COMPLETED)
    log.info("stopping")
    for s in servers:
        s.should_exit = True
    results = await asyncio.gather(*tasks, return_exceptions=True)
    waiter.cancel()
    for served in apps.values():
        if served.tracer is not None:
            served.tracer.shutdown()
    for result in results:
        if isinstance(result, BaseException):
            raise result


class _GatewayServer(uvicorn.Server):
    """A gateway under uvicorn. It leaves SIGINT/SIGTERM to the wallet, which stops every server at
    once; it logs its address once it is bound; a failed start is a CommandError, not an exit."""

    def __init__(self, name: str, served: _Gateway) -> None:
        host, _, port = served.listen.rpartition(":")
        super().__init__(uvicorn_config(served.app, host=host, port=int(port), limits=served.limits))
        self.name = name
        self.listen = served.listen

    @contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        log.info("gateway listening", extra={"gateway": self.name, "address": f"http://{self.listen}"})

    async def serve_until_stopped(self) -> None:
        try:
            await self.serve()
        except SystemExit:  # uvicorn's answer to a failed start (the port taken), logged by uvicorn
            raise CommandError(f"the {self.name} gateway could not start on {self.listen}") from None


def _refuse_public_demo(is_demo: bool, listens: list[str]) -> None:
    if not is_demo:
        return
    for listen in listens:
        host = listen.rpartition(":")[0].strip("[]")
        if host != "localhost" and not ipaddress.ip_address(host).is_loopback:
            raise CommandError(f"the demo configuration only listens on loopback, not {listen}; use --config")


async def _seed_demo(ledger: Ledger, demo: Mapping[str, Any]) -> None:
    """Open the demo players' accounts the first time (never touches existing ones)."""
    audit = AdminAudit(ledger.engine)
    for player in demo.get("players", []):
        for currency in demo.get("currencies", []):
            try:
                account = await ledger.create_account(player, currency, str(demo.get("balance", "0")))
                balance = to_decimal_string(account.balance, ledger.currencies[currency])
                await record_account_opened(audit, "demo", account, balance)
                log.info("demo account opened", extra={"player_id": player, "currency": currency})
            except WalletError as error:
                if error.reason != "ACCOUNT_EXISTS":
                    raise


# --- trying the gateways by hand ----------------------------------------------------------


async def sign(args: argparse.Namespace, config: Mapping[str, Any], is_demo: bool) -> int:
    """Print a signed AIGame or SUD request: a curl command (AIGame: or its body/query, --body-only)."""
    try:
        print(signing.aigame(args, config) if args.provider == "aigame" else signing.sud(args, config))
    except signing.SignError as error:
        raise CommandError(str(error)) from None
    return 0


# --- the ledger from the command line ------------------------------------------------


async def db_upgrade(args: argparse.Namespace, config: Mapping[str, Any], is_demo: bool) -> int:
    settings = core_settings(config)
    await migrate.upgrade(settings.database_url)
    print(f"database at the newest schema: {safe(settings.database_url)}")
    return 0


async def _ledger(config: Mapping[str, Any]) -> Ledger:
    settings = core_settings(config)
    await require_current_schema(settings.database_url)
    return await bootstrap.ledger_for(settings.database_url, settings.currencies)


async def accounts_create(args: argparse.Namespace, config: Mapping[str, Any], is_demo: bool) -> int:
    ledger = await _ledger(config)
    try:
        account = await ledger.create_account(args.player, args.currency, args.balance)
        balance = to_decimal_string(account.balance, ledger.currencies[account.currency])
        await record_account_opened(AdminAudit(ledger.engine), cli_actor(), account, balance)
    except WalletError as error:
        print(f"wallet: {error.reason}: {error.message}")
        return 1
    finally:
        await ledger.close()
    print(f"opened {account.currency} account {account.id} for {account.player_id}: {balance}")
    return 0


async def accounts_show(args: argparse.Namespace, config: Mapping[str, Any], is_demo: bool) -> int:
    ledger = await _ledger(config)
    try:
        accounts = await ledger.accounts(args.player)
    finally:
        await ledger.close()
    if not accounts:
        print(f"{args.player} has no accounts")
        return 1
    print(f"{'wallet id':>10}  {'currency':<8}  {'balance':>20}  opened")
    for account in accounts:
        balance = to_decimal_string(account.balance, ledger.currencies.get(account.currency, 0))
        print(f"{account.id:>10}  {account.currency:<8}  {balance:>20}  {account.created_at.isoformat()}")
    return 0


async def raw_request(args: argparse.Namespace, config: Mapping[str, Any], is_demo: bool) -> int:
    """A transaction's raw request as the provider sent it, for a dispute (the store may keep it packed)."""
    ledger = await _ledger(config)
    try:
        raw = await ledger.raw_request(args.provider, Kind(args.kind), args.transaction_id)
    except WalletError as error:
        print(f"wallet: {error.reason}: {error.message}", file=sys.stderr)
        return 1
    finally:
        await ledger.close()
    print(raw)
    return 0


async def verify(args: argparse.Namespace, config: Mapping[str, Any], is_demo: bool) -> int:
    """Balances against entries, every chain; with ``--anchor FILE``, FILE written (if absent)
    or the ledger checked to extend it. One line per problem; exit 1 on any."""
    settings = core_settings(config)
    async with migrated_engine(settings.database_url) as engine:
        anchor_path: Path | None = args.anchor
        anchored = _anchor_to_check(anchor_path)
        checked, mismatches = await find_mismatches(engine)
        walks = await walk_chains(engine, anchors.positions(anchored) if anchored else None)
    for m in mismatches:
        print(
            f"MISMATCH account {m.account_id} ({m.player_id} {m.currency}): balance {m.balance} minor units, "
            f"entries sum {m.entries_sum}, last entry's balance_after {m.last_balance_after}"
        )
    broken = [walk.broken for walk in walks if walk.broken is not None]
    for link in broken:
        print(f"BROKEN CHAIN {link}")
    print(f"checked {checked} accounts: {len(mismatches)} mismatches, {len(broken)} broken chains")
    if anchor_path is None:
        return 1 if mismatches or broken else 0
    if anchored is None:
        if mismatches or broken:
            print(f"no anchor written to {anchor_path}: the ledger fails verify")
            return 1
        taken = anchors.take(walks, datetime.now(UTC))
        anchors.write(anchor_path, taken)
        print(f"anchor written to {anchor_path}: {len(taken.heads)} chain heads, digest {taken.digest}")
        print("keep the digest outside the database (print, mail, notarise it)")
        return 0
    departures = anchors.check(anchored, walks)
    for link in departures:
        print(f"NOT EXTENDING THE ANCHOR {link}")
    verdict = "does not extend" if departures else "extends"
    print(f"the ledger {verdict} the anchor {anchor_path} of {anchored.taken_at}, digest {anchored.digest}")
    return 1 if mismatches or broken or departures else 0


def _anchor_to_check(path: Path | None) -> anchors.Anchor | None:
    """The anchor ``verify --anchor`` checks: None when there is no file yet (it writes one)."""
    if path is None or not path.exists():
        return None
    try:
        return anchors.read(path)
    except anchors.AnchorError as error:
        raise CommandError(str(error)) from None


async def report(args: argparse.Namespace, config: Mapping[str, Any], is_demo: bool) -> int:
    """Bets, wins, cancels and GGR per provider, currency and round, and the bets left open."""
    until = args.until or datetime.now(UTC)
    since = args.since or until - timedelta(hours=24)
    if since >= until:
        raise CommandError(f"--since {since.isoformat()} is not before --until {until.isoformat()}")
    settings = core_settings(config)
    async with migrated_engine(settings.database_url) as engine:
        found = await build_report(
            engine, since=since, until=until, unsettled_after=timedelta(minutes=args.unsettled_after)
        )
    print(json.dumps(found.as_dict(), indent=2) if args.json else report_text.render(found))
    return 0


def moment(text: str) -> datetime:
    """``--since``/``--until``: an ISO 8601 date or datetime, in UTC unless it gives an offset."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 date or datetime: {text!r}") from None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def minutes(text: str) -> int:
    """``--unsettled-after``: a whole number of minutes, zero or more."""
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"not a whole number of minutes: {text!r}")
    return int(text)
