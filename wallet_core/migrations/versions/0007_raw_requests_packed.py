"""Raw requests stored deflated against a sample of their provider's requests

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-21 14:40:00

The raw request was half a transaction's row. ``transactions.raw_request_packed`` holds it
deflated against a sample of the same provider's requests, kept in ``raw_request_samples``, and
``raw_request`` is then '' (``wallet_core.store.raw_requests`` says why and how). Rows stored
before stay as they are: a reader takes the text when ``raw_request_packed`` is NULL.

PostgreSQL: the batch functions get an overload with the packed requests as a 16th argument, so
that cores of either revision work on this schema during a rolling deploy: an old core calls the
functions of 0002/0005, which store text, as it always did. (An old core's answers never include
a raw request, so the rows a new core packed do not reach them.)

The downgrade writes every packed request back as text before it drops the column.
"""

from __future__ import annotations

import importlib

import sqlalchemy as sa
from alembic import op

from wallet_core.store.raw_requests import unpack

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

_items = importlib.import_module("wallet_core.migrations.versions.0002_batch_functions")
_debit = importlib.import_module("wallet_core.migrations.versions.0005_debit_batch_one_update_per_account")

ITEMS = _items.ITEMS + ", packed_raw_requests bytea[]"


def _with_packed(function: str, stores: int) -> str:
    """A batch function of 0002/0005 as an overload that also stores the packed raw requests:
    ``stores`` INSERTs into transactions, each given the new column."""
    edits = [
        (f"({_items.ITEMS})", f"({ITEMS})", 1),
        ("raw_request, client, event_time, created_at)", "raw_request, client, event_time, created_at, "
         "raw_request_packed)", stores),
        ("raw_requests[i], clients[i], event_times[i], created_ats[i])",
         "raw_requests[i], clients[i], event_times[i], created_ats[i], packed_raw_requests[i])", stores),
        ("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", function.count("CREATE FUNCTION")),
    ]
    for old, new, count in edits:
        if function.count(old) != count:  # the text edited is an applied migration's: fail loudly
            raise AssertionError(f"expected {count} of {old!r} in a batch function")
        function = function.replace(old, new)
    return function


DEBIT_BATCH = _with_packed(_debit.DEBIT_BATCH, stores=2)  # the debit and its refusal
PAYOUT_BATCH = _with_packed(_items.PAYOUT_BATCH, stores=1)


def upgrade() -> None:
    op.create_table(
        'raw_request_samples',
        sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
        sa.Column('provider', sa.String(length=32), nullable=False),
        sa.Column('sample', sa.LargeBinary(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.add_column('transactions', sa.Column('raw_request_packed', sa.LargeBinary(), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(DEBIT_BATCH)
        op.execute(PAYOUT_BATCH)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute(f"DROP FUNCTION wallet_payout_batch({ITEMS})")
        op.execute(f"DROP FUNCTION wallet_debit_batch({ITEMS})")
    samples = {sample_id: bytes(sample) for sample_id, sample in
               bind.execute(sa.text("SELECT id, sample FROM raw_request_samples"))}
    while rows := bind.execute(sa.text(
            "SELECT id, raw_request_packed FROM transactions WHERE raw_request_packed IS NOT NULL "
            "ORDER BY id LIMIT 1000")).all():
        bind.execute(sa.text("UPDATE transactions SET raw_request = :raw, raw_request_packed = NULL WHERE id = :id"),
                     [{"id": row_id, "raw": unpack(bytes(packed), samples)} for row_id, packed in rows])
    op.drop_column('transactions', 'raw_request_packed')
    op.drop_table('raw_request_samples')
