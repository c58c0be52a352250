"""Per-player limits: an admin's maximum stake per bet and maximum net loss per day, per player and
currency (responsible gaming).

The **net loss of a day** is, for one account, the stakes its bets took that day, minus the payouts
credited to it that day, minus the stakes given back to it by cancels that day (plus the payouts a
cancel with ``reverse_payouts`` took back): the opposite of the balance's change by those writes.
The day is the calendar day in the core's ``limits_time_zone`` (default UTC). It is counted while
the account has limits (from when they are set), in ``account_day_losses``.

A bet whose stake passes ``max_stake``, or that would take the day's net loss past
``max_daily_loss``, is refused LIMIT_REACHED, decided and stored as INSUFFICIENT_FUNDS is (a retry
gets the same refusal, even after the limits change). An account with limits is ``controlled``: the
fast paths decline its bets and payouts, so that every write that changes its day's net loss runs
on the ledger's general path, which checks and counts under the account's row lock — two cores
cannot both pass a limit. Every change of limits is recorded in the admin audit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from wallet_core import money
from wallet_core.audit import AdminAudit
from wallet_core.domain import MAX_ID_LENGTH, require, scale_of
from wallet_core.errors import Reason, WalletError, account_not_found
from wallet_core.store import player_blocks
from wallet_core.store import player_limits as pl
from wallet_core.store import queries as q
from wallet_core.store.database import in_transaction
from wallet_core.store.player_limits import Limits

LIMITS_SET = "limits.set"


def today(zone: ZoneInfo) -> date:
    return q.now().astimezone(zone).date()


async def past_limit(conn: AsyncConnection, account_id: int, stake: int, day: date) -> tuple[str, int] | None:
    """Under the account's row lock: None when a bet of ``stake`` stays within the account's limits;
    else the limit it passes: its name and value (minor units)."""
    limits = await pl.find_limits(conn, account_id)
    if limits is None:
        return None
    if limits.max_stake is not None and stake > limits.max_stake:
        return "max_stake", limits.max_stake
    if (
        limits.max_daily_loss is not None
        and await pl.net_loss_on(conn, account_id, day) + stake > limits.max_daily_loss
    ):
        return "max_daily_loss", limits.max_daily_loss
    return None


async def count(conn: AsyncConnection, account_id: int, day: date, balance_change: int) -> None:
    """Under the account's row lock: a write's ``balance_change`` counted in the day's net loss
    (its opposite), when the account has limits."""
    if balance_change and await pl.find_limits(conn, account_id) is not None:
        await pl.add_net_loss(conn, account_id, day, -balance_change)


@dataclass(frozen=True)
class PlayerLimits:
    player_id: str
    currency: str
    limits: Limits
    net_loss_today: int


class LimitsAdmin:
    """Setting and reading limits (admin RPCs ``SetLimits`` and ``GetLimits``)."""

    def __init__(self, engine: AsyncEngine, audit: AdminAudit, currencies: dict[str, int], zone: ZoneInfo) -> None:
        self.engine = engine
        self.audit = audit
        self.currencies = currencies
        self.zone = zone

    async def set_limits(
        self, player_id: str, currency: str, max_stake: str, max_daily_loss: str, actor: str
    ) -> PlayerLimits:
        """The account's limits become these (empty: none); both empty clears them."""
        require("player_id", player_id, MAX_ID_LENGTH)
        scale = scale_of(self.currencies, currency)
        limits = Limits(
            _limit(max_stake, currency, scale, "max_stake"), _limit(max_daily_loss, currency, scale, "max_daily_loss")
        )
        day = today(self.zone)

        async def work(conn: AsyncConnection) -> PlayerLimits:
            await player_blocks.serialize_player(conn, player_id)  # the flag also follows blocks
            if await player_blocks.locked_controlled(conn, player_id, currency) is None:
                raise account_not_found(player_id, currency)
            account = await q.find_account(conn, player_id, currency)
            assert account is not None
            await pl.replace_limits(conn, account.id, player_id, limits)
            return PlayerLimits(player_id, currency, limits, await pl.net_loss_on(conn, account.id, day))

        changed = await in_transaction(self.engine, work)
        await self.audit.record(
            actor, LIMITS_SET, player_id, currency=currency, max_stake=max_stake, max_daily_loss=max_daily_loss
        )
        return changed

    async def limits(self, player_id: str) -> list[PlayerLimits]:
        """The limits of each of the player's accounts that has some."""
        require("player_id", player_id, MAX_ID_LENGTH)
        day = today(self.zone)

        async def work(conn: AsyncConnection) -> list[PlayerLimits]:
            found = []
            for account in await q.player_accounts(conn, player_id):
                limits = await pl.find_limits(conn, account.id)
                if limits is not None:
                    loss = await pl.net_loss_on(conn, account.id, day)
                    found.append(PlayerLimits(player_id, account.currency, limits, loss))
            return found

        return await in_transaction(self.engine, work)

    def decimal(self, currency: str, minor: int | None) -> str:
        """A limit or a net loss as the contract writes it (empty: no such limit)."""
        return "" if minor is None else money.to_decimal_string(minor, scale_of(self.currencies, currency))


def _limit(value: str, currency: str, scale: int, field: str) -> int | None:
    if not value:
        return None
    minor = money.to_minor(money.parse_amount(value, field=field), currency, scale, field=field)
    if minor <= 0:
        raise WalletError(Reason.INVALID_AMOUNT, f"{field} must be more than 0 (empty: no limit)", field=field)
    return minor
