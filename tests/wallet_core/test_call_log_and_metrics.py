"""Every core call writes one log line (wallet_core.service, "rpc") and counts itself in the metrics, by
method and outcome: a success, a stored refusal and a refusal before the ledger alike."""

from __future__ import annotations

import json
import logging
from typing import Any

import grpc
import pytest
from prometheus_client import REGISTRY

from tests.support.core import CoreHandle, bearer
from tests.support.logs import watching_logs
from tests.wallet_core.helpers import PROVIDER, debit_request
from wallet_cli.logs import JsonLines

FIELDS = ["time", "level", "logger", "message", "method", "outcome", "latency_ms", "provider", "transaction_id",
          "request_id"]


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
            await core.stub.Debit(debit_request("log-who", "log1", "0.50"),
                                  metadata=(*bearer("not-a-token"), ("x-request-id", "req-who")))
    assert short.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert stranger.value.code() == grpc.StatusCode.UNAUTHENTICATED
    ok, refused, unknown = lines(logs.records)
    for line in (ok, refused, unknown):
        assert list(line) == FIELDS
        assert (line["level"], line["logger"], line["message"], line["method"]) == (
            "INFO", "wallet_core.service", "rpc", "Debit")
        assert isinstance(line["latency_ms"], float) and line["latency_ms"] >= 0
    assert {k: ok[k] for k in ("outcome", "provider", "transaction_id", "request_id")} == {
        "outcome": "OK", "provider": PROVIDER, "transaction_id": "log-ok", "request_id": "req-ok"}
    assert {k: refused[k] for k in ("outcome", "provider", "transaction_id", "request_id")} == {
        "outcome": "INSUFFICIENT_FUNDS", "provider": PROVIDER, "transaction_id": "log-ko", "request_id": ""}
    assert {k: unknown[k] for k in ("outcome", "provider", "transaction_id", "request_id")} == {
        "outcome": "UNAUTHENTICATED", "provider": PROVIDER, "transaction_id": "log-who", "request_id": "req-who"}


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
        "OK": 3, "INSUFFICIENT_FUNDS": 2, "UNAUTHENTICATED": 1, "INVALID_ARGUMENT": 1}
    assert timed("Debit") - timed_before == 7
