"""The address forms of a gateway's core, and calls balanced over several cores by their health."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack

import pytest
from grpc_health.v1 import health_pb2

from gateways.kit.config import GatewayConfigError
from gateways.kit.core_channel import CoreAddressError, channel_target
from gateways.kit.core_client import CoreClient
from gateways.kit.core_connection import CoreConnection
from tests.gateways.kit.scripted_core import Scripted, balance_answer, scripted_core
from wallet.v1 import wallet_pb2

REQUEST = wallet_pb2.GetBalanceRequest(provider="aigame", player_id="p1", currency="USD")
SERVING, NOT_SERVING = health_pb2.HealthCheckResponse.SERVING, health_pb2.HealthCheckResponse.NOT_SERVING
LEFT_OUT_WITHIN_SECONDS = 1.0


@pytest.mark.parametrize(
    ("address", "target"),
    [
        ("127.0.0.1:50051", "127.0.0.1:50051"),
        ("cores.internal:50051", "cores.internal:50051"),
        ("dns:///cores.internal:50051", "dns:///cores.internal:50051"),
        ("127.0.0.1:50051, 10.0.0.2:50051", "ipv4:127.0.0.1:50051,10.0.0.2:50051"),
        ("[::1]:50051,[fd00::2]:50051", "ipv6:[::1]:50051,[fd00::2]:50051"),
        ("ipv4:127.0.0.1:1,127.0.0.1:2", "ipv4:127.0.0.1:1,127.0.0.1:2"),
    ],
)
def test_an_address_names_one_core_or_several(address: str, target: str) -> None:
    assert channel_target(address) == target


@pytest.mark.parametrize(
    ("address", "says"),
    [
        ("", "empty"),
        ("127.0.0.1:1,", "empty entry"),
        ("core-a:50051,core-b:50051", "dns:///core-a:50051"),
        ("127.0.0.1:1,[::1]:2", "IPv4 and IPv6"),
        ("127.0.0.1,127.0.0.2", "not ip:port"),
        ("127.0.0.1:1,127.0.0.1:99999", "not ip:port"),
        ("::1:1,::2:1", "[ip]:port"),
    ],
)
def test_a_list_gRPC_cannot_resolve_is_refused_with_the_form_that_works(address: str, says: str) -> None:
    with pytest.raises(CoreAddressError, match=says.replace("[", r"\[").replace("]", r"\]")):
        channel_target(address)
    with pytest.raises(GatewayConfigError):
        CoreConnection.from_mapping({"address": address, "token": "t"})


@pytest.fixture
async def cores() -> AsyncIterator[list[Scripted]]:
    async with AsyncExitStack() as stack:
        running = [await stack.enter_async_context(scripted_core()) for _ in range(2)]
        for core in running:
            core.wallet.script = [balance_answer() for _ in range(1000)]
        yield running


@pytest.fixture
async def client(cores: list[Scripted]) -> AsyncIterator[CoreClient]:
    address = ",".join(core.address for core in cores)
    core = CoreClient(CoreConnection(address, "token-1", deadline_seconds=2.0), provider="kit-test")
    yield core
    await core.aclose()


async def calls_reaching(cores: list[Scripted], client: CoreClient, count: int) -> list[int]:
    """How many of `count` sequential calls each core answered."""
    before = [len(core.wallet.calls) for core in cores]
    for i in range(count):
        await client.get_balance(REQUEST, request_id=f"req-{i}")
    return [len(core.wallet.calls) - b for core, b in zip(cores, before, strict=True)]


async def settle(cores: list[Scripted], client: CoreClient, *, answering: list[bool]) -> None:
    """Until calls reach exactly the cores marked True (a health change reaches the channel through its
    Watch, asynchronously); fails after LEFT_OUT_WITHIN_SECONDS."""
    async with asyncio.timeout(LEFT_OUT_WITHIN_SECONDS):
        while True:
            if [n > 0 for n in await calls_reaching(cores, client, 6)] == answering:
                return
            await asyncio.sleep(0.05)


async def test_calls_take_turns_over_every_core(cores: list[Scripted], client: CoreClient) -> None:
    await settle(cores, client, answering=[True, True])  # both connected
    assert await calls_reaching(cores, client, 10) == [5, 5]


async def test_a_core_not_serving_is_left_out_and_taken_back(cores: list[Scripted], client: CoreClient) -> None:
    await settle(cores, client, answering=[True, True])
    await cores[0].health.set("", NOT_SERVING)
    await settle(cores, client, answering=[False, True])
    assert await calls_reaching(cores, client, 10) == [0, 10]
    await cores[0].health.set("", SERVING)
    await settle(cores, client, answering=[True, True])


async def test_calls_go_on_when_a_core_stops(cores: list[Scripted]) -> None:
    async with scripted_core() as third:
        third.wallet.script = [balance_answer() for _ in range(1000)]
        address = f"{cores[0].address},{third.address}"
        client = CoreClient(CoreConnection(address, "token-1"), provider="kit-test")
        try:
            await settle([cores[0], third], client, answering=[True, True])
            stopping = asyncio.create_task(third.server.stop(0))
            answers = await asyncio.gather(*(client.get_balance(REQUEST, request_id=f"r{i}") for i in range(50)))
            await stopping
            assert len(answers) == 50
            assert await calls_reaching([cores[0], third], client, 10) == [10, 0]
        finally:
            await client.aclose()
