"""A SUD gateway in front of a real core (each store), SUD's side of the wire, and the operator's buy-in."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from gateways.kit.core_client import CoreClient
from gateways.sud import Settings, create_app
from gateways.sud.settings import PROVIDER
from tests.gateways.sud.vendor import APP_ID, SECRET, Vendor
from tests.support.core import CoreHandle, bearer
from wallet.v1 import wallet_pb2

NOTIFY = "/sud/v1/notify"
UPDATE_SCORE = "/sud/v1/update_score"
SUD_IP = "203.0.113.20"
CURRENCY = "USD"


def settings_mapping(core_address: str, token: str, **overrides: Any) -> dict[str, Any]:
    """The [gateways.sud] section the tests run with (as the CLI would pass it): 1 point = 0.01 USD."""
    return {
        "core": {"address": core_address, "token": token},
        "app_id": APP_ID,
        "app_secret": SECRET,
        "currency": CURRENCY,
        "point_value": "0.01",
        "allowed_ips": [SUD_IP],
        "player_id_prefix": "sud-",
        **overrides,
    }


@dataclass
class Sud:
    """The gateway under test, the core behind it, SUD's side of the wire and the operator's services."""

    app: Starlette
    client: httpx.AsyncClient
    core: CoreHandle
    vendor: Vendor
    settings: Settings

    async def send(self, path: str, body: bytes | Any, headers: dict[str, str] | None = None) -> dict[str, Any]:
        """POST `body` (signed by SUD unless `headers` are given) and the JSON answer (always HTTP 200)."""
        content = body if isinstance(body, bytes) else json.dumps(body).encode()
        response = await self.client.post(path, content=content, headers=headers or self.vendor.headers(content))
        assert response.status_code == 200, response.text
        answer: dict[str, Any] = response.json()
        assert isinstance(answer["ret_code"], int) and isinstance(answer["ret_msg"], str), answer
        return answer

    async def notify(self, body: bytes | Any, headers: dict[str, str] | None = None) -> dict[str, Any]:
        return await self.send(NOTIFY, body, headers)

    async def update_score(self, body: bytes | Any, headers: dict[str, str] | None = None) -> dict[str, Any]:
        return await self.send(UPDATE_SCORE, body, headers)

    def wallet_id(self, uid: str) -> str:
        return self.settings.players.to_wallet(uid)

    async def player(self, balance: str = "100.00") -> str:
        """A new SUD uid with a wallet account holding `balance`."""
        uid = f"u{uuid.uuid4().hex[:10]}"
        await self.core.open_account(self.wallet_id(uid), CURRENCY, balance)
        return uid

    async def balance_of(self, uid: str) -> Decimal:
        return await self.core.balance(self.wallet_id(uid), CURRENCY)

    async def buy_in(self, uid: str, out_order_id: str, amount: str) -> wallet_pb2.DebitResponse:
        """The operator's own services take the buy-in over gRPC before asking SUD to add the score."""
        answer: wallet_pb2.DebitResponse = await self.core.stub.Debit(
            wallet_pb2.DebitRequest(
                provider=PROVIDER,
                transaction_id=out_order_id,
                player_id=self.wallet_id(uid),
                currency=CURRENCY,
                amount=amount,
            ),
            metadata=bearer(self.core.admin_token),
        )
        return answer

    async def transaction(
        self, transaction_id: str, kind: wallet_pb2.TransactionKind.ValueType
    ) -> wallet_pb2.GetTransactionResponse:
        answer: wallet_pb2.GetTransactionResponse = await self.core.stub.GetTransaction(
            wallet_pb2.GetTransactionRequest(provider=PROVIDER, transaction_id=transaction_id, kind=kind),
            metadata=bearer(self.core.admin_token),
        )
        return answer


SudFactory = Callable[..., Awaitable[Sud]]


@asynccontextmanager
async def running_sud(
    core: CoreHandle, *, token: str | None = None, client_ip: str = SUD_IP, **overrides: Any
) -> AsyncIterator[Sud]:
    """A SUD gateway app in front of `core` (with `token`, else SUD's own), called from `client_ip`."""
    settings = Settings.from_mapping(settings_mapping(core.address, token or core.token_for(PROVIDER), **overrides))
    client = CoreClient(settings.core, provider=PROVIDER)
    app = create_app(settings, client)
    transport = httpx.ASGITransport(app=app, client=(client_ip, 40000))
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as http:
            yield Sud(app, http, core, Vendor(), settings)
    finally:
        await client.aclose()


@pytest.fixture
async def sud_factory(core: CoreHandle) -> AsyncIterator[SudFactory]:
    """Builds a SUD gateway over `core` with settings overridden as given."""
    async with AsyncExitStack() as stack:

        async def make(**overrides: Any) -> Sud:
            settings = Settings.from_mapping(settings_mapping(core.address, core.token_for(PROVIDER), **overrides))
            client = CoreClient(settings.core, provider=PROVIDER)
            stack.push_async_callback(client.aclose)
            app = create_app(settings, client)
            transport = httpx.ASGITransport(app=app, client=(SUD_IP, 40000))
            http = await stack.enter_async_context(httpx.AsyncClient(transport=transport, base_url="http://gateway"))
            return Sud(app, http, core, Vendor(), settings)

        yield make


@pytest.fixture
async def sud(sud_factory: SudFactory) -> Sud:
    return await sud_factory()
