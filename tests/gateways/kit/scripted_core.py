"""A gRPC WalletService on loopback whose answers a test scripts, to exercise the gateway's client.

Only the client's own behaviour (retries, deadlines, error parsing, metadata) is tested against
it; the gateways' money behaviour is tested against the real core (tests.support.core).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import grpc
from google.protobuf.message import Message
from google.rpc import error_details_pb2, status_pb2
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_status import rpc_status

from wallet.v1 import wallet_pb2, wallet_pb2_grpc
from wallet_core.server import KEEPALIVE_PERMIT


@dataclass(frozen=True)
class Fail:
    """Answer with this gRPC code and, when `reason` is set, one wallet.v1 ErrorInfo."""

    code: grpc.StatusCode
    reason: str | None = None
    metadata: Mapping[str, str] = field(default_factory=dict)
    message: str = "scripted failure"


@dataclass(frozen=True)
class Stall:
    """Answer only after `seconds` (the client's deadline should pass first)."""

    seconds: float


@dataclass
class Call:
    method: str
    request: Message
    metadata: dict[str, str]


Step = Fail | Stall | Message


class ScriptedWallet(wallet_pb2_grpc.WalletServiceServicer):
    def __init__(self) -> None:
        self.script: list[Step] = []
        self.calls: list[Call] = []

    async def _answer(self, method: str, request: Message, context: Any) -> Message:
        self.calls.append(Call(method, request, {k: v for k, v in context.invocation_metadata() or ()}))
        step = self.script.pop(0)
        if isinstance(step, Stall):
            await asyncio.sleep(step.seconds)
            raise AssertionError("the client should have given up")
        if isinstance(step, Fail):
            status = status_pb2.Status(code=step.code.value[0], message=step.message)
            if step.reason is not None:
                status.details.add().Pack(
                    error_details_pb2.ErrorInfo(reason=step.reason, domain="wallet.v1", metadata=step.metadata)
                )
            await context.abort_with_status(rpc_status.to_status(status))
            raise AssertionError("abort_with_status only returns by raising")
        return step

    async def CreateAccount(self, request: Any, context: Any) -> Any:
        return await self._answer("CreateAccount", request, context)

    async def ListTransactions(self, request: Any, context: Any) -> Any:
        return await self._answer("ListTransactions", request, context)

    async def ListHeldPayouts(self, request: Any, context: Any) -> Any:
        return await self._answer("ListHeldPayouts", request, context)

    async def DecideHeldPayout(self, request: Any, context: Any) -> Any:
        return await self._answer("DecideHeldPayout", request, context)

    async def SetLimits(self, request: Any, context: Any) -> Any:
        return await self._answer("SetLimits", request, context)

    async def GetLimits(self, request: Any, context: Any) -> Any:
        return await self._answer("GetLimits", request, context)

    async def ListStaleBets(self, request: Any, context: Any) -> Any:
        return await self._answer("ListStaleBets", request, context)

    async def RecordReconciliation(self, request: Any, context: Any) -> Any:
        return await self._answer("RecordReconciliation", request, context)

    async def GetBalance(self, request: Any, context: Any) -> Any:
        return await self._answer("GetBalance", request, context)

    async def Debit(self, request: Any, context: Any) -> Any:
        return await self._answer("Debit", request, context)

    async def Credit(self, request: Any, context: Any) -> Any:
        return await self._answer("Credit", request, context)

    async def CreditBatch(self, request: Any, context: Any) -> Any:
        return await self._answer("CreditBatch", request, context)

    async def Rollback(self, request: Any, context: Any) -> Any:
        return await self._answer("Rollback", request, context)

    async def GetTransaction(self, request: Any, context: Any) -> Any:
        return await self._answer("GetTransaction", request, context)

    async def SetPlayerStatus(self, request: Any, context: Any) -> Any:
        return await self._answer("SetPlayerStatus", request, context)

    async def GetPlayerStatus(self, request: Any, context: Any) -> Any:
        return await self._answer("GetPlayerStatus", request, context)

    async def ListAccounts(self, request: Any, context: Any) -> Any:
        return await self._answer("ListAccounts", request, context)

    async def GetRawRequest(self, request: Any, context: Any) -> Any:
        return await self._answer("GetRawRequest", request, context)

    async def GetFigures(self, request: Any, context: Any) -> Any:
        return await self._answer("GetFigures", request, context)


@dataclass
class Scripted:
    address: str
    wallet: ScriptedWallet
    health: Any
    server: grpc.aio.Server


@asynccontextmanager
async def scripted_core(*, with_health: bool = True, credentials: Any = None) -> AsyncIterator[Scripted]:
    """The scripted service on a random loopback port; TLS when given grpc.ServerCredentials."""
    server = grpc.aio.server(options=KEEPALIVE_PERMIT)
    wallet = ScriptedWallet()
    wallet_pb2_grpc.add_WalletServiceServicer_to_server(wallet, server)
    health_servicer = health.aio.HealthServicer()
    if with_health:
        health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
        await health_servicer.set("", health_pb2.HealthCheckResponse.SERVING)
    if credentials is None:
        port = server.add_insecure_port("127.0.0.1:0")
    else:
        port = server.add_secure_port("127.0.0.1:0", credentials)
    await server.start()
    try:
        yield Scripted(f"127.0.0.1:{port}", wallet, health_servicer, server)
    finally:
        await server.stop(0)


def balance_answer(balance: str = "12.50") -> wallet_pb2.GetBalanceResponse:
    return wallet_pb2.GetBalanceResponse(account=wallet_pb2.Account(player_id="p1", currency="USD", balance=balance))


async def dead_address() -> str:
    """A loopback address nothing listens on."""
    server = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    server.close()
    await server.wait_closed()
    return f"127.0.0.1:{port}"
