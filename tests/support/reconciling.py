"""A real Reconciler over a core on loopback: the AIGame gateway in front of the core (bets and late
payouts come through it, as AIGame sends them) and the simulated AIGame platform it asks (scripted
records, a short rate-limit interval). Shared by the reconciler's tests and the console's."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx

from devstack.aigame_platform import AIGamePlatform, baccarat_record
from gateways.aigame.record_query import RecordQuery
from gateways.kit.core_client import CoreClient
from gateways.kit.core_connection import CoreConnection
from tests.gateways.aigame.conftest import AIGame, new_id, running_aigame
from tests.gateways.aigame.vendor import AGENT_ID, SECRET
from tests.support.core import CoreHandle
from wallet_reconcile.aigame import AIGameQuery
from wallet_reconcile.reconciler import ProviderReconciler, Reconciler

INTERVAL = 0.2


def core_client(core: CoreHandle, provider: str) -> CoreClient:
    connection = CoreConnection(address=core.address, token=core.reconcile_token_for(provider), deadline_seconds=5)
    return CoreClient(connection, provider=provider)


@dataclass
class Reconciling:
    reconciler: Reconciler
    platform: AIGamePlatform
    aigame: AIGame

    async def stuck_bet(self, status: int | None, *, stake: str = "10", win: str = "19.50") -> tuple[str, str]:
        """A user and a bet placed through the gateway whose payout never came; AIGame's record of it
        has `status` (None: AIGame has no record)."""
        user = await self.aigame.player("100.00")
        bet = new_id()
        assert await self.aigame.code("bet", self.aigame.vendor.bet(user, bet, stake)) == 200
        if status is not None:
            record = baccarat_record(bet, user, status=status, bet_amount=stake, win_amount=win)
            self.platform.records[bet] = record
        return user, bet

    async def late_payout(self, user: str, bet: str, win: str = "19.50") -> tuple[int, str]:
        """AIGame's own payout of `bet`, arriving late through the gateway: (code, balance)."""
        answer = await self.aigame.post("payout", self.aigame.vendor.payout(user, bet, win))
        return answer["code"], answer.get("data", {}).get("balance", "")


def real_reconciler(core: CoreHandle, platform: AIGamePlatform) -> Reconciler:
    """As `reconciler_from_config` builds it (a reconcile token per provider; AIGame's record query,
    HRG without one), asking `platform` in process."""
    records = RecordQuery(
        "http://aigame",
        AGENT_ID,
        SECRET,
        interval_seconds=INTERVAL,
        transport=httpx.ASGITransport(app=platform.app()),
    )
    query = AIGameQuery(records, player_id_prefix="aig-", currencies={"USD": "USD", "BRL": "BRL"})
    return Reconciler(
        {
            "aigame": ProviderReconciler(core_client(core, "aigame"), query),
            "hrg": ProviderReconciler(core_client(core, "hrg"), None),
        }
    )


@asynccontextmanager
async def reconciling_over(core: CoreHandle) -> AsyncIterator[Reconciling]:
    platform = AIGamePlatform(agents={AGENT_ID: SECRET}, interval_seconds=INTERVAL)
    reconciler = real_reconciler(core, platform)
    try:
        async with running_aigame(core) as aigame:
            yield Reconciling(reconciler, platform, aigame)
    finally:
        await reconciler.close()
