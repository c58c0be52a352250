"""Keep the ledger's currency table in step with the configuration.

A new currency is added; changing the scale of one the ledger already has is refused,
because every stored amount of it is counted in its minor units.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.ext.asyncio import AsyncEngine

from wallet_core.config import ConfigError
from wallet_core.store import queries as q


async def sync_currencies(engine: AsyncEngine, configured: Mapping[str, int]) -> None:
    async with engine.begin() as conn:
        stored = await q.load_currencies(conn)
        for code, scale in configured.items():
            if code not in stored:
                await q.add_currency(conn, code, scale)
            elif stored[code] != scale:
                raise ConfigError(
                    f"currency {code} has scale {stored[code]} in the ledger; the configuration says {scale}. "
                    "Amounts are stored in minor units, so a scale cannot change in place."
                )
