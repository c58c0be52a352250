"""The outbound AIGame record query against the simulated AIGame platform (devstack/aigame_platform.py)."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest

from devstack.aigame_platform import AGENT_ID, SECRET, AIGamePlatform, baccarat_record
from gateways.aigame.record_query import RecordQuery, RecordQueryConfigError, RecordQueryError, RecordStatus

INTERVAL = 0.3


def client(platform: AIGamePlatform, *, agent_id: str = AGENT_ID, secret: str = SECRET, **kw: object) -> RecordQuery:
    transport = httpx.ASGITransport(app=platform.app())
    return RecordQuery(
        "http://aigame",
        agent_id,
        secret,
        interval_seconds=INTERVAL,
        transport=transport,
        **kw,  # type: ignore[arg-type]
    )


async def test_a_record_is_read_with_the_seed_002_shape() -> None:
    platform = AIGamePlatform(interval_seconds=INTERVAL, records={"t1": baccarat_record("t1", "jackey01")})
    query = client(platform)
    try:
        record = await query.record("t1")
        assert record is not None
        assert (record.user_id, record.currency, record.bet_amount, record.win_amount, record.status) == (
            "jackey01",
            "USD",
            "10",
            "19.50",
            RecordStatus.SETTLED,
        )
        assert record.data["open_cards"] == {"banker": "Diamonds9,Diamonds10", "player": "HeartsK,Clubs7"}
        assert await query.record("nope") is None  # 700237
    finally:
        await query.aclose()


async def test_calls_queue_and_never_come_closer_than_the_interval() -> None:
    platform = AIGamePlatform(interval_seconds=INTERVAL, records={"t1": baccarat_record("t1", "u")})
    query = client(platform)
    started = time.monotonic()
    try:
        answers = await asyncio.gather(*(query.record("t1") for _ in range(4)))
    finally:
        await query.aclose()
    assert all(answer is not None for answer in answers)
    assert platform.too_frequent == 0
    gap = platform.shortest_gap()
    assert gap is not None and gap >= INTERVAL
    assert time.monotonic() - started >= 3 * INTERVAL


async def test_408004_from_another_client_of_the_agent_backs_off_and_retries() -> None:
    platform = AIGamePlatform(interval_seconds=INTERVAL, records={"t1": baccarat_record("t1", "u")})
    first, second = client(platform), client(platform)  # two processes sharing one agent
    try:
        assert await first.record("t1") is not None
        assert await second.record("t1") is not None  # refused 408004 once, then served
    finally:
        await first.aclose()
        await second.aclose()
    assert platform.too_frequent >= 1
    assert (platform.shortest_gap() or 0) >= INTERVAL


@pytest.mark.parametrize(
    ("setup", "words"),
    [
        ("whitelist", "whitelist the wallet's public IP"),
        ("agent", "does not know agent 'agent999'"),
        ("secret", "check its secret"),
    ],
)
async def test_configuration_refusals_are_one_line_configuration_errors(setup: str, words: str) -> None:
    platform = AIGamePlatform(interval_seconds=INTERVAL, whitelisted=setup != "whitelist")
    query = client(
        platform,
        agent_id="agent999" if setup == "agent" else AGENT_ID,
        secret="wrong" if setup == "secret" else SECRET,
    )
    try:
        with pytest.raises(RecordQueryConfigError) as refused:
            await query.record("t1")
    finally:
        await query.aclose()
    message = str(refused.value)
    assert words in message and "\n" not in message


async def test_an_unreachable_platform_is_a_one_line_error() -> None:
    query = RecordQuery("http://127.0.0.1:9", AGENT_ID, SECRET, interval_seconds=INTERVAL, timeout_seconds=1)
    try:
        with pytest.raises(RecordQueryError) as failed:
            await query.record("t1")
    finally:
        await query.aclose()
    assert "did not answer" in str(failed.value) and "\n" not in str(failed.value)


async def test_a_record_with_a_float_amount_or_an_unknown_status_is_refused() -> None:
    platform = AIGamePlatform(
        interval_seconds=0.01,
        records={
            "f": {**baccarat_record("f", "u"), "win_amount": 19.5},
            "s": {**baccarat_record("s", "u"), "status": 9},
        },
    )
    query = client(platform)
    query.interval_seconds = 0.01
    try:
        for txn_id in ("f", "s"):
            with pytest.raises(RecordQueryError):
                await query.record(txn_id)
    finally:
        await query.aclose()
