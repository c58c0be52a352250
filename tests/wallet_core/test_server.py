"""wallet_core.server: the standard health service and server reflection answer beside the wallet."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import grpc
import pytest
from google.protobuf import descriptor_pb2
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from tests.support.core import TEST_CURRENCIES, CoreHandle, core_settings
from wallet_core import server
from wallet_core.bootstrap import fast_path_for, ledger_for
from wallet_core.config import TlsSettings
from wallet_core.ledger import Ledger
from wallet_core.server import SERVICE_NAME
from wallet_core.store.database import create_engine
from wallet_core.store.group_commit import GroupCommit
from wallet_core.store.migrate import upgrade
from wallet_core.store.raw_requests import RawRequests
from wallet_core.store.sqlite_writer import SqliteWriter


async def test_health_answers_serving(core: CoreHandle) -> None:
    async with grpc.aio.insecure_channel(core.address) as channel:
        health = health_pb2_grpc.HealthStub(channel)
        for service in ("", "wallet.v1.WalletService"):
            answer = await health.Check(health_pb2.HealthCheckRequest(service=service))
            assert answer.status == health_pb2.HealthCheckResponse.SERVING
        try:
            await health.Check(health_pb2.HealthCheckRequest(service="no.such.Service"))
        except grpc.aio.AioRpcError as error:
            assert error.code() == grpc.StatusCode.NOT_FOUND
        else:
            raise AssertionError("an unknown service must not be reported")


async def _ask(
    requests: list[reflection_pb2.ServerReflectionRequest],
) -> AsyncIterator[reflection_pb2.ServerReflectionRequest]:
    for request in requests:
        yield request


async def test_reflection_lists_the_wallet_service(core: CoreHandle) -> None:
    assert SERVICE_NAME == "wallet.v1.WalletService"
    async with grpc.aio.insecure_channel(core.address) as channel:
        stub = reflection_pb2_grpc.ServerReflectionStub(channel)
        answers = [
            answer
            async for answer in stub.ServerReflectionInfo(
                _ask(
                    [
                        reflection_pb2.ServerReflectionRequest(list_services=""),
                        reflection_pb2.ServerReflectionRequest(file_containing_symbol="wallet.v1.WalletService"),
                    ]
                )
            )
        ]
    assert len(answers) == 2
    listed = {service.name for service in answers[0].list_services_response.service}
    assert listed == {
        "wallet.v1.WalletService",
        "wallet.v1.OutboxService",
        "grpc.health.v1.Health",
        "grpc.reflection.v1alpha.ServerReflection",
    }
    files = [
        descriptor_pb2.FileDescriptorProto.FromString(raw)
        for raw in answers[1].file_descriptor_response.file_descriptor_proto
    ]
    wallet = next(f for f in files if f.name == "wallet/v1/wallet.proto")
    methods = {m.name for s in wallet.service if s.name == "WalletService" for m in s.method}
    assert methods == {
        "CreateAccount",
        "GetBalance",
        "Debit",
        "Credit",
        "CreditBatch",
        "Rollback",
        "GetTransaction",
        "ListTransactions",
        "SetPlayerStatus",
        "GetPlayerStatus",
        "ListHeldPayouts",
        "DecideHeldPayout",
        "SetLimits",
        "GetLimits",
    }


async def test_a_core_that_cannot_serve_closes_its_ledger(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'wallet.db'}"
    await upgrade(url)
    closed: list[Ledger] = []
    close = Ledger.close

    async def recorded(ledger: Ledger) -> None:
        closed.append(ledger)
        await close(ledger)

    monkeypatch.setattr(Ledger, "close", recorded)
    missing = TlsSettings(cert_file=str(tmp_path / "server.pem"), key_file=str(tmp_path / "server.key"))
    with pytest.raises(FileNotFoundError):
        await server.start(replace(core_settings(url), tls=missing))
    assert len(closed) == 1


async def test_the_bootstrap_gives_each_store_its_fast_path(database_url: str) -> None:
    ledger = await ledger_for(database_url, TEST_CURRENCIES)
    try:
        assert isinstance(ledger._fast_path, SqliteWriter if database_url.startswith("sqlite") else GroupCommit)
    finally:
        await ledger.close()
    memory = create_engine("sqlite+aiosqlite:///:memory:")  # no other connection would see its rows
    assert fast_path_for(memory, 1, RawRequests({}, None)) is None
    await memory.dispose()
