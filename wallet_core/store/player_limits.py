"""The tables and statements of per-player limits (wallet_core/limits.py has the rules): each
account's limits, each day's net loss, and the ``accounts.controlled`` flag kept with them, in the
caller's transaction."""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from sqlalchemy import BigInteger, Column, Date, ForeignKey, Table, delete, exists, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.dml import Insert
from sqlalchemy.sql.elements import ColumnElement

from wallet_core.store.schema import Base, accounts, player_blocks

account_limits = Table(
    "account_limits",
    Base.metadata,
    Column("account_id", BigInteger, ForeignKey("accounts.id"), primary_key=True),
    Column("max_stake", BigInteger, nullable=True),
    Column("max_daily_loss", BigInteger, nullable=True),
)
account_day_losses = Table(
    "account_day_losses",
    Base.metadata,
    Column("account_id", BigInteger, ForeignKey("accounts.id"), primary_key=True),
    Column("day", Date, primary_key=True),
    Column("net_loss", BigInteger, nullable=False),
)


class Limits(NamedTuple):
    max_stake: int | None
    max_daily_loss: int | None
    """Minor units; None: no such limit."""


async def find_limits(conn: AsyncConnection, account_id: int) -> Limits | None:
    row = (
        await conn.execute(
            select(account_limits.c.max_stake, account_limits.c.max_daily_loss).where(
                account_limits.c.account_id == account_id
            )
        )
    ).first()
    return None if row is None else Limits(row[0], row[1])


async def replace_limits(conn: AsyncConnection, account_id: int, player_id: str, limits: Limits) -> None:
    """The account's limits become ``limits`` (none of either: no row), and its flag follows them
    and its player's block. The caller holds the account's row lock."""
    await conn.execute(delete(account_limits).where(account_limits.c.account_id == account_id))
    has_limits = limits.max_stake is not None or limits.max_daily_loss is not None
    if has_limits:
        await conn.execute(insert(account_limits).values(account_id=account_id, **limits._asdict()))
    blocked = exists().where(player_blocks.c.player_id == player_id)
    controlled = True if has_limits else select(blocked).scalar_subquery()
    await conn.execute(update(accounts).where(accounts.c.id == account_id).values(controlled=controlled))


def without_limits() -> ColumnElement[bool]:
    """The condition on ``accounts`` rows that have no limits (an unblock clears only their flag)."""
    return ~exists().where(account_limits.c.account_id == accounts.c.id)


async def net_loss_on(conn: AsyncConnection, account_id: int, day: date) -> int:
    row = account_day_losses.c
    query = select(row.net_loss).where(row.account_id == account_id, row.day == day)
    return int((await conn.execute(query)).scalar_one_or_none() or 0)


async def add_net_loss(conn: AsyncConnection, account_id: int, day: date, loss: int) -> None:
    """Add ``loss`` (negative: a gain) to the account's net loss of ``day``, under the account's row lock."""
    await conn.execute(_insert_if_absent(conn, {"account_id": account_id, "day": day, "net_loss": 0}))
    row = account_day_losses.c
    await conn.execute(
        update(account_day_losses)
        .where(row.account_id == account_id, row.day == day)
        .values(net_loss=row.net_loss + loss)
    )


def _insert_if_absent(conn: AsyncConnection, values: dict[str, object]) -> Insert:
    if conn.dialect.name == "postgresql":
        return postgresql.insert(account_day_losses).values(values).on_conflict_do_nothing()
    return sqlite.insert(account_day_losses).values(values).on_conflict_do_nothing()
