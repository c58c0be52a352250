"""Held payouts: each provider's payout limit and daily budget of credits with no bet, the payouts
held for review, and the payout function that leaves them to the general path (wallet_core/holds.py)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 18:00:00

``payout_limits`` holds each provider's ``max_payout_multiple`` as the core's configuration sets it
when it starts, ``credit_budgets`` its daily budgets of credits with no bet (per currency, with the
time zone its days are counted in) and ``credit_budget_days`` each day's running total;
``payout_holds`` one row per credit held (keyed like its transaction: provider and
transaction_id, credits only), with the request's fingerprint, what it would pay and the review's
decision. On PostgreSQL it installs ``wallet_core/store/sql/`` to the letter, each file's SHA-256
recorded below (0009 and 0011 hold the text they installed, frozen): the payout function now declines a payout
past its provider's multiple or one held already. Same signature: ``CREATE OR REPLACE`` replaces the
function in place, and a core before this revision keeps calling it unchanged (it pays, as it did,
what it never holds).

The downgrade puts back 0011's functions (the payout function as 0009 installed it) and drops the tables.
"""

from __future__ import annotations

import hashlib
import importlib
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

SQL_FILES = Path(__file__).resolve().parents[2] / "store" / "sql"
CHECKSUMS = {
    "wallet_entry_hash.sql": "b90ff40ad5ff25ea5b9489dfaf746bcb717b71a5de626c9ad3201d37b895364d",
    "wallet_debit_batch.sql": "79bba0e91bac23e0f3aa4430d01f963e3d79527d8af1eab829ac1e0177759165",
    "wallet_payout_batch.sql": "7486068a6ee1f77cf239f2c77c46ce0cf387dcceb51b1655490f7a44c99e3570",
}
"""Each file this revision installs, in this order (the batch functions call the hash), and the
SHA-256 of the text it installs."""


def function_text(name: str) -> str:
    """The file's text, if it is still the text this revision recorded."""
    text = (SQL_FILES / name).read_bytes()
    if hashlib.sha256(text).hexdigest() != CHECKSUMS[name]:
        raise RuntimeError(
            f"{SQL_FILES / name} is not the text migration 0012 installs: a changed function "
            "needs a new migration (docs/operations.md, 'Changing a PostgreSQL function')"
        )
    return text.decode()


def upgrade() -> None:
    op.create_table(
        "payout_limits",
        sa.Column("provider", sa.String(64), primary_key=True),
        sa.Column("max_payout_multiple", sa.BigInteger(), nullable=False),
    )
    op.create_table(
        "payout_holds",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("provider", sa.String(64), nullable=False),
        sa.Column("transaction_id", sa.String(128), nullable=False),
        sa.Column("request_hash", sa.String(64), nullable=False),
        sa.Column("player_id", sa.String(128), nullable=False),
        sa.Column("currency", sa.String(16), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("reference_id", sa.String(128), nullable=False),
        sa.Column("cause", sa.String(16), nullable=False),
        sa.Column("stake", sa.BigInteger(), nullable=True),
        sa.Column("paid_before", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("held_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.String(128), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.UniqueConstraint("provider", "transaction_id", name="uq_payout_holds_key"),
    )
    op.create_index("ix_payout_holds_status", "payout_holds", ["status", "id"])
    op.create_table(
        "credit_budgets",
        sa.Column("provider", sa.String(64), primary_key=True),
        sa.Column("currency", sa.String(16), primary_key=True),
        sa.Column("daily_budget", sa.BigInteger(), nullable=False),
        sa.Column("time_zone", sa.String(64), nullable=False),
    )
    op.create_table(
        "credit_budget_days",
        sa.Column("provider", sa.String(64), primary_key=True),
        sa.Column("currency", sa.String(16), primary_key=True),
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("spent", sa.BigInteger(), nullable=False),
    )
    if op.get_bind().dialect.name == "postgresql":
        for name in CHECKSUMS:
            op.execute(function_text(name))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        before = importlib.import_module("wallet_core.migrations.versions.0009_entries_hash_chain")
        op.execute(before.PAYOUT_BATCH)
    op.drop_table("credit_budget_days")
    op.drop_table("credit_budgets")
    op.drop_index("ix_payout_holds_status", table_name="payout_holds")
    op.drop_table("payout_holds")
    op.drop_table("payout_limits")
