"""The transactional outbox: every committed transaction's event, written by a trigger on
``transactions`` in the same database transaction as the money, for the relay to publish to NATS
JetStream (wallet_core/outbox.py, docs/events.md)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 20:00:00

``outbox`` holds one row per event not yet published (a transaction completed or tombstoned; a
refusal moved nothing and is not an event), its id the event's sequence, its partition the
account's id modulo 64; ``outbox_leases`` one row per partition, the relay that holds it and until
when. A trigger, not the write paths themselves, writes the row: the general path, PostgreSQL's
batch functions and SQLite's writer thread all insert into ``transactions``, and so does any path
added later; none can forget its event. On PostgreSQL the trigger calls ``wallet_outbox_enqueue``,
which this revision installs from ``wallet_core/store/sql/`` with the other files, to the letter, each
file's SHA-256 recorded below (0009, 0011 and 0013 hold the text they installed, frozen; the batch
functions are unchanged). SQLite's trigger holds its statement itself.

A core before this revision keeps working: its writes fire the trigger too. The downgrade drops
the triggers, the function and the tables (events not yet published are lost with them: drain the
relay first).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
PARTITIONS = 64

SQL_FILES = Path(__file__).resolve().parents[2] / "store" / "sql"
CHECKSUMS = {
    "wallet_entry_hash.sql": "b90ff40ad5ff25ea5b9489dfaf746bcb717b71a5de626c9ad3201d37b895364d",
    "wallet_debit_batch.sql": "79bba0e91bac23e0f3aa4430d01f963e3d79527d8af1eab829ac1e0177759165",
    "wallet_payout_batch.sql": "175faa23f1f9bd829b18afb19d7ff7e790ee31689136b21034337af6d82f6392",
    "wallet_outbox_enqueue.sql": "9238444e6c00e4a040823c20558d709c714c481a27ea6c1a5d4e57b41e84c208",
}
"""Each file this revision installs, in this order (the batch functions call the hash), and the
SHA-256 of the text it installs."""

POSTGRES_TRIGGER = """
CREATE TRIGGER transactions_outbox AFTER INSERT ON transactions
FOR EACH ROW WHEN (NEW.status <> 'failed') EXECUTE FUNCTION wallet_outbox_enqueue()
"""

SQLITE_TRIGGER = f"""
CREATE TRIGGER transactions_outbox AFTER INSERT ON transactions
FOR EACH ROW WHEN NEW.status <> 'failed'
BEGIN
    INSERT INTO outbox (transaction_row_id, partition, created_at)
    VALUES (NEW.id, coalesce(NEW.account_id,
                             (SELECT id FROM accounts WHERE player_id = NEW.player_id AND currency = NEW.currency),
                             0) % {PARTITIONS}, NEW.created_at);
END
"""


def function_text(name: str) -> str:
    """The file's text, if it is still the text this revision recorded."""
    text = (SQL_FILES / name).read_bytes()
    if hashlib.sha256(text).hexdigest() != CHECKSUMS[name]:
        raise RuntimeError(
            f"{SQL_FILES / name} is not the text migration 0014 installs: a changed function "
            "needs a new migration (docs/operations.md, 'Changing a PostgreSQL function')"
        )
    return text.decode()


def upgrade() -> None:
    op.create_table(
        "outbox",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("transaction_row_id", sa.BigInteger(), nullable=False),
        sa.Column("partition", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        # SQLite reuses the largest rowid once its row is deleted: the sequence must never go back.
        sqlite_autoincrement=True,
    )
    op.create_index("ix_outbox_partition", "outbox", ["partition", "id"])
    leases = op.create_table(
        "outbox_leases",
        sa.Column("partition", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("relay", sa.String(128), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.bulk_insert(leases, [{"partition": p, "relay": None, "expires_at": None} for p in range(PARTITIONS)])
    if op.get_bind().dialect.name == "postgresql":
        for name in CHECKSUMS:
            op.execute(function_text(name))
        op.execute(POSTGRES_TRIGGER)
    else:
        op.execute(SQLITE_TRIGGER)


def downgrade() -> None:
    op.execute("DROP TRIGGER transactions_outbox" + (" ON transactions" if _postgres() else ""))
    if _postgres():
        op.execute("DROP FUNCTION wallet_outbox_enqueue()")
    op.drop_table("outbox_leases")
    op.drop_index("ix_outbox_partition", table_name="outbox")
    op.drop_table("outbox")


def _postgres() -> bool:
    return op.get_bind().dialect.name == "postgresql"
