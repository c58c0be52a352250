import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import grpc
import pytest
import trustme

from gateways.kit.config import GatewayConfigError
from gateways.kit.core_client import CoreClient
from gateways.kit.core_connection import CoreConnection
from gateways.kit.core_errors import CoreError
from tests.gateways.kit.scripted_core import Fail, Scripted, Stall, Step, balance_answer, dead_address, scripted_core
from tests.gateways.metric_samples import sample
from wallet.v1 import wallet_pb2

REQUEST = wallet_pb2.GetBalanceRequest(provider="aigame", player_id="p1", currency="USD")
DEBIT = wallet_pb2.DebitRequest(provider="aigame", transaction_id="bet-1", player_id="p1", currency="USD", amount="10")


@pytest.fixture
async def scripted() -> AsyncIterator[Scripted]:
    async with scripted_core() as running:
        yield running


@pytest.fixture
async def client(scripted: Scripted) -> AsyncIterator[CoreClient]:
    settings = CoreConnection(scripted.address, "token-1", deadline_seconds=1.0, attempt_timeout_seconds=0.3)
    core = CoreClient(settings, provider="kit-test")
    yield core
    await core.aclose()


async def test_each_call_carries_the_token_and_the_request_id(scripted: Scripted, client: CoreClient) -> None:
    scripted.wallet.script = [balance_answer("12.50")]
    answer = await client.get_balance(REQUEST, request_id="req-1")
    assert answer.account.balance == "12.50"
    (call,) = scripted.wallet.calls
    assert call.metadata["authorization"] == "Bearer token-1"
    assert call.metadata["x-request-id"] == "req-1"
    assert call.request == REQUEST


async def test_calls_share_one_stub_per_channel_and_a_closed_client_opens_a_new_one(scripted: Scripted) -> None:
    core = CoreClient(CoreConnection(scripted.address, "token-1"), provider="kit-test")
    try:
        scripted.wallet.script = [balance_answer("1.00"), balance_answer("2.00"), balance_answer("3.00")]
        assert (await core.get_balance(REQUEST, request_id="req-a")).account.balance == "1.00"
        stub = core._stub
        assert (await core.get_balance(REQUEST, request_id="req-b")).account.balance == "2.00"
        assert core._stub is stub
        await core.aclose()
        assert (await core.get_balance(REQUEST, request_id="req-c")).account.balance == "3.00"
        assert core._stub is not stub
        assert [call.metadata["x-request-id"] for call in scripted.wallet.calls] == ["req-a", "req-b", "req-c"]
        assert {call.metadata["authorization"] for call in scripted.wallet.calls} == {"Bearer token-1"}
    finally:
        await core.aclose()


async def test_a_call_that_decided_nothing_is_retried_with_the_same_request(
    scripted: Scripted, client: CoreClient
) -> None:
    retries = sample("gateway_core_retries_total", provider="kit-test", method="Debit")
    answer = wallet_pb2.DebitResponse(transaction=wallet_pb2.Transaction(transaction_id="bet-1", balance_after="90"))
    scripted.wallet.script = [
        Fail(grpc.StatusCode.UNAVAILABLE, "STORE_UNAVAILABLE"),
        Fail(grpc.StatusCode.UNAVAILABLE),
        answer,
    ]
    assert await client.debit(DEBIT, request_id="req-2") == answer
    assert [call.request for call in scripted.wallet.calls] == [DEBIT, DEBIT, DEBIT]
    assert sample("gateway_core_retries_total", provider="kit-test", method="Debit") == retries + 2


async def test_a_decided_failure_is_raised_at_once_with_its_reason(scripted: Scripted, client: CoreClient) -> None:
    series = {"provider": "kit-test", "method": "Debit", "result": "INSUFFICIENT_FUNDS"}
    failures = sample("gateway_core_calls_total", **series)
    scripted.wallet.script = [
        Fail(grpc.StatusCode.FAILED_PRECONDITION, "INSUFFICIENT_FUNDS", {"balance": "5.00"}, "too poor"),
        balance_answer(),
    ]
    with pytest.raises(CoreError) as raised:
        await client.debit(DEBIT, request_id="req-3")
    error = raised.value
    assert (error.code, error.reason, error.metadata, error.message) == (
        grpc.StatusCode.FAILED_PRECONDITION,
        "INSUFFICIENT_FUNDS",
        {"balance": "5.00"},
        "too poor",
    )
    assert not error.nothing_decided
    assert len(scripted.wallet.calls) == 1
    assert sample("gateway_core_calls_total", **series) == failures + 1


async def test_a_failure_without_error_info_is_named_after_its_grpc_code(
    scripted: Scripted, client: CoreClient
) -> None:
    scripted.wallet.script = [Fail(grpc.StatusCode.INTERNAL)]
    with pytest.raises(CoreError) as raised:
        await client.get_balance(REQUEST, request_id="req-4")
    assert raised.value.reason == "GRPC_INTERNAL"


async def test_retries_stop_after_max_attempts(scripted: Scripted, client: CoreClient) -> None:
    unavailable: list[Step] = [Fail(grpc.StatusCode.UNAVAILABLE, "STORE_UNAVAILABLE")] * 3
    scripted.wallet.script = [*unavailable, balance_answer()]
    with pytest.raises(CoreError) as raised:
        await client.get_balance(REQUEST, request_id="req-5")
    assert raised.value.reason == "STORE_UNAVAILABLE"
    assert raised.value.nothing_decided
    assert len(scripted.wallet.calls) == 3


async def test_a_stalled_core_is_given_up_on_within_the_deadline(scripted: Scripted, client: CoreClient) -> None:
    scripted.wallet.script = [Stall(5), Stall(5), Stall(5), Stall(5)]
    started = time.monotonic()
    with pytest.raises(CoreError) as raised:
        await client.get_balance(REQUEST, request_id="req-6")
    assert raised.value.reason == "GRPC_DEADLINE_EXCEEDED"
    assert time.monotonic() - started < 1.3
    assert len(scripted.wallet.calls) >= 2  # attempts of 0.3 s, retried while the 1 s deadline allows


async def test_an_unreachable_core_is_unavailable() -> None:
    core = CoreClient(CoreConnection(await dead_address(), "token", deadline_seconds=0.5), provider="kit-test")
    try:
        with pytest.raises(CoreError) as raised:
            await core.get_balance(REQUEST, request_id="req-7")
        assert raised.value.reason == "GRPC_UNAVAILABLE"
        assert not await core.answers(request_id="req-8")
    finally:
        await core.aclose()


async def test_a_core_answers_when_its_health_says_serving(scripted: Scripted, client: CoreClient) -> None:
    assert await client.answers(request_id="req-9")
    await scripted.health.set("", 2)  # NOT_SERVING
    assert not await client.answers(request_id="req-10")


async def test_a_core_without_the_health_service_still_answers() -> None:
    async with scripted_core(with_health=False) as running:
        core = CoreClient(CoreConnection(running.address, "token"), provider="kit-test")
        try:
            assert await core.answers(request_id="req-11")
        finally:
            await core.aclose()


def test_settings_are_read_from_a_mapping_with_defaults() -> None:
    settings = CoreConnection.from_mapping({"address": "127.0.0.1:50051", "token": "t0ken"})
    assert settings == CoreConnection("127.0.0.1:50051", "t0ken", 2.0, 1.0, 3)
    assert "t0ken" not in repr(settings)
    custom = CoreConnection.from_mapping(
        {"address": "core:1", "token": "t", "deadline_seconds": 1.5, "attempt_timeout_seconds": 0.5, "max_attempts": 2}
    )
    assert (custom.deadline_seconds, custom.attempt_timeout_seconds, custom.max_attempts) == (1.5, 0.5, 2)


@pytest.mark.parametrize(
    "data",
    [
        {"token": "t"},
        {"address": "core:1"},
        {"address": "core:1", "token": "t", "deadline_seconds": 0},
        {"address": "core:1", "token": "t", "max_attempts": 1.5},
        {"address": "core:1", "token": "t", "deadline": 2},
    ],
)
def test_bad_settings_are_refused(data: dict[str, object]) -> None:
    with pytest.raises(GatewayConfigError):
        CoreConnection.from_mapping(data)


@dataclass
class Pki:
    ca: Path
    server: grpc.ServerCredentials
    mutual: grpc.ServerCredentials
    client_cert: Path
    client_key: Path


@pytest.fixture
def pki(tmp_path: Path) -> Pki:
    ca = trustme.CA()
    server_cert = ca.issue_cert("127.0.0.1")
    client_cert = ca.issue_cert("aigame-gateway.example")
    paths = {name: tmp_path / name for name in ("ca.pem", "client.pem", "client.key")}
    ca.cert_pem.write_to_path(str(paths["ca.pem"]))
    client_cert.cert_chain_pems[0].write_to_path(str(paths["client.pem"]))
    client_cert.private_key_pem.write_to_path(str(paths["client.key"]))
    pair = [(server_cert.private_key_pem.bytes(), server_cert.cert_chain_pems[0].bytes())]
    return Pki(
        ca=paths["ca.pem"],
        server=grpc.ssl_server_credentials(pair),
        mutual=grpc.ssl_server_credentials(pair, root_certificates=ca.cert_pem.bytes(), require_client_auth=True),
        client_cert=paths["client.pem"],
        client_key=paths["client.key"],
    )


async def balance_over(settings: CoreConnection, running: Scripted) -> str:
    running.wallet.script = [balance_answer("3.00")]
    core = CoreClient(settings, provider="kit-test")
    try:
        return (await core.get_balance(REQUEST, request_id="tls")).account.balance
    finally:
        await core.aclose()


async def test_the_channel_speaks_tls_when_given_the_cores_ca(pki: Pki) -> None:
    async with scripted_core(credentials=pki.server) as running:
        settings = CoreConnection.from_mapping({"address": running.address, "token": "t", "ca_file": str(pki.ca)})
        assert await balance_over(settings, running) == "3.00"
        plaintext = CoreConnection(running.address, "t", deadline_seconds=0.5)
        with pytest.raises(CoreError):
            await balance_over(plaintext, running)


async def test_mutual_tls_presents_the_gateways_certificate(pki: Pki) -> None:
    async with scripted_core(credentials=pki.mutual) as running:
        mutual = CoreConnection(
            running.address,
            "t",
            tls_ca_file=str(pki.ca),
            tls_cert_file=str(pki.client_cert),
            tls_key_file=str(pki.client_key),
        )
        assert await balance_over(mutual, running) == "3.00"
        without_certificate = CoreConnection(running.address, "t", deadline_seconds=0.5, tls_ca_file=str(pki.ca))
        with pytest.raises(CoreError) as refused:
            await balance_over(without_certificate, running)
        assert refused.value.nothing_decided


async def test_tls_over_several_cores_checks_the_first_address_or_the_server_name(tmp_path: Path) -> None:
    """A list of IPs is checked against its first entry (every core's certificate names it, or the
    name given as server_name), never against the whole list."""
    ca = trustme.CA()
    ca.cert_pem.write_to_path(str(tmp_path / "ca.pem"))
    for names, server_name in ((("127.0.0.1",), ""), (("cores.wallet.example",), "cores.wallet.example")):
        cert = ca.issue_cert(*names)
        credentials = grpc.ssl_server_credentials([(cert.private_key_pem.bytes(), cert.cert_chain_pems[0].bytes())])
        async with scripted_core(credentials=credentials) as first, scripted_core(credentials=credentials) as second:
            settings = CoreConnection.from_mapping(
                {
                    "address": f"{first.address},{second.address}",
                    "token": "t",
                    "ca_file": str(tmp_path / "ca.pem"),
                    **({"server_name": server_name} if server_name else {}),
                }
            )
            first.wallet.script, second.wallet.script = [balance_answer("3.00")] * 2, [balance_answer("3.00")] * 2
            core = CoreClient(settings, provider="kit-test")
            try:
                answers = [await core.get_balance(REQUEST, request_id=f"tls-{i}") for i in range(2)]
            finally:
                await core.aclose()
            assert {a.account.balance for a in answers} == {"3.00"}
            assert len(first.wallet.calls) + len(second.wallet.calls) == 2


@pytest.mark.parametrize(
    "tls",
    [
        {"cert_file": "c.pem"},
        {"cert_file": "c.pem", "key_file": "k.pem"},
        {"ca_file": "ca.pem", "key_file": "k"},
        {"server_name": "cores.example"},
    ],
)
def test_incomplete_tls_settings_are_refused(tls: dict[str, str]) -> None:
    with pytest.raises(GatewayConfigError, match="TLS"):
        CoreConnection.from_mapping({"address": "core:1", "token": "t", **tls})


def test_an_unreadable_ca_file_stops_the_client_at_construction(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        CoreClient(CoreConnection("core:1", "t", tls_ca_file=str(tmp_path / "missing.pem")), provider="kit-test")
