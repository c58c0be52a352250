"""An HRG gateway in front of a real core (each store), and HRG's side of the wire."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import httpx
import pytest

from gateways.hrg import PROVIDER, Settings, create_app
from gateways.kit.core_client import CoreClient
from tests.gateways.hrg.vendor import SECRET, SECRET_HEADER, Vendor
from tests.support.core import CoreHandle, bearer
from tests.wallet_core.helpers import stored_raw_request as ledger_raw_request
from wallet.v1 import wallet_pb2

PREFIX = "/callback/hrg"
HRG_IP = "203.0.113.20"
CURRENCY = "USD"


def settings_mapping(core_address: str, token: str, **overrides: Any) -> dict[str, Any]:
    """The [gateways.hrg] section the tests run with (as the CLI would pass it)."""
    return {
        "core": {"address": core_address, "token": token},
        "currency": CURRENCY,
        "callback_prefix": PREFIX,
        "allowed_ips": [HRG_IP, "198.51.100.0/24"],
        "shared_secret": SECRET,
        "player_id_prefix": "hrg-",
        **overrides,
    }


@dataclass
class HRG:
    """The gateway under test, the core behind it, and HRG's side of the wire."""

    client: httpx.AsyncClient
    core: CoreHandle
    vendor: Vendor
    settings: Settings

    async def send(
        self, action: str, body: bytes | dict[str, Any] | list[Any], *, secret: str | None = SECRET
    ) -> dict[str, Any]:
        """POST like HRG does; every answer must be HTTP 200 with a 4-character string code."""
        content = body if isinstance(body, bytes) else json.dumps(body).encode()
        headers = {"content-type": "application/json"}
        if secret is not None:
            headers[SECRET_HEADER] = secret
        response = await self.client.post(f"{PREFIX}/{action}", content=content, headers=headers)
        assert response.status_code == 200, response.text
        answer: dict[str, Any] = response.json()
        assert isinstance(answer["code"], str) and len(answer["code"]) == 4, answer
        return answer

    async def code(self, action: str, body: bytes | dict[str, Any] | list[Any], *, secret: str | None = SECRET) -> str:
        code: str = (await self.send(action, body, secret=secret))["code"]
        return code

    async def player(self, balance: str = "100.00") -> str:
        """A new HRG user with a wallet account holding `balance`."""
        user_id = f"u{uuid.uuid4().hex[:10]}"
        await self.core.open_account(self.settings.players.to_wallet(user_id), CURRENCY, balance)
        return user_id

    async def balance_of(self, user_id: str) -> Decimal:
        return await self.core.balance(self.settings.players.to_wallet(user_id), CURRENCY)


async def transaction(
    core: CoreHandle, transaction_id: str, kind: wallet_pb2.TransactionKind.ValueType
) -> wallet_pb2.GetTransactionResponse:
    """What the core recorded under an HRG id (kind: a wallet_pb2.TRANSACTION_KIND_*)."""
    answer: wallet_pb2.GetTransactionResponse = await core.stub.GetTransaction(
        wallet_pb2.GetTransactionRequest(provider=PROVIDER, transaction_id=transaction_id, kind=kind),
        metadata=bearer(core.token_for(PROVIDER)),
    )
    return answer


async def stored_raw_request(core: CoreHandle, transaction_id: str, kind: str) -> str:
    """The raw request the ledger keeps with a transaction (not part of the contract's answers)."""
    raw = await ledger_raw_request(core, PROVIDER, kind, transaction_id)
    assert raw is not None, f"no {kind} {transaction_id}"
    return raw


def new_id() -> str:
    """A txId as HRG writes them: at most 20 characters."""
    return "TX-" + uuid.uuid4().hex[:17]


@asynccontextmanager
async def running_hrg(
    core: CoreHandle,
    *,
    address: str | None = None,
    token: str | None = None,
    deadline_seconds: float = 2.0,
    client_ip: str = HRG_IP,
    core_client: type[CoreClient] = CoreClient,
    **overrides: Any,
) -> AsyncIterator[HRG]:
    """An HRG gateway app in front of `core` (or of `address`, with `token`), called from `client_ip`."""
    mapping = settings_mapping(address or core.address, token or core.token_for(PROVIDER), **overrides)
    mapping["core"]["deadline_seconds"] = deadline_seconds
    mapping["core"]["attempt_timeout_seconds"] = min(1.0, deadline_seconds)
    settings = Settings.from_mapping(mapping)
    client = core_client(settings.core, provider=PROVIDER)
    transport = httpx.ASGITransport(app=create_app(settings, client), client=(client_ip, 40000))
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as http:
            yield HRG(http, core, Vendor(), settings)
    finally:
        await client.aclose()


@pytest.fixture
async def hrg(core: CoreHandle) -> AsyncIterator[HRG]:
    async with running_hrg(core) as gateway:
        yield gateway
