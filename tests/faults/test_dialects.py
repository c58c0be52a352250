"""The simulator speaks each dialect correctly (its requests pass the gateways' own signature checks)
and reads the answers as the vendors do, including SUD's 9001 for a re-sent order."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal

import httpx

from faults.aigame import Aigame
from faults.answers import Answer, Verdict
from faults.config import AIGAME_AGENT, AIGAME_SECRET, DEADLINE_SECONDS, SUD_APP_ID, SUD_SECRET
from faults.hrg import Hrg
from faults.oplog import Operation, Outcome, Round
from faults.probes import SLACK_SECONDS, Probe
from faults.sud import Sud
from faults.tally import Tally
from gateways.aigame.provisional import NestedSigning
from gateways.aigame.signature import signature_matches as aigame_signed
from gateways.kit.jsonbody import parse_json_object
from gateways.sud.signature import signature_matches as sud_signed
from wallet_core.domain import Kind

Answerer = Callable[[httpx.Request], httpx.Response]


def client(answer: Answerer, seen: list[httpx.Request]) -> httpx.AsyncClient:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return answer(request)

    return httpx.AsyncClient(transport=httpx.MockTransport(handler))


def replying(body: object) -> Answerer:
    return lambda request: httpx.Response(200, json=body)


def bet_round(provider: str, outcome: Outcome = Outcome.PENDING) -> tuple[Round, Operation]:
    r = Round(provider, "fa-1", "test")
    op = r.add(Kind.DEBIT, "x1", Decimal("12.50"))
    op.outcome, op.attempts = outcome, 1
    return r, op


async def test_aigame_bets_are_signed_with_the_agents_secret() -> None:
    seen: list[httpx.Request] = []
    async with client(replying({"code": 200, "message": "success", "data": {}}), seen) as http:
        r, op = bet_round("aigame")
        answer = await Aigame(http, "http://gw").bet(r, op)
    assert answer.verdict is Verdict.OK
    params = parse_json_object(seen[0].content)
    assert params["agent_id"] == AIGAME_AGENT and params["bet_amount"] == "12.50"
    assert aigame_signed(params, AIGAME_SECRET, NestedSigning.SORTED_COMPACT_JSON)


async def test_aigame_800100_is_retried_and_expected_but_a_lost_bet_on_payout_is_not() -> None:
    seen: list[httpx.Request] = []
    async with client(replying({"code": 800100}), seen) as http:
        r, op = bet_round("aigame")
        answer = await Aigame(http, "http://gw").settle(r, op)
    assert (answer.verdict, answer.expected) == (Verdict.RETRY, True)
    async with client(replying({"code": 800107}), seen) as http:
        answer = await Aigame(http, "http://gw").settle(r, op)
    assert (answer.verdict, answer.code, answer.expected) == (Verdict.RETRY, "800107", False)


async def test_hrg_8001_is_a_decided_refusal_and_a_dead_gateway_is_retried() -> None:
    seen: list[httpx.Request] = []
    async with client(replying({"code": "8001"}), seen) as http:
        r, op = bet_round("hrg")
        assert (await Hrg(http, "http://gw").bet(r, op)).verdict is Verdict.REFUSED
    assert json.loads(seen[0].content)["txId"] == "x1"

    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    async with client(down, seen) as http:
        answer = await Hrg(http, "http://gw").cancel(r, op)
    assert (answer.verdict, answer.code, answer.transport) == (Verdict.RETRY, "refused", True)


async def test_sud_9001_acknowledges_a_re_sent_order_only() -> None:
    seen: list[httpx.Request] = []
    async with client(replying({"ret_code": 9001, "ret_msg": "duplicate order id"}), seen) as http:
        sud = Sud(http, "http://gw")
        r, first = bet_round("sud")
        assert (await sud.update_score(r, first)).verdict is Verdict.REFUSED  # 9001 on a first send: a conflict
        first.attempts = 2
        assert (await sud.update_score(r, first)).verdict is Verdict.OK
    request = seen[0]
    assert request.headers["Sud-AppId"] == SUD_APP_ID
    assert sud_signed(
        SUD_SECRET,
        SUD_APP_ID.encode(),
        request.headers["Sud-Timestamp"].encode(),
        request.headers["Sud-Nonce"].encode(),
        request.content,
        request.headers["Sud-Signature"],
    )
    assert json.loads(request.content)["type"] == 1 and json.loads(request.content)["score"] == 12


def probe(gateway: str, code: str, seconds: float = 0.1) -> Probe:
    return Probe(gateway, "", code, seconds, DEADLINE_SECONDS + SLACK_SECONDS)


def test_the_unreachable_core_probe_wants_the_dialects_retryable_failure_in_time() -> None:
    assert probe("aigame", "800100").ok
    assert not probe("aigame", "800103").ok
    assert not probe("aigame", "800100", seconds=DEADLINE_SECONDS + 1).ok
    assert probe("hrg", "9999").ok
    assert not probe("hrg", "8001").ok  # "definitely failed": wrong when nothing was decided
    assert not probe("hrg", "refused").ok  # the gateway itself must answer
    assert probe("sud", "1500").ok
    assert not probe("sud", "0").ok and not probe("sud", "9000").ok and not probe("sud", "cut").ok


def test_an_answer_that_is_not_ok_counts_as_a_failure() -> None:
    tally = Tally()
    tally.count("sud", Answer(Verdict.OK, "0", 0.01))
    tally.count("sud", Answer(Verdict.RETRY, "1500", 0.02))
    tally.count("aigame", Answer(Verdict.RETRY, "cut", 0.03))
    tally.count("aigame", Answer(Verdict.RETRY, "800109", 0.04, expected=False))
    assert (tally.requests, tally.failures, tally.cut("aigame"), tally.cut("sud")) == (4, 3, 1, 0)
    assert tally.unexpected == {"aigame 800109": 1}
    assert tally.slowest == 0.04


async def test_a_gateway_answering_http_500_is_unexpected() -> None:
    seen: list[httpx.Request] = []
    async with client(lambda request: httpx.Response(500, text="Internal Server Error"), seen) as http:
        r, op = bet_round("hrg")
        answer = await Hrg(http, "http://gw").settle(r, op)
    assert (answer.verdict, answer.code, answer.expected) == (Verdict.RETRY, "http 500", False)
