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
which this revision installed from ``wallet_core/store/sql/`` with the other files when it ran; since
0016 took the reading over, it installs the text it read (the hash as 0009 froze it, the debit
function as 0011 did, the payout function as 0013 did, and ``wallet_outbox_enqueue`` frozen below;
the batch functions were unchanged). SQLite's trigger holds its statement itself.

A core before this revision keeps working: its writes fire the trigger too. The downgrade drops
the triggers, the function and the tables (events not yet published are lost with them: drain the
relay first).
"""

from __future__ import annotations

import importlib

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
PARTITIONS = 64

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
        chained = importlib.import_module("wallet_core.migrations.versions.0009_entries_hash_chain")
        blocking = importlib.import_module("wallet_core.migrations.versions.0011_blocked_players")
        limiting = importlib.import_module("wallet_core.migrations.versions.0013_player_limits")
        op.execute(chained.ENTRY_HASH)
        op.execute(blocking.DEBIT_BATCH)
        op.execute(limiting.PAYOUT_BATCH)
        op.execute(OUTBOX_ENQUEUE)
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


# wallet_core/store/sql/wallet_outbox_enqueue.sql as this revision installed it, to the letter.
OUTBOX_ENQUEUE = """CREATE OR REPLACE FUNCTION wallet_outbox_enqueue()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
-- The event of a committed transaction (the trigger leaves refusals out), in the transaction that
-- stored it: no event without its money, no money without its event, whichever path wrote it.
-- Its partition keeps one account's events with one relay (wallet_core/store/schema.py): a
-- transaction that moved no money names no account (a tombstone, a repeated cancel), and is looked up.
BEGIN
    INSERT INTO outbox (transaction_row_id, partition, created_at)
    VALUES (NEW.id, coalesce(NEW.account_id,
                             (SELECT id FROM accounts WHERE player_id = NEW.player_id AND currency = NEW.currency),
                             0) % 64, NEW.created_at);
    RETURN NULL;
END
$function$
"""
