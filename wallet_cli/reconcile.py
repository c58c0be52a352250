"""``wallet reconcile``: the bets left placed, what each provider's records say of them, and with
``--apply`` the proposed actions applied through the core (wallet_reconcile)."""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence
from typing import Any

from wallet_cli.actor import cli_actor
from wallet_cli.errors import CommandError
from wallet_reconcile.proposals import MOVES_MONEY, REVIEW, Proposal
from wallet_reconcile.queries import ReconcileConfigError
from wallet_reconcile.reconciler import ReconcileError, reconciler_from_config
from wallet_reconcile.settings import duration, reconcile_settings


def add_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    reconcile = sub.add_parser(
        "reconcile",
        parents=[common],
        help="ask each provider about the bets left placed and propose (or --apply) an action for each",
    )
    reconcile.add_argument("--provider", metavar="NAME", help="one provider of [reconcile.providers] (default: all)")
    reconcile.add_argument(
        "--older-than",
        type=_duration,
        metavar="AGE",
        help="bets placed longer ago than AGE: 90s, 10m, 2h, 1d (default: [reconcile] older_than, else 10m)",
    )
    reconcile.add_argument(
        "--apply", action="store_true", help="pay, cancel or flag as proposed, through the core (audited)"
    )


async def reconcile(args: argparse.Namespace, config: Mapping[str, Any], is_demo: bool) -> int:
    try:
        settings = reconcile_settings(config)
        reconciler = reconciler_from_config(config)
    except ReconcileConfigError as error:
        raise CommandError(f"[reconcile]: {error}") from None
    if settings is None or reconciler is None:
        raise CommandError("no [reconcile] section in the configuration (docs/operations.md, 'Reconciling')")
    older_than = args.older_than if args.older_than is not None else settings.older_than
    try:
        found = await reconciler.stale_proposals(provider=args.provider, older_than=older_than)
        print(table([proposal for proposal, _ in found]))
        if not args.apply:
            return 0
        actor = cli_actor()
        for proposal, bet in found:
            if proposal.action in MOVES_MONEY or proposal.action == REVIEW:
                print(await reconciler.apply_proposal(proposal, bet, actor=actor))
    except ReconcileError as error:
        raise CommandError(str(error)) from None
    finally:
        await reconciler.close()
    return 0


def table(proposals: Sequence[Proposal]) -> str:
    """One line per proposal: key, player, stake, age, action (and amount), why."""
    if not proposals:
        return "no bets left placed past the threshold"
    lines = []
    for p in proposals:
        action = f"{p.action} {p.amount}".strip()
        lines.append(
            f"{p.key}  {p.player_id}  {p.stake} {p.currency}  placed {p.placed_at:%Y-%m-%d %H:%M:%S}Z  "
            f"{action}  {p.explanation}"
        )
    return "\n".join(lines)


def _duration(text: str) -> Any:
    try:
        return duration(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
