"""Each connection limit against a real uvicorn on loopback, with raw sockets."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

import pytest
from starlette.applications import Starlette

from gateways.kit.connection_limits import ConnectionLimits
from gateways.kit.core_client import CoreClient
from gateways.kit.core_connection import CoreConnection
from tests.gateways.kit.sample_gateway import PROVIDER, sample_app
from tests.gateways.kit.scripted_core import dead_address
from tests.gateways.kit.served import connect, read_until_closed, request_head, served
from tests.gateways.metric_samples import sample

QUICK = ConnectionLimits(read_timeout_seconds=0.3, keep_alive_seconds=1, max_connections=8, max_headers=20)
ANSWERED = "/op?do=answer"
OK_BODY = b'{"code":"OK","client":"127.0.0.1"}'


@pytest.fixture
async def app() -> AsyncIterator[Starlette]:
    core = CoreClient(CoreConnection(await dead_address(), "token"), provider=PROVIDER)
    yield sample_app(core)
    await core.aclose()


@pytest.fixture
async def port(app: Starlette) -> AsyncIterator[int]:
    async with served(app, QUICK) as listening:
        yield listening


async def answered(port: int, path: str = ANSWERED) -> bytes:
    reader, writer = await connect(port)
    writer.write(request_head(path, "Connection: close"))
    try:
        return await read_until_closed(reader, within=3)
    finally:
        writer.close()


async def answered_once_freed(port: int) -> bytes:
    """The answer to a request, retried for up to 3 s while the server is still closing connections (503)."""
    for _ in range(60):
        answer = await answered(port)
        if not answer.startswith(b"HTTP/1.1 503 "):
            break
        await asyncio.sleep(0.05)
    return answer


async def test_a_connection_that_sends_nothing_is_answered_408_and_closed(port: int) -> None:
    reader, writer = await connect(port)
    assert (await read_until_closed(reader, within=3)).startswith(b"HTTP/1.1 408 ")
    writer.close()


async def test_a_connection_that_sends_half_its_headers_is_answered_408_and_closed(port: int) -> None:
    reader, writer = await connect(port)
    writer.write(b"POST /op HTTP/1.1\r\nHost: gateway\r\nContent-Le")
    assert (await read_until_closed(reader, within=3)).startswith(b"HTTP/1.1 408 ")
    writer.close()


async def test_a_body_not_sent_whole_in_time_is_closed_and_counted_as_the_clients_disconnect(port: int) -> None:
    before = sample(
        "gateway_requests_total", provider=PROVIDER, endpoint="op", code="none", reason="CLIENT_DISCONNECTED"
    )
    reader, writer = await connect(port)
    writer.write(request_head("/op?do=read", body_length=100) + b'{"half":')
    assert await read_until_closed(reader, within=3) == b""  # nobody is answered a request not received
    writer.close()
    await asyncio.sleep(0.05)  # the app's task ends after the connection does
    after = sample(
        "gateway_requests_total", provider=PROVIDER, endpoint="op", code="none", reason="CLIENT_DISCONNECTED"
    )
    assert after == before + 1


async def test_the_read_deadline_does_not_cut_a_request_being_answered(app: Starlette) -> None:
    async with served(app, ConnectionLimits(read_timeout_seconds=0.5)) as port:
        reader, writer = await connect(port)
        for _ in range(3):  # each answer re-arms the deadline; a request sent within it is answered
            writer.write(request_head(ANSWERED))
            async with asyncio.timeout(3):
                status = await reader.readline()
                await reader.readuntil(b"}")
            assert status.startswith(b"HTTP/1.1 200 ")
        assert (await read_until_closed(reader, within=3)).startswith(b"HTTP/1.1 408 ")
        writer.close()


async def test_an_idle_keep_alive_connection_is_closed(app: Starlette) -> None:
    async with served(app, ConnectionLimits(keep_alive_seconds=1)) as port:
        reader, writer = await connect(port)
        writer.write(request_head(ANSWERED))
        answer = await read_until_closed(reader, within=3)
        assert answer.startswith(b"HTTP/1.1 200 ") and answer.endswith(OK_BODY)
        writer.close()


async def test_too_many_headers_are_answered_431_before_the_app_is_called(
    port: int, caplog: pytest.LogCaptureFixture
) -> None:
    headers = [f"X-Filler-{n}: {n}" for n in range(QUICK.max_headers)]
    with caplog.at_level(logging.INFO, logger="gateways.access"):
        reader, writer = await connect(port)
        writer.write(request_head(ANSWERED, *headers))
        assert (await read_until_closed(reader, within=3)).startswith(b"HTTP/1.1 431 ")
        writer.close()
    assert not [record for record in caplog.records if record.name == "gateways.access"]


@pytest.mark.parametrize(
    "oversize",
    [
        pytest.param(request_head(ANSWERED, f"X-Big: {'a' * 100_000}"), id="one 100 KB header"),
        pytest.param(request_head(ANSWERED, *(f"X-{n}: v" for n in range(10_000))), id="10,000 headers"),
        pytest.param(b"POST /op?" + b"q" * 100_000 + b" HTTP/1.1\r\n\r\n", id="a 100 KB request line"),
    ],
)
async def test_an_oversize_head_is_answered_431_and_closed(port: int, oversize: bytes) -> None:
    reader, writer = await connect(port)
    writer.write(oversize)
    assert (await read_until_closed(reader, within=3)).startswith(b"HTTP/1.1 431 ")
    writer.close()
    assert (await answered(port)).endswith(OK_BODY)


async def test_a_head_that_never_ends_is_refused_once_it_passes_the_limit(port: int) -> None:
    reader, writer = await connect(port)
    writer.write(b"POST /op HTTP/1.1\r\nX-Endless: " + b"a" * (ConnectionLimits().max_header_bytes + 1))
    assert (await read_until_closed(reader, within=QUICK.read_timeout_seconds / 2)).startswith(b"HTTP/1.1 431 ")
    writer.close()


async def test_headers_within_the_limits_are_accepted(port: int) -> None:
    headers = [f"X-Filler-{n}: {'v' * 100}" for n in range(QUICK.max_headers - 3)]  # Host, Content-Length, Connection
    reader, writer = await connect(port)
    writer.write(request_head(ANSWERED, "Connection: close", *headers))
    assert (await read_until_closed(reader, within=3)).endswith(OK_BODY)
    writer.close()


async def test_connections_past_the_cap_are_answered_503_and_idle_ones_do_not_last(port: int) -> None:
    idle = [await connect(port) for _ in range(QUICK.max_connections)]
    extra_reader, extra_writer = await connect(port)
    assert (await read_until_closed(extra_reader, within=3)).startswith(b"HTTP/1.1 503 ")
    extra_writer.close()
    for reader, writer in idle:  # the read deadline frees them: the gateway answers again
        assert (await read_until_closed(reader, within=3)).startswith(b"HTTP/1.1 408 ")
        writer.close()
        await writer.wait_closed()
    assert (await answered_once_freed(port)).endswith(OK_BODY)
