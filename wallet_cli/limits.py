"""``wallet limits set|clear|show``: players' maximum stake and daily net loss (wallet_core/limits.py)."""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

from wallet_cli.actor import cli_actor
from wallet_cli.commands import core_settings
from wallet_cli.database import migrated_engine
from wallet_core.audit import AdminAudit
from wallet_core.errors import WalletError
from wallet_core.limits import LimitsAdmin, PlayerLimits


async def limits(args: argparse.Namespace, config: Mapping[str, Any], is_demo: bool) -> int:
    settings = core_settings(config)
    async with migrated_engine(settings.database_url) as engine:
        admin = LimitsAdmin(engine, AdminAudit(engine), dict(settings.currencies), ZoneInfo(settings.limits_time_zone))
        try:
            if args.limits_command == "show":
                found = await admin.limits(args.player)
            else:
                max_stake, max_daily_loss = (
                    ("", "") if args.limits_command == "clear" else (args.max_stake, args.max_daily_loss)
                )
                found = [await admin.set_limits(args.player, args.currency, max_stake, max_daily_loss, cli_actor())]
        except WalletError as error:
            print(f"wallet: {error.reason}: {error.message}")
            return 1
    print("\n".join(describe(admin, f) for f in found) if found else f"{args.player}: no limits")
    return 0


def describe(admin: LimitsAdmin, found: PlayerLimits) -> str:
    def shown(minor: int | None) -> str:
        return admin.decimal(found.currency, minor) or "none"

    return (
        f"{found.player_id} {found.currency}: max stake {shown(found.limits.max_stake)}, "
        f"max daily loss {shown(found.limits.max_daily_loss)}, net loss today {shown(found.net_loss_today)}"
    )


def add_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    """``wallet limits ...`` on the command line's subparsers."""
    commands = sub.add_parser("limits", help="players' maximum stake and daily net loss").add_subparsers(
        dest="limits_command", required=True
    )
    change = commands.add_parser("set", parents=[common], help="set a player's limits in one currency (audited)")
    change.add_argument("player")
    change.add_argument("currency")
    change.add_argument("--max-stake", default="", metavar="X", help="the largest stake of one bet (default: none)")
    change.add_argument(
        "--max-daily-loss", default="", metavar="Y", help="the largest net loss of one day (default: none)"
    )
    clear = commands.add_parser("clear", parents=[common], help="remove a player's limits in one currency (audited)")
    clear.add_argument("player")
    clear.add_argument("currency")
    commands.add_parser("show", parents=[common], help="a player's limits and today's net loss").add_argument("player")
