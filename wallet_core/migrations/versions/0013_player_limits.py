"""Per-player limits: each account's maximum stake and maximum net loss a day, each day's net loss,
and the payout function that leaves a controlled account to the general path (wallet_core/limits.py)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 19:00:00

``account_limits`` holds one row per account with limits (either may be NULL: none);
``account_day_losses`` each such account's net loss of each day (the day counted in the core's
``limits_time_zone``). On PostgreSQL it installs ``wallet_core/store/sql/`` to the letter, each
file's SHA-256 recorded below (0009, 0011 and 0012 hold the text they installed, frozen): the payout
function now declines a controlled account, so that its day's net loss is counted on the general
path. Same signature: ``CREATE OR REPLACE`` replaces the function in place, and a core before this
revision calls it unchanged (it never sets limits).

The downgrade puts back 0012's payout function and drops the tables.
"""

from __future__ import annotations

import hashlib
import importlib
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

SQL_FILES = Path(__file__).resolve().parents[2] / "store" / "sql"
CHECKSUMS = {
    "wallet_entry_hash.sql": "b90ff40ad5ff25ea5b9489dfaf746bcb717b71a5de626c9ad3201d37b895364d",
    "wallet_debit_batch.sql": "79bba0e91bac23e0f3aa4430d01f963e3d79527d8af1eab829ac1e0177759165",
    "wallet_payout_batch.sql": "175faa23f1f9bd829b18afb19d7ff7e790ee31689136b21034337af6d82f6392",
}
"""Each file this revision installs, in this order (the batch functions call the hash), and the
SHA-256 of the text it installs."""


def function_text(name: str) -> str:
    """The file's text, if it is still the text this revision recorded."""
    text = (SQL_FILES / name).read_bytes()
    if hashlib.sha256(text).hexdigest() != CHECKSUMS[name]:
        raise RuntimeError(
            f"{SQL_FILES / name} is not the text migration 0013 installs: a changed function "
            "needs a new migration (docs/operations.md, 'Changing a PostgreSQL function')"
        )
    return text.decode()


def upgrade() -> None:
    op.create_table(
        "account_limits",
        sa.Column("account_id", sa.BigInteger(), sa.ForeignKey("accounts.id"), primary_key=True),
        sa.Column("max_stake", sa.BigInteger(), nullable=True),
        sa.Column("max_daily_loss", sa.BigInteger(), nullable=True),
    )
    op.create_table(
        "account_day_losses",
        sa.Column("account_id", sa.BigInteger(), sa.ForeignKey("accounts.id"), primary_key=True),
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("net_loss", sa.BigInteger(), nullable=False),
    )
    if op.get_bind().dialect.name == "postgresql":
        for name in CHECKSUMS:
            op.execute(function_text(name))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        before = importlib.import_module("wallet_core.migrations.versions.0012_payout_holds")
        op.execute(before.PAYOUT_BATCH)
    op.drop_table("account_day_losses")
    op.drop_table("account_limits")
