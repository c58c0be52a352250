"""Entries chained by hash, the head on the account row: a ledger that shows tampering

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-24 09:00:00

``entries.chain_hash`` holds each entry's hash, chained to the account's previous entry, and
``accounts.chain_head`` the hash of its last one (``wallet_core.chain`` defines the bytes). The
upgrade adds both columns and back-fills every ledger there is, account by account in entry order,
with its own frozen copy of ``wallet_core.chain.entry_hash`` (a migration imports nothing from the
application, which may change after it; the tests check that a back-filled chain is the chain live
writes make). On PostgreSQL it installs from
``wallet_core/store/sql/`` the hash function and the batch functions that keep the chain, as 0008
did (the files to the letter, each SHA-256 recorded below; 0008 now holds its text frozen).

Stop the cores for this upgrade (docs/operations.md, "Chains and anchors"): a core before it
writes entries without a hash (its general path, SQLite's writer), which ``wallet verify`` then
names as broken links. ``chain_hash`` stays nullable so that such a core's write still succeeds,
and ``chain_head`` has the empty chain's head as its default for the accounts it opens.

The overloads of 0002/0005 (15 arguments, for cores before 0007) stay as they were: such a core
cannot be serving once the cores are stopped for this one.

The downgrade puts back 0008's functions (its frozen text), drops the hash function and both
columns.
"""

from __future__ import annotations

import hashlib
import importlib
import struct
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

SQL_FILES = Path(__file__).resolve().parents[2] / "store" / "sql"
CHECKSUMS = {
    "wallet_entry_hash.sql": "b90ff40ad5ff25ea5b9489dfaf746bcb717b71a5de626c9ad3201d37b895364d",
    "wallet_debit_batch.sql": "7163ac11ca094b23c3d963463136272111ad2992b51a5e71c8eff3add53edf4a",
    "wallet_payout_batch.sql": "522dd543651f5838114e8c2e2640e66c17f53d1935c71e37afb8d148f5ca05f1",
}
"""Each file this revision installs, in this order (the batch functions call the hash), and the
SHA-256 of the text it installs."""

BACK_FILL_ROWS = 5000
"""Entries read and hashed a round trip, in (account, id) order."""

GENESIS = bytes(32)
_FIELDS = struct.Struct(">qqqqq")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)

_EMPTY_HEAD = {
    "postgresql": f"'\\x{GENESIS.hex()}'::bytea",
    "sqlite": f"X'{GENESIS.hex()}'",
}


def entry_hash(
    previous: bytes, account_id: int, transaction_id: int | None, amount: int, balance_after: int, created_at: datetime
) -> bytes:
    """wallet_core.chain.entry_hash as this revision defines it (its docstring gives the 72 bytes)."""
    micros = (created_at - _EPOCH) // _MICROSECOND
    return hashlib.sha256(
        previous + _FIELDS.pack(account_id, transaction_id or 0, amount, balance_after, micros)
    ).digest()


def function_text(name: str) -> str:
    """The file's text, if it is still the text this revision recorded."""
    text = (SQL_FILES / name).read_bytes()
    if hashlib.sha256(text).hexdigest() != CHECKSUMS[name]:
        raise RuntimeError(
            f"{SQL_FILES / name} is not the text migration 0009 installs: a changed function "
            "needs a new migration (docs/operations.md, 'Changing a PostgreSQL function')"
        )
    return text.decode()


def upgrade() -> None:
    bind = op.get_bind()
    head_default = sa.text(_EMPTY_HEAD[bind.dialect.name])
    op.add_column("accounts", sa.Column("chain_head", sa.LargeBinary(), nullable=False, server_default=head_default))
    op.add_column("entries", sa.Column("chain_hash", sa.LargeBinary(), nullable=True))
    back_fill(bind)
    if bind.dialect.name == "postgresql":
        for name in CHECKSUMS:
            op.execute(function_text(name))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        before = importlib.import_module("wallet_core.migrations.versions.0008_functions_from_sql_files")
        op.execute(before.DEBIT_BATCH)
        op.execute(before.PAYOUT_BATCH)
        op.execute("DROP FUNCTION wallet_entry_hash(bytea, bigint, bigint, bigint, bigint, timestamptz)")
    op.drop_column("entries", "chain_hash")
    op.drop_column("accounts", "chain_head")


def back_fill(bind: sa.Connection) -> None:
    """Every account's chain, from its first entry on, and its head."""
    heads: dict[int, bytes] = {}
    after = (0, 0)
    while rows := bind.execute(
        sa.text(
            "SELECT account_id, id, transaction_id, amount, balance_after, created_at FROM entries "
            "WHERE account_id > :account OR (account_id = :account AND id > :id) "
            "ORDER BY account_id, id LIMIT :rows"
        ),
        {"account": after[0], "id": after[1], "rows": BACK_FILL_ROWS},
    ).all():
        hashed = []
        for account_id, entry_id, transaction_id, amount, balance_after, created_at in rows:
            previous = heads.get(account_id, GENESIS)
            heads[account_id] = entry_hash(
                previous, account_id, transaction_id, amount, balance_after, _utc(created_at)
            )
            hashed.append({"id": entry_id, "hash": heads[account_id]})
        bind.execute(sa.text("UPDATE entries SET chain_hash = :hash WHERE id = :id"), hashed)
        after = (rows[-1][0], rows[-1][1])
    if heads:
        bind.execute(
            sa.text("UPDATE accounts SET chain_head = :head WHERE id = :id"),
            [{"id": account_id, "head": head} for account_id, head in heads.items()],
        )


def _utc(value: datetime | str) -> datetime:
    """A created_at as read through a plain SQL text query: SQLite answers its stored text."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
