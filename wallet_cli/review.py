"""``wallet review list|approve|reject``: the payouts held for review (wallet_core/holds.py)."""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping
from typing import Any

from wallet_cli.actor import cli_actor
from wallet_cli.commands import core_settings
from wallet_cli.database import migrated_engine
from wallet_core.audit import AdminAudit
from wallet_core.errors import WalletError
from wallet_core.holds import STATUSES, Hold, Review


def add_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    review = sub.add_parser("review", help="payouts held for review").add_subparsers(
        dest="review_command", required=True
    )
    listing = review.add_parser("list", parents=[common], help="the held payouts (default: the pending ones)")
    listing.add_argument("--status", choices=[*STATUSES, "all"], default="pending")
    listing.add_argument("--json", action="store_true", help="as JSON")
    approve = review.add_parser("approve", parents=[common], help="pay the hold's next re-send")
    approve.add_argument("hold_id", type=int)
    reject = review.add_parser("reject", parents=[common], help="refuse the hold's re-sends for good")
    reject.add_argument("hold_id", type=int)
    reject.add_argument("--reason", required=True, help="stored, and answered to the provider's re-sends")


async def review(args: argparse.Namespace, config: Mapping[str, Any], is_demo: bool) -> int:
    settings = core_settings(config)
    async with migrated_engine(settings.database_url) as engine:
        reviewer = Review(engine, dict(settings.currencies), AdminAudit(engine))
        try:
            if args.review_command == "list":
                holds = await reviewer.holds(None if args.status == "all" else args.status)
                rows = [hold.as_dict(reviewer.scale(hold)) for hold in holds]
                if args.json:
                    print(json.dumps(rows, indent=2))
                else:
                    print("\n".join(_line(row) for row in rows) if rows else f"no {args.status} holds")
                return 0
            if args.review_command == "approve":
                decided = await reviewer.approve(args.hold_id, cli_actor())
            else:
                decided = await reviewer.reject(args.hold_id, cli_actor(), args.reason)
        except WalletError as error:
            print(f"wallet: {error.reason}: {error.message}")
            return 1
    print(_decided(decided))
    return 0


def _line(row: Mapping[str, Any]) -> str:
    why = (
        f"on a stake of {row['stake']} (paid before: {row['paid_before']})"
        if row["stake"]
        else f"with no bet (the day's before it: {row['paid_before']})"
    )
    decided = f"  {row['decided_by']}: {row['decision_reason']}" if row["decided_by"] else ""
    return (
        f"{row['id']:>6}  {row['status']:<8}  {row['provider']} {row['transaction_id']}  {row['player_id']}  "
        f"{row['amount']} {row['currency']} {why}  held {row['held_at']}{decided}"
    )


def _decided(hold: Hold) -> str:
    return f"hold {hold.id} ({hold.provider} {hold.transaction_id}) {hold.status}"
