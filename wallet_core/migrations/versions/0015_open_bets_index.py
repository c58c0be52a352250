"""Open bets found without reading every bet: a partial index on the bets still placed

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 20:25:00

``wallet report`` lists the bets still ``placed`` (any age); with no index of ``bets`` on the
state, PostgreSQL read every bet for it: 12 s for one day's report over 10,000,000 transactions
(docs/performance.md, "Years of history"). Placed bets are a handful at any time, so the index
holds only them and costs a settled bet nothing but its removal from the index's heap check.
On PostgreSQL it is built ``CONCURRENTLY`` (writes go on; a run stopped half way leaves an invalid
index that the next run drops and builds again).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

_NAME = "ix_bets_placed"
_WHERE = "state = 'placed'"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        with op.get_context().autocommit_block():
            op.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {_NAME}")
            op.execute(f"CREATE INDEX CONCURRENTLY {_NAME} ON bets (placed_at, id) WHERE {_WHERE}")
        return
    op.create_index(_NAME, "bets", ["placed_at", "id"], sqlite_where=sa.text(_WHERE))


def downgrade() -> None:
    op.drop_index(_NAME, table_name="bets")
