"""The checks every SUD request passes before anything else, end to end: none of their refusals moves money."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from decimal import Decimal

import httpx

from tests.gateways.sud.conftest import NOTIFY, UPDATE_SCORE, Sud, SudFactory
from tests.gateways.sud.vendor import new_id, now_ms, spoilt


async def _stream(chunks: list[bytes]) -> AsyncIterator[bytes]:
    for chunk in chunks:
        yield chunk


async def _a_failed_buy_in(sud: Sud) -> tuple[str, bytes]:
    """A player whose 10.00 buy-in SUD reports failed (a valid notification would give it back)."""
    alice = await sud.player()
    buy_in = new_id()
    await sud.buy_in(alice, buy_in, "10.00")
    return alice, json.dumps(sud.vendor.order_changed(alice, buy_in)).encode()


async def test_a_bad_signature_is_refused_and_moves_nothing(sud: Sud) -> None:
    alice, body = await _a_failed_buy_in(sud)
    headers = sud.vendor.headers(body)
    headers["Sud-Signature"] = spoilt(headers["Sud-Signature"])
    assert await sud.notify(body, headers) == {"ret_code": 1003, "ret_msg": "signature verification failed"}
    assert await sud.balance_of(alice) == Decimal("90.00")
    assert await sud.notify(body) == {"ret_code": 0, "ret_msg": "SUCCESS"}  # nothing was decided: SUD's re-send
    assert await sud.balance_of(alice) == Decimal("100.00")


async def test_a_body_changed_after_signing_is_refused(sud: Sud) -> None:
    alice, body = await _a_failed_buy_in(sud)
    headers = sud.vendor.headers(body)
    reserialised = json.dumps(json.loads(body), separators=(",", ":")).encode()  # the same JSON, other bytes
    assert (await sud.notify(reserialised, headers))["ret_code"] == 1003
    assert await sud.balance_of(alice) == Decimal("90.00")


async def test_missing_signature_headers_are_refused(sud: Sud) -> None:
    alice, body = await _a_failed_buy_in(sud)
    assert (await sud.notify(body, {"content-type": "application/json"}))["ret_code"] == 1003
    assert await sud.balance_of(alice) == Decimal("90.00")


async def test_another_app_id_is_refused(sud: Sud) -> None:
    alice, body = await _a_failed_buy_in(sud)
    answer = await sud.notify(body, sud.vendor.headers(body, app_id="another-app"))
    assert answer == {"ret_code": 1004, "ret_msg": "unknown app id"}
    assert await sud.balance_of(alice) == Decimal("90.00")


async def test_a_stale_timestamp_is_refused(sud: Sud) -> None:
    alice, body = await _a_failed_buy_in(sud)
    for stamp in (now_ms() - 11 * 60 * 1000, now_ms() + 11 * 60 * 1000):
        answer = await sud.notify(body, sud.vendor.headers(body, timestamp=str(stamp)))
        assert answer == {"ret_code": 1005, "ret_msg": "Sud-Timestamp outside the accepted window"}
    assert await sud.balance_of(alice) == Decimal("90.00")


async def test_the_window_is_configurable(sud_factory: SudFactory) -> None:
    sud = await sud_factory(timestamp_window_seconds=30)
    alice, body = await _a_failed_buy_in(sud)
    assert (await sud.notify(body, sud.vendor.headers(body, timestamp=str(now_ms() - 60_000))))["ret_code"] == 1005
    assert await sud.balance_of(alice) == Decimal("90.00")


async def test_an_oversized_body_is_refused_before_anything_else(sud: Sud) -> None:
    alice, body = await _a_failed_buy_in(sud)
    padded = json.dumps({**json.loads(body), "padding": "x" * 70_000}).encode()
    answer = await sud.notify(padded)  # well signed
    assert answer == {"ret_code": 1002, "ret_msg": "request body too large"}
    assert await sud.balance_of(alice) == Decimal("90.00")


async def test_an_oversized_body_without_a_length_is_refused(sud: Sud) -> None:
    alice, body = await _a_failed_buy_in(sud)
    padded = json.dumps({**json.loads(body), "padding": "x" * 70_000}).encode()
    chunks = [padded[i : i + 8192] for i in range(0, len(padded), 8192)]
    response = await sud.client.post(NOTIFY, content=_stream(chunks), headers=sud.vendor.headers(padded))
    assert response.json()["ret_code"] == 1002
    assert await sud.balance_of(alice) == Decimal("90.00")


async def test_a_body_within_a_configured_limit_passes(sud_factory: SudFactory) -> None:
    sud = await sud_factory(body_limit_bytes=200_000)
    alice, body = await _a_failed_buy_in(sud)
    padded = json.dumps({**json.loads(body), "padding": "x" * 70_000}).encode()
    assert (await sud.notify(padded))["ret_code"] == 0
    assert await sud.balance_of(alice) == Decimal("100.00")


async def test_an_address_outside_the_allowlist_is_refused(sud: Sud) -> None:
    alice, body = await _a_failed_buy_in(sud)
    transport = httpx.ASGITransport(app=sud.app, client=("198.51.100.7", 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as stranger:
        for path in (NOTIFY, UPDATE_SCORE):
            response = await stranger.post(path, content=body, headers=sud.vendor.headers(body))
            assert response.json() == {"ret_code": 1006, "ret_msg": "source address not allowed"}
    assert await sud.balance_of(alice) == Decimal("90.00")
