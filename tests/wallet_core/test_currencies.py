"""The currency table follows the configuration: new currencies are added, a changed scale is
refused, and core processes that start together on a fresh database all start."""

from __future__ import annotations

import asyncio

import pytest

from wallet_core.config import ConfigError
from wallet_core.store import queries as q
from wallet_core.store.currencies import sync_currencies
from wallet_core.store.database import create_engine


async def test_new_currencies_are_added_and_a_scale_never_changes(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        await sync_currencies(engine, {"USD": 2})
        await sync_currencies(engine, {"USD": 2, "JPY": 0})
        with pytest.raises(ConfigError, match="scale"):
            await sync_currencies(engine, {"USD": 3})
        async with engine.connect() as conn:
            stored = await q.load_currencies(conn)  # other tests' currencies may be there too
        assert {code: stored[code] for code in ("USD", "JPY")} == {"USD": 2, "JPY": 0}
    finally:
        await engine.dispose()


async def test_processes_that_start_together_on_a_fresh_database_all_start(database_url: str) -> None:
    """Each core process adds the configured currencies at start-up; two that race to insert the
    same one must both come up (the one that loses sees the winner's row on its retry)."""
    engines = [create_engine(database_url) for _ in range(4)]
    try:
        for round_ in range(5):
            configured = {f"C{round_}{n}": n % 4 for n in range(8)}
            await asyncio.gather(*(sync_currencies(engine, configured) for engine in engines))
            async with engines[0].connect() as conn:
                stored = await q.load_currencies(conn)
            assert {code: stored[code] for code in configured} == configured
    finally:
        await asyncio.gather(*(engine.dispose() for engine in engines))
