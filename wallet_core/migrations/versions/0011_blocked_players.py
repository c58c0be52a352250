"""Blocked players: the admin's stop on a player's bets, and the flag the fast paths decline on

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 18:00:00

``player_blocks`` holds one row per blocked player (who blocked, when, why); unblocking deletes it.
``accounts.controlled`` is true on every account of a blocked player: the fast paths decline such
an account, and the general path decides its bets under the account's row lock.

On PostgreSQL it installs from ``wallet_core/store/sql/`` the hash function and the batch
functions (the files to the letter, each SHA-256 recorded below; 0009 now holds its text frozen):
the debit batch declines a controlled account. Its signature is unchanged, so ``CREATE OR REPLACE``
replaces it; a core before this revision calls the same function and never sets the flag.

The downgrade puts back 0009's functions (its frozen text) and drops the table and the column.
"""

from __future__ import annotations

import hashlib
import importlib
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

SQL_FILES = Path(__file__).resolve().parents[2] / "store" / "sql"
CHECKSUMS = {
    "wallet_entry_hash.sql": "b90ff40ad5ff25ea5b9489dfaf746bcb717b71a5de626c9ad3201d37b895364d",
    "wallet_debit_batch.sql": "79bba0e91bac23e0f3aa4430d01f963e3d79527d8af1eab829ac1e0177759165",
    "wallet_payout_batch.sql": "522dd543651f5838114e8c2e2640e66c17f53d1935c71e37afb8d148f5ca05f1",
}
"""Each file this revision installs, in this order (the batch functions call the hash), and the
SHA-256 of the text it installs."""


def function_text(name: str) -> str:
    """The file's text, if it is still the text this revision recorded."""
    text = (SQL_FILES / name).read_bytes()
    if hashlib.sha256(text).hexdigest() != CHECKSUMS[name]:
        raise RuntimeError(
            f"{SQL_FILES / name} is not the text migration 0011 installs: a changed function "
            "needs a new migration (docs/operations.md, 'Changing a PostgreSQL function')"
        )
    return text.decode()


def upgrade() -> None:
    op.create_table(
        "player_blocks",
        sa.Column("player_id", sa.String(128), primary_key=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("blocked_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.add_column("accounts", sa.Column("controlled", sa.Boolean(), nullable=False, server_default=sa.false()))
    if op.get_bind().dialect.name == "postgresql":
        for name in CHECKSUMS:
            op.execute(function_text(name))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        before = importlib.import_module("wallet_core.migrations.versions.0009_entries_hash_chain")
        op.execute(before.DEBIT_BATCH)
        op.execute(before.PAYOUT_BATCH)
    op.drop_column("accounts", "controlled")
    op.drop_table("player_blocks")
