"""``wallet``: the command line of the seamless wallet.

    wallet core                      serve the core (gRPC)
    wallet gateway NAME              serve one provider's gateway (aigame, hrg, sud)
    wallet up                        the core and every gateway in one process (demo by default)
    wallet db upgrade                migrate the database to the newest schema
    wallet accounts create PLAYER CURRENCY [--balance AMOUNT]
    wallet accounts show PLAYER
    wallet verify [--anchor FILE]    every balance equals the sum of its entries, every chain holds;
                                     FILE: written if absent, else the ledger must extend it (exit 1 if not)
    wallet raw-request PROVIDER KIND TRANSACTION_ID
                                     a transaction's raw request as the provider sent it
    wallet report [--since WHEN] [--until WHEN] [--unsettled-after MINUTES] [--json]
                                     bets, wins, cancels, GGR per provider and round; open bets
    wallet tokens new NAME [--not-after WHEN]
                                     a fresh core client token and its line for [[core.clients]]
    wallet audit [--since WHEN] [--until WHEN] [--limit N] [--json]
                                     the admin actions (accounts opened, ...): who, when, what
    wallet players block|unblock PLAYER --reason TEXT
                                     stop (or resume) a player's bets; payouts and cancels always apply
    wallet players show PLAYER       whether the player is blocked, since when, by whom, why
    wallet limits set PLAYER CURRENCY [--max-stake X] [--max-daily-loss Y] | clear PLAYER CURRENCY
                                     a player's maximum stake and daily net loss; bets past them are refused
    wallet limits show PLAYER        a player's limits and today's net loss, per currency
    wallet review list [--status pending|approved|rejected|all] [--json]
    wallet review approve HOLD_ID | reject HOLD_ID --reason TEXT
                                     payouts held for review: the next re-send is paid, or refused for good
    wallet relay                     publish the outbox's events to NATS JetStream ([relay])
    wallet events tail [--new] [--count N]
                                     print the wallet's events from NATS as they arrive
    wallet reconcile [--provider NAME] [--older-than AGE] [--apply]
                                     the bets left placed, what their provider says, and a proposal each;
                                     --apply pays, cancels or flags them through the core (audited)
    wallet console                   serve the back-office console ([console]; part of `wallet up` when configured)
    wallet console-password NAME [--role ROLE]
                                     the argon2 hash of a staff member's password (typed at the prompt)
    wallet sign aigame [--path PATH] [--get] [--body-only] PAYLOAD_JSON
    wallet sign sud [--path PATH] PAYLOAD_JSON
                                     print a signed request (a curl command) to try a gateway by hand

Every command takes --config FILE and --database-url URL; without --config the built-in
demo configuration is used (loopback only).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import sys
import tomllib
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, NoReturn

import uvloop
from sqlalchemy.exc import SQLAlchemyError

from wallet_cli import commands, database, logs, review
from wallet_cli import relay as relay_command
from wallet_cli.audit import audit
from wallet_cli.config import load
from wallet_cli.console import add_parser as add_console_parser
from wallet_cli.console import console_password
from wallet_cli.errors import CommandError
from wallet_cli.heap import collector_tuned_for_serving
from wallet_cli.limits import add_parser as add_limits_parser
from wallet_cli.limits import limits
from wallet_cli.players import add_parser as add_players_parser
from wallet_cli.players import players
from wallet_cli.reconcile import add_parser as add_reconcile_parser
from wallet_cli.reconcile import reconcile
from wallet_cli.tokens import tokens_new
from wallet_core.config import DEFAULT_DATABASE_URL
from wallet_core.domain import Kind

SERVING = {"core", "gateway", "up", "relay", "console"}
"""The commands that serve calls until stopped: the garbage collector is tuned for them (heap.py)."""


def parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", metavar="FILE", help="TOML configuration (default: the built-in demo)")
    common.add_argument("--database-url", metavar="URL", help="overrides core.database_url")
    common.add_argument("--log-level", default="INFO", help="DEBUG, INFO, WARNING (default INFO)")

    root = argparse.ArgumentParser(prog="wallet", description=__doc__.split("\n\n")[0] if __doc__ else None)
    sub = root.add_subparsers(dest="command", required=True)
    sub.add_parser("core", parents=[common], help="serve the wallet core over gRPC")
    gateway = sub.add_parser("gateway", parents=[common], help="serve one provider's gateway")
    gateway.add_argument("name", choices=commands.GATEWAY_NAMES)
    sub.add_parser("up", parents=[common], help="run the core and every configured gateway together")

    db = sub.add_parser("db", help="database schema").add_subparsers(dest="db_command", required=True)
    db.add_parser("upgrade", parents=[common], help="migrate to the newest schema")

    accounts = sub.add_parser("accounts", help="players' accounts").add_subparsers(
        dest="accounts_command", required=True
    )
    create = accounts.add_parser("create", parents=[common], help="open an account")
    create.add_argument("player")
    create.add_argument("currency")
    create.add_argument("--balance", default="0", metavar="AMOUNT", help="opening balance (default 0)")
    show = accounts.add_parser("show", parents=[common], help="a player's accounts and balances")
    show.add_argument("player")

    verify = sub.add_parser(
        "verify", parents=[common], help="check every balance against its entries and every account's chain of entries"
    )
    verify.add_argument(
        "--anchor",
        type=Path,
        metavar="FILE",
        help="absent: write every chain head to FILE (keep it outside the database); present: check the "
        "ledger still extends it",
    )
    raw = sub.add_parser(
        "raw-request", parents=[common], help="print a transaction's raw request as the provider sent it (for disputes)"
    )
    raw.add_argument("provider")
    raw.add_argument("kind", choices=[kind.value for kind in Kind])
    raw.add_argument("transaction_id", metavar="transaction-id", help="the provider's id of the transaction")

    report = sub.add_parser(
        "report", parents=[common], help="bets, wins, cancels and GGR per provider and round, and the bets left open"
    )
    report.add_argument(
        "--since",
        type=commands.moment,
        metavar="WHEN",
        help="start, ISO 8601 date or datetime, UTC unless it has an offset (default: --until - 24 h)",
    )
    report.add_argument("--until", type=commands.moment, metavar="WHEN", help="end, excluded (default: now)")
    report.add_argument(
        "--unsettled-after",
        type=commands.minutes,
        default=60,
        metavar="MINUTES",
        help="list the bets placed more than MINUTES before the end and still open (default 60)",
    )
    report.add_argument("--json", action="store_true", help="the same figures as JSON")

    tokens = sub.add_parser("tokens", help="core client tokens").add_subparsers(dest="tokens_command", required=True)
    new = tokens.add_parser("new", parents=[common], help="print a fresh token and its line for [[core.clients]]")
    new.add_argument("name", help="the client's name in [[core.clients]]")
    new.add_argument(
        "--not-after",
        type=commands.moment,
        metavar="WHEN",
        help="the token's end, ISO 8601 (UTC unless offset)",
    )

    audit = sub.add_parser("audit", parents=[common], help="the admin actions: who did what, when")
    audit.add_argument("--since", type=commands.moment, metavar="WHEN", help="ISO 8601 date or datetime")
    audit.add_argument("--until", type=commands.moment, metavar="WHEN", help="excluded (default: now)")
    audit.add_argument("--limit", type=commands.minutes, default=100, metavar="N", help="the newest N (default 100)")
    audit.add_argument("--json", action="store_true", help="as JSON")
    add_players_parser(sub, common)
    add_limits_parser(sub, common)

    review.add_parser(sub, common)
    relay_command.add_parser(sub, common)
    add_reconcile_parser(sub, common)
    add_console_parser(sub, common)

    sign = sub.add_parser("sign", help="print a signed request for a gateway, as a curl command").add_subparsers(
        dest="provider", required=True
    )
    aigame = sign.add_parser("aigame", parents=[common], help="AIGame: agent_id, timestamp and sign filled in")
    aigame.add_argument("--agent-id", metavar="A", help="default: the payload's, else the first configured agent")
    aigame.add_argument("--secret", metavar="S", help="default: the agent's secret in [gateways.aigame.agents]")
    aigame.add_argument("--path", help="default: the bet path (with --get: /api/game/transaction/detail)")
    aigame.add_argument("--get", action="store_true", help="a GET with the parameters in the query (detail query)")
    aigame.add_argument("--body-only", action="store_true", help="print only the JSON body (with --get: the query)")
    sud = sign.add_parser("sud", parents=[common], help="SUD: the four Sud-* headers over the body as given")
    sud.add_argument("--app-id", metavar="A", help="default: [gateways.sud] app_id")
    sud.add_argument("--secret", metavar="S", help="default: [gateways.sud] app_secret")
    sud.add_argument("--path", help="default: /sud/v1/notify")
    for provider in (aigame, sud):
        provider.add_argument("--url", metavar="BASE", help="default: http:// and the gateway's listen address")
        provider.add_argument("payload", metavar="PAYLOAD_JSON", help="the request's JSON object (-: standard input)")
    return root


def main(argv: list[str] | None = None) -> NoReturn:
    args = parser().parse_args(argv)
    logs.configure(args.log_level)
    try:
        config, is_demo = load(args.config, args.database_url)
    except OSError as error:
        _fail(f"the configuration {args.config}: {error.strerror}")
    except tomllib.TOMLDecodeError as error:
        _fail(f"the configuration {args.config} is not valid TOML: {error}")
    handlers: dict[str, Callable[..., Coroutine[Any, Any, int]]] = {
        "core": commands.core,
        "gateway": commands.gateway,
        "up": commands.up,
        "db": commands.db_upgrade,
        "accounts": commands.accounts_create
        if getattr(args, "accounts_command", "") == "create"
        else commands.accounts_show,
        "verify": commands.verify,
        "raw-request": commands.raw_request,
        "report": commands.report,
        "sign": commands.sign,
        "tokens": tokens_new,
        "audit": audit,
        "players": players,
        "limits": limits,
        "review": review.review,
        "relay": relay_command.relay,
        "events": relay_command.events_tail,
        "reconcile": reconcile,
        "console": commands.console,
        "console-password": console_password,
    }
    try:
        # uvloop: about half of the core's CPU per call is event-loop machinery (docs/performance.md).
        with (
            asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner,
            collector_tuned_for_serving() if args.command in SERVING else contextlib.nullcontext(),
        ):
            code = runner.run(handlers[args.command](args, config, is_demo))
    except CommandError as error:
        _fail(str(error))
    except BrokenPipeError:  # the reader left (`wallet report | head`): Python's advice, stdout to devnull
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = 1
    except (SQLAlchemyError, OSError) as error:
        # What an operator meets first: a database that is down, missing or not migrated, a file not there.
        explained = database.explain(error, config.get("core", {}).get("database_url", DEFAULT_DATABASE_URL))
        if explained is None and isinstance(error, OSError) and error.filename:
            explained = f"{error.filename}: {error.strerror}"
        if explained is None:
            raise
        _fail(explained)
    except KeyboardInterrupt:
        code = 130
    sys.exit(code)


def _fail(message: str) -> NoReturn:
    """One line on stderr, never a traceback: the command could not run."""
    print(f"wallet: {message}", file=sys.stderr)
    sys.exit(2)
