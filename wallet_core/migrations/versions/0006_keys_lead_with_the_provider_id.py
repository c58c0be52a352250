"""The unique keys lead with the provider's id (PostgreSQL); the bet index holds only rows with a bet

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-21 12:00:00

``(provider, kind, transaction_id)`` and ``(provider, transaction_id)`` hold one region per provider
and kind. A provider's ids mostly ascend (AIGame's are time-ordered), so every region but the last
grows in the middle of the index, where PostgreSQL splits a full page half and half and never
fills the left half again: the benchmark found the idempotency index's leaves 55 % full. Led by
the provider's id the keys of every provider whose ids ascend meet at the index's right edge,
where pages split 90/10. ``ix_transactions_bet`` holds the rows without a bet no more (a lookup
by ``bet_id = x`` never wanted them), so new bets are its right edge too.

The constraints keep their names and columns, so cores of either revision work on either schema.
The new indexes are built CONCURRENTLY, outside the migration's transaction, so that the wallet
keeps writing meanwhile; the swap then takes its locks for a moment. An upgrade that stopped half
way leaves ``*_new`` indexes behind: running it again drops and rebuilds them.

On SQLite only the bet index changes: its unique constraints are part of its tables (reordering
them would rebuild the tables), and it holds a debit in 921 bytes already (docs/performance.md).
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# (table, constraint, columns before, columns after)
_KEYS = [
    (
        "transactions",
        "uq_transactions_idempotency_key",
        "provider, kind, transaction_id",
        "transaction_id, provider, kind",
    ),
    ("bets", "uq_bets_provider_transaction", "provider, transaction_id", "transaction_id, provider"),
]
_WITH_A_BET = "WHERE bet_id IS NOT NULL"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        _bet_index(_WITH_A_BET)
        return
    _swap([(table, name, after) for table, name, _before, after in _KEYS], _WITH_A_BET)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        _bet_index("")
        return
    _swap([(table, name, before) for table, name, before, _after in _KEYS], "")


def _bet_index(where: str) -> None:
    op.execute("DROP INDEX ix_transactions_bet")
    op.execute(_create_bet_index("ix_transactions_bet", where))


def _create_bet_index(name: str, where: str, how: str = "") -> str:
    return f"CREATE INDEX {how}{name} ON transactions (bet_id, id) {where}".rstrip()


def _swap(keys: list[tuple[str, str, str]], bet_where: str) -> None:
    """Build each new index beside the old one without stopping writes, then put it in its place."""
    with op.get_context().autocommit_block():
        for table, name, columns in keys:
            op.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}_new")
            op.execute(f"CREATE UNIQUE INDEX CONCURRENTLY {name}_new ON {table} ({columns})")
        op.execute("DROP INDEX CONCURRENTLY IF EXISTS ix_transactions_bet_new")
        op.execute(_create_bet_index("ix_transactions_bet_new", bet_where, how="CONCURRENTLY "))
    # One transaction: a key is never without its constraint, and the version moves with the swap.
    for table, name, _columns in keys:
        op.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}, ADD CONSTRAINT {name} UNIQUE USING INDEX {name}_new")
    op.execute("DROP INDEX ix_transactions_bet")
    op.execute("ALTER INDEX ix_transactions_bet_new RENAME TO ix_transactions_bet")
