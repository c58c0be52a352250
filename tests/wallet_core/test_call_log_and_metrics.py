"""Every core call writes one log line (wallet_core.service, "rpc") and counts itself in the metrics, by
method and outcome: a success, a stored refusal, a refusal before the ledger and a failure nobody
expected alike, before the caller has its answer."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator
from typing import Any

import grpc
import pytest
from prometheus_client import REGISTRY

from tests.support.core import CoreHandle, bearer
from tests.support.logs import watching_logs
from tests.wallet_core.helpers import PROVIDER, debit_request
from wallet.v1 import wallet_pb2 as pb
from wallet.v1 import wallet_pb2_grpc
from wallet_cli.logs import JsonLines
from wallet_core.service import Metadata, WalletService, rpc

FIELDS = [
    "time",
    "level",
    "logger",
    "message",
    "method",
    "outcome",
    "latency_ms",
    "provider",
    "transaction_id",
    "request_id",
]


def calls(method: str, outcome: str) -> float:
    return REGISTRY.get_sample_value("wallet_core_calls_total", {"method": method, "outcome": outcome}) or 0.0


def timed(method: str) -> float:
    return REGISTRY.get_sample_value("wallet_core_call_seconds_count", {"method": method}) or 0.0


def lines(records: list[logging.LogRecord]) -> list[dict[str, Any]]:
    """The core's call lines, as the `wallet` command writes them."""
    formatter = JsonLines()
    return [json.loads(formatter.format(r)) for r in records if r.name == "wallet_core.service"]


async def test_each_call_is_logged_once_with_its_fields(core: CoreHandle) -> None:
    await core.open_account("log1", "USD", "1.00")
    token = bearer(core.token_for(PROVIDER))
    with watching_logs(logging.INFO) as logs:
        await core.stub.Debit(debit_request("log-ok", "log1", "0.75"), metadata=(*token, ("x-request-id", "req-ok")))
        with pytest.raises(grpc.aio.AioRpcError) as short:
            await core.stub.Debit(debit_request("log-ko", "log1", "0.50"), metadata=token)
        with pytest.raises(grpc.aio.AioRpcError) as stranger:
            await core.stub.Debit(
                debit_request("log-who", "log1", "0.50"), metadata=(*bearer("not-a-token"), ("x-request-id", "req-who"))
            )
    assert short.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert stranger.value.code() == grpc.StatusCode.UNAUTHENTICATED
    ok, refused, unknown = lines(logs.records)
    for line in (ok, refused, unknown):
        assert list(line) == FIELDS
        assert (line["level"], line["logger"], line["message"], line["method"]) == (
            "INFO",
            "wallet_core.service",
            "rpc",
            "Debit",
        )
        assert isinstance(line["latency_ms"], float) and line["latency_ms"] >= 0
    assert {k: ok[k] for k in ("outcome", "provider", "transaction_id", "request_id")} == {
        "outcome": "OK",
        "provider": PROVIDER,
        "transaction_id": "log-ok",
        "request_id": "req-ok",
    }
    assert {k: refused[k] for k in ("outcome", "provider", "transaction_id", "request_id")} == {
        "outcome": "INSUFFICIENT_FUNDS",
        "provider": PROVIDER,
        "transaction_id": "log-ko",
        "request_id": "",
    }
    assert {k: unknown[k] for k in ("outcome", "provider", "transaction_id", "request_id")} == {
        "outcome": "UNAUTHENTICATED",
        "provider": PROVIDER,
        "transaction_id": "log-who",
        "request_id": "req-who",
    }


async def test_each_call_is_counted_by_method_and_outcome(core: CoreHandle) -> None:
    await core.open_account("count1", "USD", "1.00")
    token = bearer(core.token_for(PROVIDER))
    before = {o: calls("Debit", o) for o in ("OK", "INSUFFICIENT_FUNDS", "UNAUTHENTICATED", "INVALID_ARGUMENT")}
    timed_before = timed("Debit")
    for n in range(3):
        await core.stub.Debit(debit_request(f"count-ok-{n}", "count1", "0.10"), metadata=token)
    for n in range(2):
        with pytest.raises(grpc.aio.AioRpcError):
            await core.stub.Debit(debit_request(f"count-ko-{n}", "count1", "5.00"), metadata=token)
    with pytest.raises(grpc.aio.AioRpcError):
        await core.stub.Debit(debit_request("count-who", "count1", "0.10"), metadata=bearer("not-a-token"))
    with pytest.raises(grpc.aio.AioRpcError):
        await core.stub.Debit(debit_request("", "count1", "0.10"), metadata=token)
    after = {o: calls("Debit", o) for o in before}
    assert {o: after[o] - before[o] for o in before} == {
        "OK": 3,
        "INSUFFICIENT_FUNDS": 2,
        "UNAUTHENTICATED": 1,
        "INVALID_ARGUMENT": 1,
    }
    assert timed("Debit") - timed_before == 7


class Broken(WalletService):
    """GetBalance fails as a bug would, with an exception that is no WalletError; Debit never answers.
    Nothing reaches a ledger: there is none."""

    def __init__(self) -> None:  # no ledger, no authenticator: neither handler uses them
        self.debit_started = asyncio.Event()

    @rpc
    async def GetBalance(self, request: pb.GetBalanceRequest, metadata: Metadata) -> pb.GetBalanceResponse:
        raise RuntimeError("a bug")

    @rpc
    async def Debit(self, request: pb.DebitRequest, metadata: Metadata) -> pb.DebitResponse:
        self.debit_started.set()
        await asyncio.Event().wait()
        raise AssertionError("unreachable")


@contextlib.asynccontextmanager
async def serving(servicer: Broken) -> AsyncIterator[wallet_pb2_grpc.WalletServiceStub]:
    """`servicer` on a real server on loopback, and a stub to call it."""
    server = grpc.aio.server()
    wallet_pb2_grpc.add_WalletServiceServicer_to_server(servicer, server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
            yield wallet_pb2_grpc.WalletServiceStub(channel)
    finally:
        await server.stop(None)


async def test_a_call_its_caller_cancelled_is_logged_and_counted_as_cancelled() -> None:
    servicer = Broken()
    before = calls("Debit", "CANCELLED")
    async with serving(servicer) as stub:
        with watching_logs(logging.INFO) as logs:
            call = stub.Debit(debit_request("gone", "u1", "1.00"))
            await servicer.debit_started.wait()
            call.cancel()
            for _ in range(200):  # the server learns of the cancel after the caller has it
                if lines(logs.records):
                    break
                await asyncio.sleep(0.01)
    (line,) = lines(logs.records)
    assert (line["method"], line["outcome"], line["transaction_id"]) == ("Debit", "CANCELLED", "gone")
    assert calls("Debit", "CANCELLED") - before == 1


async def test_a_failure_nobody_expected_is_logged_and_counted_as_unknown_not_ok() -> None:
    before = {o: calls("GetBalance", o) for o in ("OK", "UNKNOWN")}
    async with serving(Broken()) as stub:
        with watching_logs(logging.INFO) as logs:
            with pytest.raises(grpc.aio.AioRpcError) as failed:
                await stub.GetBalance(
                    pb.GetBalanceRequest(provider="p", player_id="u1", currency="USD"),
                    metadata=(("x-request-id", "req-bug"),),
                )
            (line,) = lines(logs.records)  # there when the caller has its answer
    assert failed.value.code() == grpc.StatusCode.UNKNOWN
    assert {k: line[k] for k in ("method", "outcome", "provider", "request_id")} == {
        "method": "GetBalance",
        "outcome": "UNKNOWN",
        "provider": "p",
        "request_id": "req-bug",
    }
    assert {o: calls("GetBalance", o) - before[o] for o in before} == {"OK": 0, "UNKNOWN": 1}
