"""``wallet players block|unblock|show``: an admin's stop on a player's bets (wallet_core/players.py)."""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from typing import Any

from wallet_cli.actor import cli_actor
from wallet_cli.commands import core_settings
from wallet_cli.database import migrated_engine
from wallet_core.audit import AdminAudit
from wallet_core.errors import WalletError
from wallet_core.players import Players, PlayerStatus


async def players(args: argparse.Namespace, config: Mapping[str, Any], is_demo: bool) -> int:
    settings = core_settings(config)
    async with migrated_engine(settings.database_url) as engine:
        book = Players(engine, AdminAudit(engine))
        try:
            if args.players_command == "show":
                status = await book.status(args.player)
            else:
                status = await book.set_blocked(args.player, args.players_command == "block", args.reason, cli_actor())
        except WalletError as error:
            print(f"wallet: {error.reason}: {error.message}")
            return 1
    print(describe(status))
    return 0


def describe(status: PlayerStatus) -> str:
    block = status.block
    if block is None:
        return f"{status.player_id}: not blocked"
    return (
        f"{status.player_id}: blocked since {block.blocked_at.isoformat(timespec='seconds')} "
        f"by {block.actor}: {block.reason}"
    )


def add_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    """``wallet players ...`` on the command line's subparsers."""
    commands = sub.add_parser("players", help="block or unblock a player's bets").add_subparsers(
        dest="players_command", required=True
    )
    for name, text in (("block", "refuse the player's bets"), ("unblock", "take the player's bets again")):
        change = commands.add_parser(name, parents=[common], help=f"{text} (payouts and cancels always apply)")
        change.add_argument("player")
        change.add_argument("--reason", required=True, metavar="TEXT", help="why (recorded in the admin audit)")
    commands.add_parser("show", parents=[common], help="whether the player is blocked, since when, why").add_argument(
        "player"
    )
