"""Fuzzing the AIGame gateway's five endpoints over a real core (aigame.md).

Each example sends one of: a raw body that is not a signed request; a valid request spoilt at one
to three places and then correctly signed by AIGame's rule (so the input gets past the signature
into the fields and the core); a valid request with a bad signature or an unknown agent; a valid
request stamped at an adversarial time; a valid request sent gzip-compressed, whole or cut short
(the query has no body: a replay instead); or a valid request sent twice (a replay). Whatever it is,
the answer is HTTP 200 in AIGame's envelope with a listed code, no money moves unless the answer is
a success, and nothing is logged as a crash.
"""

from __future__ import annotations

import gzip
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.checks import aigame_code
from tests.fuzz.conftest import AIGameFuzz, fuzz_settings
from tests.fuzz.inputs import mutate, raw_bodies
from tests.fuzz.jsontext import body_of
from tests.fuzz.tally import tried
from tests.gateways.aigame.conftest import WALLET, new_id
from tests.gateways.aigame.vendor import OTHER_SECRET, SECRET, now_ms, vendor_sign
from tests.support.logs import watching_logs

WALLET_ENDPOINTS = ("balance", "bet", "payout", "refund")
ENDPOINTS = (*WALLET_ENDPOINTS, "detail")
DETAIL = "/api/game/transaction/detail"
WINDOW_MS = 600_000
KINDS = ("raw", "mutated", "mutated", "mutated", "bad_signature", "timestamp", "gzip", "replay")
STAKE = "1.00"


async def _base(fuzz: AIGameFuzz, endpoint: str) -> dict[str, Any]:
    """A valid, signed request for `endpoint`; a bet placed first for those that need one."""
    vendor, user, bet_id = fuzz.gateway.vendor, fuzz.user, new_id()
    if endpoint in ("payout", "refund", "detail"):
        assert await fuzz.gateway.code("bet", vendor.bet(user, bet_id, STAKE)) == 200
    if endpoint == "balance":
        return vendor.balance(user)
    if endpoint == "bet":
        return vendor.bet(user, bet_id, STAKE)
    if endpoint == "payout":
        return vendor.payout(user, bet_id, "1.95", bet_detail={"Banker": 1}, open_cards={"banker": "S9,H10"})
    if endpoint == "refund":
        return vendor.refund(user, bet_id, STAKE)
    return vendor.detail(bet_id)


def _signed(params: dict[str, Any], secret: str = SECRET) -> dict[str, Any]:
    """`params` signed as AIGame does; a signature it cannot compute (a lone surrogate) is left wrong."""
    try:
        return {**params, "sign": vendor_sign(params, secret)}
    except UnicodeEncodeError:
        return {**params, "sign": "0" * 32}


async def _send(fuzz: AIGameFuzz, endpoint: str, params: dict[str, Any] | bytes, ascii_only: bool = False) -> int:
    client = fuzz.gateway.client
    if endpoint == "detail":
        assert isinstance(params, dict)
        # Percent-encoded by hand: a lone surrogate goes on the wire as the bytes it would have been.
        query = "&".join(
            f"{_quoted(key)}={_quoted(value if isinstance(value, str) else body_of(value).decode())}"
            for key, value in params.items()
        )
        response = await client.get(f"{DETAIL}?{query}")
    else:
        content = params if isinstance(params, bytes) else body_of(params, ascii_only=ascii_only)
        response = await client.post(
            f"{WALLET}/{endpoint}", content=content, headers={"content-type": "application/json"}
        )
    return aigame_code(response)


def _quoted(text: str) -> str:
    return quote(text.encode("utf-8", errors="surrogatepass"), safe="")


def _bad_signature(data: st.DataObject, params: dict[str, Any]) -> dict[str, Any]:
    spoilt = dict(params)
    how = data.draw(st.sampled_from(("flip", "other_secret", "missing", "empty", "typed", "unknown_agent")))
    sign = str(params["sign"])
    if how == "flip":
        spoilt["sign"] = sign[:-1] + ("0" if sign[-1] != "0" else "1")
    elif how == "other_secret":
        spoilt["sign"] = vendor_sign(params, OTHER_SECRET)
    elif how == "missing":
        del spoilt["sign"]
    elif how == "empty":
        spoilt["sign"] = ""
    elif how == "typed":
        spoilt["sign"] = data.draw(st.one_of(st.none(), st.booleans(), st.integers(), st.just([]), st.just({})))
    else:
        known = ("agent001", "agent002")
        spoilt["agent_id"] = data.draw(st.text(min_size=1, max_size=20).filter(lambda agent: agent not in known))
        spoilt = _signed(spoilt)
    return spoilt


def _timestamp(data: st.DataObject) -> tuple[int | str, bool]:
    """An adversarial timestamp and whether it is inside the ten-minute window."""
    now = now_ms()
    inside = st.integers(min_value=-WINDOW_MS + 10_000, max_value=WINDOW_MS - 10_000).map(lambda d: (now + d, True))
    outside = st.integers(min_value=WINDOW_MS + 10_000, max_value=10 * 365 * 86_400_000).flatmap(
        lambda d: st.sampled_from(((now + d, False), (now - d, False)))
    )
    absurd = st.sampled_from((0, -1, -now, now * 1000, 2**63, 2**64, -(2**63) - 1, 10**400)).map(lambda t: (t, False))
    stamped: tuple[int, bool] = data.draw(st.one_of(inside, outside, absurd))
    return stamped


async def _fuzz_one(fuzz: AIGameFuzz, endpoint: str, data: st.DataObject) -> None:
    base = await _base(fuzz, endpoint)
    before = await fuzz.purse.total()
    kind = data.draw(st.sampled_from(KINDS), label="kind")
    expected: int | None = None
    if kind == "raw" and endpoint != "detail":
        code = await _send(fuzz, endpoint, data.draw(raw_bodies(), label="body"))
        assert code != 200
    elif kind == "raw":
        query = data.draw(st.dictionaries(st.text(max_size=10), st.text(max_size=30), max_size=6), label="query")
        code = await _send(fuzz, endpoint, query)
        assert code != 200
    elif kind == "mutated":
        unsigned = {key: value for key, value in base.items() if key != "sign"}
        spoilt, how = mutate(data.draw, unsigned, extra_keys=("sign", "agent_id", "timestamp"))
        data.draw(st.just(how), label="mutation")
        code = await _send(fuzz, endpoint, _signed(spoilt), data.draw(st.booleans(), label="ascii"))
    elif kind == "bad_signature":
        code = await _send(fuzz, endpoint, _bad_signature(data, base))
        expected = 700101 if endpoint == "detail" and "agent_id" in base and code == 700101 else 600100
        assert code == expected
    elif kind == "timestamp":
        stamp, inside = _timestamp(data)
        unsigned = {key: value for key, value in base.items() if key != "sign"}
        unsigned["timestamp"] = str(stamp) if endpoint == "detail" else stamp
        code = await _send(fuzz, endpoint, _signed(unsigned))
        assert code == (200 if inside else 408000), (stamp, code)
    elif kind == "gzip" and endpoint != "detail":
        packed = gzip.compress(body_of(base))
        # Drawn apart from the body's length, which changes with each run's ids and times.
        whole = data.draw(st.booleans(), label="gzip body whole")
        sent = packed if whole else packed[: min(data.draw(st.integers(0, 4096), label="cut at"), len(packed) - 1)]
        response = await fuzz.gateway.client.post(
            f"{WALLET}/{endpoint}",
            content=sent,
            headers={"content-type": "application/json", "content-encoding": "gzip"},
        )
        code = aigame_code(response)
        assert code == (200 if whole else 408000), (len(sent), len(packed), code)
    else:
        first = await _send(fuzz, endpoint, base)
        after_first = await fuzz.purse.total()
        code = await _send(fuzz, endpoint, base)
        assert code == first == 200
        assert await fuzz.purse.total() == after_first
        before = after_first
        tried(f"aigame {endpoint}", fuzz.store)
    if code != 200:
        assert await fuzz.purse.total() == before, (kind, code)
    tried(f"aigame {endpoint}", fuzz.store)


async def _fuzz(fuzz: AIGameFuzz, endpoint: str, data: st.DataObject) -> None:
    with watching_logs() as logs:
        await _fuzz_one(fuzz, endpoint, data)
    assert logs.failures() == []


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("endpoint", ENDPOINTS)
@fuzz_settings(80)
@given(data=st.data())
async def test_aigame_endpoints_survive_adversarial_input(
    aigame_fuzz: AIGameFuzz, endpoint: str, data: st.DataObject
) -> None:
    await _fuzz(aigame_fuzz, endpoint, data)


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
@pytest.mark.parametrize("endpoint", ENDPOINTS)
@fuzz_settings(12)
@given(data=st.data())
async def test_aigame_endpoints_survive_adversarial_input_on_postgres(
    aigame_fuzz: AIGameFuzz, endpoint: str, data: st.DataObject
) -> None:
    await _fuzz(aigame_fuzz, endpoint, data)
