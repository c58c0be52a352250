"""The engine the core's general path, reports and `wallet verify` use (``store/database.py``)."""

from __future__ import annotations

import pytest

from tests.support import databases
from wallet_core.store.database import create_engine


async def test_postgresql_sessions_never_compile_plans(postgres_database: str | None) -> None:
    """JIT compiling a costly plan (a report's scan of a large ledger) costs more than the one
    run it serves: every session has it off."""
    if postgres_database is None:
        pytest.skip(f"PostgreSQL not reachable at {databases.POSTGRES_URL} (set WALLET_TEST_POSTGRES_URL)")
    engine = create_engine(postgres_database)
    try:
        async with engine.connect() as conn:
            assert (await conn.exec_driver_sql("SHOW jit")).scalar() == "off"
    finally:
        await engine.dispose()
