"""The ledger's tables (SQLAlchemy 2 declarative models; Alembic migrations mirror them).

Money columns are integers of minor units at the currency's scale. ``entries`` is
append-only: an account's balance always equals the sum of its entries.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# The largest balance, in minor units, either way: well inside a signed 64-bit integer, so
# that no sum the ledger computes can overflow the column (SQLite would silently make it a float).
MAX_BALANCE = 10**18 - 1

# SQLite only autoincrements an INTEGER PRIMARY KEY.
Id = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    pass


class CurrencyRow(Base):
    __tablename__ = "currencies"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    scale: Mapped[int] = mapped_column(Integer)


class AccountRow(Base):
    __tablename__ = "accounts"
    __table_args__ = (
        UniqueConstraint("player_id", "currency", name="uq_accounts_player_currency"),
        CheckConstraint(f"balance BETWEEN {-MAX_BALANCE} AND {MAX_BALANCE}", name="ck_accounts_balance_range"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    player_id: Mapped[str] = mapped_column(String(128))
    currency: Mapped[str] = mapped_column(ForeignKey("currencies.code"))
    balance: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # The chain hash of the account's last entry (wallet_core.chain), written with the balance (0009).
    chain_head: Mapped[bytes] = mapped_column(LargeBinary)
    # True while the player is blocked (0011): every fast path declines the account, and the general
    # path decides its bets under the row lock.
    controlled: Mapped[bool] = mapped_column(Boolean, server_default=false())


class PlayerBlockRow(Base):
    """A blocked player (0011): present while blocked, deleted when unblocked."""

    __tablename__ = "player_blocks"

    player_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    reason: Mapped[str] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(128))
    blocked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class BetRow(Base):
    """A bet's lifecycle, keyed like its debit so that a debit and its cancel meet on one row."""

    __tablename__ = "bets"
    # Led by the provider's id: ids that ascend meet at the index's right edge (0006, PostgreSQL).
    __table_args__ = (
        UniqueConstraint("transaction_id", "provider", name="uq_bets_provider_transaction"),
        # The bets still placed, for `wallet report`'s open bets: a few at any time, out of millions (0015).
        Index(
            "ix_bets_placed",
            "placed_at",
            "id",
            postgresql_where=text("state = 'placed'"),
            sqlite_where=text("state = 'placed'"),
        ),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    provider: Mapped[str] = mapped_column(String(32))
    transaction_id: Mapped[str] = mapped_column(String(128))
    player_id: Mapped[str] = mapped_column(String(128))
    currency: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16))
    stake: Mapped[int] = mapped_column(BigInteger)
    payout: Mapped[int] = mapped_column(BigInteger)
    placed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    settled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class TransactionRow(Base):
    """Every money request with its outcome, failed ones included (rules 1, 3 and 10)."""

    __tablename__ = "transactions"
    __table_args__ = (
        # Led by the provider's id: ids that ascend meet at the index's right edge (0006, PostgreSQL).
        UniqueConstraint("transaction_id", "provider", "kind", name="uq_transactions_idempotency_key"),
        Index("ix_transactions_player", "player_id", "id"),
        Index("ix_transactions_round", "round_id", "id"),
        Index(
            "ix_transactions_bet",
            "bet_id",
            "id",
            postgresql_where=text("bet_id IS NOT NULL"),
            sqlite_where=text("bet_id IS NOT NULL"),
        ),
        # Rows come in about the order of created_at: PostgreSQL's BRIN costs bytes per thousand rows.
        Index("ix_transactions_created", "created_at", postgresql_using="brin"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    provider: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16))
    transaction_id: Mapped[str] = mapped_column(String(128))
    request_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    error_reason: Mapped[str | None] = mapped_column(String(64))
    error_metadata: Mapped[dict[str, str] | None] = mapped_column(JSON)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    bet_id: Mapped[int | None] = mapped_column(ForeignKey("bets.id"))
    player_id: Mapped[str] = mapped_column(String(128))
    currency: Mapped[str] = mapped_column(String(16))
    amount: Mapped[int] = mapped_column(BigInteger)
    balance_change: Mapped[int] = mapped_column(BigInteger)
    balance_after: Mapped[int | None] = mapped_column(BigInteger)
    round_id: Mapped[str] = mapped_column(String(128))
    game_id: Mapped[str] = mapped_column(String(128))
    table_id: Mapped[str] = mapped_column(String(128))
    reference_id: Mapped[str] = mapped_column(String(128))
    details: Mapped[dict[str, Any]] = mapped_column(JSON)
    raw_request: Mapped[str] = mapped_column(Text)  # '' when packed
    raw_request_packed: Mapped[bytes | None] = mapped_column(LargeBinary)  # store.raw_requests (0007)
    client: Mapped[str] = mapped_column(String(64))
    event_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RawRequestSampleRow(Base):
    """A provider's raw request that its later ones are deflated against (``store.raw_requests``).
    Never changed or deleted: packed requests name it."""

    __tablename__ = "raw_request_samples"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    provider: Mapped[str] = mapped_column(String(32))
    sample: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class EntryRow(Base):
    """One movement of one account's balance, with the balance right after it (rule 9), chained
    to the account's previous entry (``wallet_core.chain``)."""

    __tablename__ = "entries"
    __table_args__ = (Index("ix_entries_account", "account_id", "id"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    transaction_id: Mapped[int | None] = mapped_column(ForeignKey("transactions.id"))
    amount: Mapped[int] = mapped_column(BigInteger)
    balance_after: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # NULL only in a row a core before 0009 wrote: ``wallet verify`` names it as a broken link.
    chain_hash: Mapped[bytes | None] = mapped_column(LargeBinary)


OUTBOX_PARTITIONS = 64
"""The outbox's events are leased to relays by partition (an account's id modulo this; a transaction
that names no account, a tombstone or a repeated cancel, takes its player's account in its currency,
else 0): one account's events are always in one partition, handled by one relay at a time, in
order (0014)."""


class OutboxRow(Base):
    """An event not yet published: a committed transaction (completed or tombstone; a refusal moved
    nothing and is not an event). Written by a trigger on ``transactions`` in the same database
    transaction as the money, on every write path (0014); deleted once NATS acknowledged it."""

    __tablename__ = "outbox"
    # AUTOINCREMENT: SQLite would reuse a deleted row's id, and the sequence must never go back.
    __table_args__ = (Index("ix_outbox_partition", "partition", "id"), {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)  # the event's sequence
    transaction_row_id: Mapped[int] = mapped_column(BigInteger)  # transactions.id
    partition: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class OutboxLeaseRow(Base):
    """One row per outbox partition: which relay holds it, until when (0014)."""

    __tablename__ = "outbox_leases"

    partition: Mapped[int] = mapped_column(Integer, primary_key=True)
    relay: Mapped[str | None] = mapped_column(String(128))
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


currencies = cast(Table, CurrencyRow.__table__)
accounts = cast(Table, AccountRow.__table__)
bets = cast(Table, BetRow.__table__)
transactions = cast(Table, TransactionRow.__table__)
entries = cast(Table, EntryRow.__table__)
raw_request_samples = cast(Table, RawRequestSampleRow.__table__)
player_blocks = cast(Table, PlayerBlockRow.__table__)
outbox = cast(Table, OutboxRow.__table__)
outbox_leases = cast(Table, OutboxLeaseRow.__table__)
