"""A real core gRPC server on loopback for tests, and a handle to talk to it."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

import grpc

from telemetry.tracing import TracingSettings
from wallet.v1 import wallet_pb2 as pb
from wallet.v1 import wallet_pb2_grpc
from wallet_core import server
from wallet_core.config import Client, ClientToken, CoreSettings
from wallet_core.tokens import token_sha256

if TYPE_CHECKING:  # a core with tracing off imports no OpenTelemetry (tests/telemetry/test_tracing.py)
    from opentelemetry.sdk.trace import TracerProvider

TEST_CURRENCIES = {"USD": 2, "EUR": 2, "BRL": 2, "VND2": 2, "COIN": 0}
ADMIN_TOKEN = "test-admin-token-0123456789"
CONSOLE_READ_TOKEN = "test-console-read-token-0123456789"
CONSOLE_ACT_TOKEN = "test-console-act-token-0123456789"
PROVIDERS = ("aigame", "hrg", "sud", "cashier", "tests")


EXPIRED_AT = datetime(2020, 1, 31, tzinfo=UTC)


def token_for(provider: str) -> str:
    return f"test-{provider}-token-0123456789"


def expired_token_for(provider: str) -> str:
    """A token of the provider's gateway that its not_after (EXPIRED_AT) has retired."""
    return f"test-{provider}-expired-token-0123456789"


RELAY_TOKEN = "test-relay-token-0123456789"


def reconcile_token_for(provider: str) -> str:
    """The token of the provider's reconcile client (wallet_reconcile)."""
    return f"test-{provider}-reconcile-token-0123456789"


def test_clients() -> tuple[Client, ...]:
    admin = Client(
        name="admin", tokens=(ClientToken(token_sha256(ADMIN_TOKEN)),), providers=frozenset({"*"}), admin=True
    )
    relay = Client(name="relay", tokens=(ClientToken(token_sha256(RELAY_TOKEN)),), providers=frozenset(), relay=True)
    reconcilers = (
        Client(
            name=f"{p}-reconciler",
            tokens=(ClientToken(token_sha256(reconcile_token_for(p))),),
            providers=frozenset({p}),
            reconcile=True,
        )
        for p in PROVIDERS
    )
    consoles = (
        Client(
            name="console-read",
            tokens=(ClientToken(token_sha256(CONSOLE_READ_TOKEN)),),
            providers=frozenset(),
            console="read",
        ),
        Client(
            name="console", tokens=(ClientToken(token_sha256(CONSOLE_ACT_TOKEN)),), providers=frozenset(), console="act"
        ),
    )
    return (admin, relay, *consoles, *(_gateway_client(p) for p in PROVIDERS), *reconcilers)


def _gateway_client(provider: str) -> Client:
    """Each gateway's client has its current token and a retired one, as in the middle of a rotation."""
    tokens = (
        ClientToken(token_sha256(expired_token_for(provider)), not_after=EXPIRED_AT),
        ClientToken(token_sha256(token_for(provider))),
    )
    return Client(name=f"{provider}-gateway", tokens=tokens, providers=frozenset({provider}))


def core_settings(database_url: str, listen: str = "127.0.0.1:0") -> CoreSettings:
    return CoreSettings(
        listen=listen,
        database_url=database_url,
        currencies=TEST_CURRENCIES,
        clients=test_clients(),
        shutdown_grace_seconds=1.0,
    )


def bearer(token: str) -> Sequence[tuple[str, str]]:
    return (("authorization", f"Bearer {token}"),)


@dataclass
class CoreHandle:
    address: str
    database_url: str
    admin_token: str = ADMIN_TOKEN
    _channel: grpc.aio.Channel | None = field(default=None, repr=False)

    @staticmethod
    def token_for(provider: str) -> str:
        return token_for(provider)

    @staticmethod
    def expired_token_for(provider: str) -> str:
        return expired_token_for(provider)

    @staticmethod
    def reconcile_token_for(provider: str) -> str:
        return reconcile_token_for(provider)

    @property
    def stub(self) -> wallet_pb2_grpc.WalletServiceStub:
        return wallet_pb2_grpc.WalletServiceStub(self.channel)

    @property
    def channel(self) -> grpc.aio.Channel:
        if self._channel is None:
            self._channel = grpc.aio.insecure_channel(self.address)
        return self._channel

    async def open_account(self, player_id: str, currency: str, balance: str = "0") -> None:
        await self.stub.CreateAccount(
            pb.CreateAccountRequest(player_id=player_id, currency=currency, initial_balance=balance),
            metadata=bearer(self.admin_token),
        )

    async def balance(self, player_id: str, currency: str) -> Decimal:
        answer = await self.stub.GetBalance(
            pb.GetBalanceRequest(player_id=player_id, currency=currency), metadata=bearer(self.admin_token)
        )
        return Decimal(answer.account.balance)

    async def set_blocked(self, player_id: str, blocked: bool, reason: str = "responsible gaming") -> pb.PlayerStatus:
        answer: pb.SetPlayerStatusResponse = await self.stub.SetPlayerStatus(
            pb.SetPlayerStatusRequest(player_id=player_id, blocked=blocked, reason=reason),
            metadata=bearer(self.admin_token),
        )
        return answer.status

    async def set_limits(
        self, player_id: str, currency: str, *, max_stake: str = "", max_daily_loss: str = ""
    ) -> pb.Limits:
        answer: pb.SetLimitsResponse = await self.stub.SetLimits(
            pb.SetLimitsRequest(
                player_id=player_id, currency=currency, max_stake=max_stake, max_daily_loss=max_daily_loss
            ),
            metadata=bearer(self.admin_token),
        )
        return answer.limits

    async def limits(self, player_id: str) -> list[pb.Limits]:
        answer: pb.GetLimitsResponse = await self.stub.GetLimits(
            pb.GetLimitsRequest(player_id=player_id), metadata=bearer(self.admin_token)
        )
        return list(answer.limits)

    async def close(self) -> None:
        if self._channel is not None:
            await self._channel.close()


@asynccontextmanager
async def running_core(
    database_url: str, tracer: TracerProvider | None = None, tracing: TracingSettings | None = None
) -> AsyncIterator[CoreHandle]:
    """A core on loopback; traced by `tracer` (a test's exporter) as `tracing` says, when given."""
    settings = core_settings(database_url)
    if tracing is not None:
        settings = dataclasses.replace(settings, tracing=tracing)
    core = await server.start(settings, tracer)
    handle = CoreHandle(address=f"127.0.0.1:{core.port}", database_url=database_url)
    try:
        yield handle
    finally:
        await handle.close()
        await core.stop(0.5)
