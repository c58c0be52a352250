"""Keep the ledger's currency table in step with the configuration.

A new currency is added; changing the scale of one the ledger already has is refused,
because every stored amount of it is counted in its minor units. Core processes that start
together on a fresh database race to add the same currencies: the one that loses retries
(``in_transaction``) and finds the winner's rows.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from wallet_core.config import ConfigError
from wallet_core.store import queries as q
from wallet_core.store.database import in_transaction


async def sync_currencies(engine: AsyncEngine, configured: Mapping[str, int]) -> None:
    await in_transaction(engine, lambda conn: _sync(conn, configured))


async def _sync(conn: AsyncConnection, configured: Mapping[str, int]) -> None:
    stored = await q.load_currencies(conn)
    for code, scale in configured.items():
        if code not in stored:
            await q.add_currency(conn, code, scale)
        elif stored[code] != scale:
            raise ConfigError(
                f"currency {code} has scale {stored[code]} in the ledger; the configuration says {scale}. "
                "Amounts are stored in minor units, so a scale cannot change in place."
            )
