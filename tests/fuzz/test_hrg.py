"""Fuzzing the HRG gateway's five actions over a real core (hrg.md).

HRG's requests carry no signature (its scheme is not known: hrg.md, "Authentication"); the gateway
trusts the source address and a shared-secret header. Each example sends, with the right secret
unless said: a raw body that is not a request; a valid request spoilt at one to three places; a
valid request with a missing or wrong secret; a valid request stamped at an adversarial `ts`; or a
valid request sent twice. The answer is always HTTP 200 with a listed 4-character code in HRG's
envelope, no money moves unless it is "0000", and nothing is logged as a crash.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.checks import hrg_code
from tests.fuzz.conftest import HRGFuzz, fuzz_settings
from tests.fuzz.inputs import mutate, raw_bodies
from tests.fuzz.jsontext import body_of
from tests.fuzz.tally import tried
from tests.gateways.hrg.conftest import PREFIX, new_id
from tests.gateways.hrg.vendor import GMT8, SECRET, SECRET_HEADER, hrg_time
from tests.support.logs import watching_logs

ACTIONS = ("get_balance", "place_bet", "cancel_bet", "settle", "event_settle")
KINDS = ("raw", "mutated", "mutated", "mutated", "bad_secret", "timestamp", "replay")
WINDOW_SECONDS = 300
STAKE = "1.00"


async def _base(fuzz: HRGFuzz, action: str) -> dict[str, Any]:
    """A valid request for `action`; a bet placed first for those that need one."""
    vendor, user, tx_id = fuzz.gateway.vendor, fuzz.user, new_id()
    if action in ("cancel_bet", "settle"):
        assert await fuzz.gateway.code("place_bet", vendor.place_bet(user, tx_id, STAKE)) == "0000"
    if action == "get_balance":
        return vendor.get_balance(user)
    if action == "place_bet":
        return vendor.place_bet(user, tx_id, STAKE)
    if action == "cancel_bet":
        return vendor.cancel_bet(user, tx_id)
    if action == "settle":
        return vendor.settle(user, tx_id, STAKE, "1.95")
    return vendor.event_settle(vendor.promotion(new_id(), user, "0.50"), vendor.promotion(new_id(), user, "0.25"))


async def _send(
    fuzz: HRGFuzz,
    action: str,
    body: dict[str, Any] | bytes,
    headers: dict[str, str] | None = None,
    ascii_only: bool = False,
) -> dict[str, Any]:
    content = body if isinstance(body, bytes) else body_of(body, ascii_only=ascii_only)
    sent = {"content-type": "application/json", SECRET_HEADER: SECRET} if headers is None else headers
    response = await fuzz.gateway.client.post(f"{PREFIX}/{action}", content=content, headers=sent)
    hrg_code(response)
    answer: dict[str, Any] = json.loads(response.text)
    return answer


def _bad_secret(data: st.DataObject) -> dict[str, str]:
    headers = {"content-type": "application/json"}
    how = data.draw(st.sampled_from(("missing", "wrong", "prefix", "case", "padded", "other_header")))
    if how == "wrong":
        headers[SECRET_HEADER] = data.draw(
            st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=40).filter(
                lambda text: text != SECRET
            )
        )
    elif how == "prefix":
        headers[SECRET_HEADER] = SECRET[:-1]
    elif how == "case":
        headers[SECRET_HEADER] = SECRET.upper()
    elif how == "padded":
        headers[SECRET_HEADER] = SECRET + "x"
    elif how == "other_header":
        headers["X-HRG-Secrets"] = SECRET
    return headers


def _ts(data: st.DataObject) -> tuple[str, bool]:
    """An adversarial `ts` and whether it is inside place_bet's window."""
    now = datetime.now(GMT8)
    inside = st.integers(-WINDOW_SECONDS + 10, WINDOW_SECONDS - 10).map(
        lambda s: (hrg_time(now + timedelta(seconds=s)), True)
    )
    outside = st.integers(WINDOW_SECONDS + 10, 3650 * 86_400).flatmap(
        lambda s: st.sampled_from(
            ((hrg_time(now + timedelta(seconds=s)), False), (hrg_time(now - timedelta(seconds=s)), False))
        )
    )
    stamped: tuple[str, bool] = data.draw(st.one_of(inside, outside))
    return stamped


async def _fuzz_one(fuzz: HRGFuzz, action: str, data: st.DataObject) -> None:
    base = await _base(fuzz, action)
    before = await fuzz.purse.total()
    kind = data.draw(st.sampled_from(KINDS), label="kind")
    if kind == "raw":
        code = (await _send(fuzz, action, data.draw(raw_bodies(), label="body")))["code"]
        assert code != "0000"
    elif kind == "mutated":
        spoilt, how = mutate(data.draw, base)
        data.draw(st.just(how), label="mutation")
        code = (await _send(fuzz, action, spoilt, ascii_only=data.draw(st.booleans(), label="ascii")))["code"]
    elif kind == "bad_secret":
        code = (await _send(fuzz, action, base, _bad_secret(data)))["code"]
        assert code == "1038"
    elif kind == "timestamp":
        ts, inside = _ts(data)
        code = (await _send(fuzz, action, {**base, "ts": ts}))["code"]
        # Only place_bet is refused for its age (1001): HRG re-sends the others for hours.
        assert code == ("0000" if inside or action != "place_bet" else "1001"), (ts, code)
    else:
        first = await _send(fuzz, action, base)
        after_first = await fuzz.purse.total()
        second = await _send(fuzz, action, base)
        code = second["code"]
        if action == "get_balance":  # balanceTs is "now" for a balance
            first.pop("balanceTs"), second.pop("balanceTs")
        assert first == second and code == "0000", (first, second)
        assert await fuzz.purse.total() == after_first
        before = after_first
        tried(f"hrg {action}", fuzz.store)
    if code != "0000":
        assert await fuzz.purse.total() == before, (kind, code)
    tried(f"hrg {action}", fuzz.store)


async def _fuzz(fuzz: HRGFuzz, action: str, data: st.DataObject) -> None:
    with watching_logs() as logs:
        await _fuzz_one(fuzz, action, data)
    assert logs.failures() == []


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("action", ACTIONS)
@fuzz_settings(80)
@given(data=st.data())
async def test_hrg_actions_survive_adversarial_input(hrg_fuzz: HRGFuzz, action: str, data: st.DataObject) -> None:
    await _fuzz(hrg_fuzz, action, data)


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
@pytest.mark.parametrize("action", ACTIONS)
@fuzz_settings(12)
@given(data=st.data())
async def test_hrg_actions_survive_adversarial_input_on_postgres(
    hrg_fuzz: HRGFuzz, action: str, data: st.DataObject
) -> None:
    await _fuzz(hrg_fuzz, action, data)
