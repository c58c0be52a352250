"""The engine the core's general path, reports and `wallet verify` use (``store/database.py``)."""

from __future__ import annotations

import asyncio
import random

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from tests.support import databases
from wallet_core.audit import admin_audit
from wallet_core.store.database import create_engine, dispose, in_transaction
from wallet_core.store.queries import now


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
        await dispose(engine)


async def test_a_transaction_whose_caller_left_runs_to_its_end_and_frees_the_store(database_url: str) -> None:
    """A gateway killed mid-request cancels its call in the core: the transaction must still end
    (commit or roll back) and give its connection back, or every later request waits (SQLite has
    one) for the busy timeout."""
    engine = create_engine(database_url)
    started, go_on = asyncio.Event(), asyncio.Event()

    async def write(conn: AsyncConnection) -> None:
        await conn.execute(insert(admin_audit).values(at=now(), actor="t", action="a", subject="first", details={}))
        started.set()
        await go_on.wait()
        await conn.execute(insert(admin_audit).values(at=now(), actor="t", action="a", subject="second", details={}))

    async def subjects(conn: AsyncConnection) -> list[str]:
        return list((await conn.execute(select(admin_audit.c.subject).order_by(admin_audit.c.id))).scalars())

    try:
        caller = asyncio.create_task(in_transaction(engine, write))
        await started.wait()
        caller.cancel()
        with pytest.raises(asyncio.CancelledError):
            await caller
        go_on.set()
        assert await asyncio.wait_for(in_transaction(engine, subjects), 5) == ["first", "second"]
    finally:
        await dispose(engine)


async def test_callers_cancelled_at_any_point_never_leave_the_store_stuck(database_url: str) -> None:
    engine = create_engine(database_url)
    rng = random.Random(24)

    async def write(conn: AsyncConnection) -> int:
        for _ in range(3):
            await conn.execute(insert(admin_audit).values(at=now(), actor="t", action="a", subject="s", details={}))
            await conn.execute(select(func.count()).select_from(admin_audit))
        return 1

    try:
        for _ in range(30):
            callers = [asyncio.create_task(in_transaction(engine, write)) for _ in range(6)]
            await asyncio.sleep(rng.random() * 0.005)
            for caller in callers[::2]:
                caller.cancel()
            await asyncio.gather(*callers, return_exceptions=True)
            assert await asyncio.wait_for(in_transaction(engine, write), 5) == 1
    finally:
        await dispose(engine)
