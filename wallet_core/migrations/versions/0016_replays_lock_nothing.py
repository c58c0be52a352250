"""A replay found before anything is locked or written: the batch functions check the request's key
first

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 23:00:00

Before, a replayed debit reached its unique key only after the batch had taken the account's row
lock, hashed an entry and updated the balance, all undone by the key's violation; a replayed
payout after it had locked and settled its bet. Now each item whose key (provider, kind,
transaction_id) is stored is 'taken' at once: a batch of replays stays read-only, takes no row
lock and has no commit to flush, and no replay waits behind the account's other bets
(docs/performance.md, "Years of history": a months-old replay). The rules are unchanged.

This revision installs every file of ``wallet_core/store/sql/``, to the letter, each file's SHA-256
recorded below (0014 holds the text it installed, frozen). Same signatures: ``CREATE OR REPLACE``
replaces each function in place, and a core before this revision calls them unchanged. The
downgrade puts back 0014's batch functions.
"""

from __future__ import annotations

import hashlib
import importlib
from pathlib import Path

from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

SQL_FILES = Path(__file__).resolve().parents[2] / "store" / "sql"
CHECKSUMS = {
    "wallet_entry_hash.sql": "b90ff40ad5ff25ea5b9489dfaf746bcb717b71a5de626c9ad3201d37b895364d",
    "wallet_debit_batch.sql": "b2115ebd28caa6bf8cf63c8691e7d40c3a77639c79e2c267f53e5fad6e12ca4d",
    "wallet_payout_batch.sql": "6a61d19eb0e35e247cf4205a3c9b0fa7ce63f802c5fcfbb16c854e5bb2ded9c9",
    "wallet_outbox_enqueue.sql": "9238444e6c00e4a040823c20558d709c714c481a27ea6c1a5d4e57b41e84c208",
}
"""Each file this revision installs, in this order (the batch functions call the hash), and the
SHA-256 of the text it installs."""


def function_text(name: str) -> str:
    """The file's text, if it is still the text this revision recorded."""
    text = (SQL_FILES / name).read_bytes()
    if hashlib.sha256(text).hexdigest() != CHECKSUMS[name]:
        raise RuntimeError(
            f"{SQL_FILES / name} is not the text migration 0016 installs: a changed function "
            "needs a new migration (docs/operations.md, 'Changing a PostgreSQL function')"
        )
    return text.decode()


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name in CHECKSUMS:
            op.execute(function_text(name))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        blocking = importlib.import_module("wallet_core.migrations.versions.0011_blocked_players")
        limiting = importlib.import_module("wallet_core.migrations.versions.0013_player_limits")
        op.execute(blocking.DEBIT_BATCH)  # 0014 installed 0011's and 0013's text, unchanged
        op.execute(limiting.PAYOUT_BATCH)
