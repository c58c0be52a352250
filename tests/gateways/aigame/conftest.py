"""An AIGame gateway in front of a real core (each store), and AIGame's side of the wire."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import httpx
import pytest

from gateways.aigame import PROVIDER, Settings, create_app
from gateways.kit.core_client import CoreClient
from tests.gateways.aigame.vendor import AGENT_ID, OTHER_AGENT_ID, OTHER_SECRET, SECRET, Vendor
from tests.support.core import CoreHandle, bearer
from wallet.v1 import wallet_pb2 as pb

WALLET = "/aigame/v1/wallet"
AIGAME_IP = "203.0.113.10"


def settings_mapping(core_address: str, token: str, **overrides: Any) -> dict[str, Any]:
    """The [gateways.aigame] section the tests run with (as the CLI would pass it)."""
    return {
        "core": {"address": core_address, "token": token},
        "agents": {AGENT_ID: SECRET, OTHER_AGENT_ID: OTHER_SECRET},
        "allowed_ips": [AIGAME_IP, "198.51.100.0/24"],
        "currencies": {"USD": "USD", "BRL": "BRL", "VND2": "VND2", "VND": "VND2"},
        **overrides,
    }


@dataclass
class AIGame:
    """The gateway under test, the core behind it, and AIGame's side of the wire."""

    client: httpx.AsyncClient
    core: CoreHandle
    vendor: Vendor
    settings: Settings

    async def post(self, endpoint: str, body: dict[str, Any]) -> dict[str, Any]:
        response = await self.client.post(f"{WALLET}/{endpoint}", json=body)
        assert response.status_code == 200, response.text
        answer: dict[str, Any] = response.json()
        return answer

    async def code(self, endpoint: str, body: dict[str, Any]) -> int:
        code: int = (await self.post(endpoint, body))["code"]
        return code

    async def detail(self, params: dict[str, str]) -> dict[str, Any]:
        response = await self.client.get("/api/game/transaction/detail", params=params)
        assert response.status_code == 200, response.text
        answer: dict[str, Any] = response.json()
        return answer

    async def player(self, balance: str = "100.00", currency: str = "USD") -> str:
        """A new AIGame user with a wallet account holding `balance`."""
        user_id = f"u{uuid.uuid4().hex[:10]}"
        await self.core.open_account(self.settings.players.to_wallet(user_id), currency, balance)
        return user_id

    async def balance_of(self, user_id: str, currency: str = "USD") -> Decimal:
        return await self.core.balance(self.settings.players.to_wallet(user_id), currency)

    async def stored(
        self, transaction_id: str, kind: pb.TransactionKind.ValueType = pb.TRANSACTION_KIND_DEBIT
    ) -> pb.GetTransactionResponse:
        """What the core recorded (asked with the admin token, not through the gateway)."""
        answer: pb.GetTransactionResponse = await self.core.stub.GetTransaction(
            pb.GetTransactionRequest(provider=PROVIDER, transaction_id=transaction_id, kind=kind),
            metadata=bearer(self.core.admin_token),
        )
        return answer


def new_id() -> str:
    return uuid.uuid4().hex[:24]


@asynccontextmanager
async def running_aigame(
    core: CoreHandle,
    *,
    address: str | None = None,
    token: str | None = None,
    deadline_seconds: float = 2.0,
    client_ip: str = AIGAME_IP,
    **overrides: Any,
) -> AsyncIterator[AIGame]:
    """An AIGame gateway app in front of `core` (or of `address`, with `token`), called from `client_ip`."""
    mapping = settings_mapping(address or core.address, token or core.token_for(PROVIDER), **overrides)
    mapping["core"]["deadline_seconds"] = deadline_seconds
    settings = Settings.from_mapping({"player_id_prefix": "aig-", **mapping})
    client = CoreClient(settings.core, provider=PROVIDER)
    transport = httpx.ASGITransport(app=create_app(settings, client), client=(client_ip, 40000))
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as http:
            yield AIGame(http, core, Vendor(), settings)
    finally:
        await client.aclose()


@pytest.fixture
async def aigame(core: CoreHandle) -> AsyncIterator[AIGame]:
    async with running_aigame(core) as gateway:
        yield gateway
