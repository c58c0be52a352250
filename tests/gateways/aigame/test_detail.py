"""GET /api/game/transaction/detail (seed 002), answered from the wallet's own records, on each store."""

from decimal import Decimal
from typing import Any

from tests.gateways.aigame.conftest import AIGame, new_id, running_aigame
from tests.gateways.aigame.vendor import OTHER_AGENT_ID, OTHER_SECRET, Vendor, now_ms
from tests.support.core import CoreHandle

ROUND = {"game_id": "101", "inst_id": "u5pikb", "shoe_id": 10628, "round_id": 36}


async def settled_bet(aigame: AIGame) -> tuple[str, str, dict[str, Any], dict[str, Any]]:
    aigame.vendor.game = ROUND
    user = await aigame.player("100.00", "BRL")
    bet = new_id()
    bet_body = aigame.vendor.bet(user, bet, "10", currency="BRL", bet_detail={"Banker": 10})
    payout_body = aigame.vendor.payout(
        user,
        bet,
        "19.50",
        currency="BRL",
        win_detail={"Banker": "19.50"},
        no_comm=False,
        game_result=["Banker", "Small", "BDragonBonus", "BankerNatural"],
        open_cards={"banker": "Diamonds9,Diamonds10", "player": "HeartsK,Clubs7"},
    )
    assert await aigame.code("bet", bet_body) == 200
    assert await aigame.code("payout", payout_body) == 200
    return user, bet, bet_body, payout_body


async def test_a_settled_bet_is_answered_in_the_seed_002_shape(aigame: AIGame) -> None:
    user, bet, bet_body, payout_body = await settled_bet(aigame)
    answer = await aigame.detail(aigame.vendor.detail(bet))
    assert (answer["code"], answer["message"]) == (200, "success")
    data = answer["data"]
    created, updated = data.pop("create_time"), data.pop("update_time")
    assert isinstance(created, int) and isinstance(updated, int) and created <= updated
    assert data == {
        "id": bet,
        "user_id": user,
        "game_id": "101",
        "inst_id": "u5pikb",
        "shoe_id": 10628,
        "round_id": 36,
        "bet_time": bet_body["bet_time"],
        "settle_time": payout_body["pay_out_time"],
        "bet_amount": "10.00",
        "real_bet_amount": "10.00",
        "valid_bet_turnover": "10.00",
        "win_amount": "19.50",
        "real_win_amount": "9.50",
        "currency": "BRL",
        "bet_detail": {"Banker": 10},
        "win_detail": {"Banker": "19.50"},
        "no_comm": False,
        "game_result": ["Banker", "Small", "BDragonBonus", "BankerNatural"],
        "open_cards": {"banker": "Diamonds9,Diamonds10", "player": "HeartsK,Clubs7"},
        "status": 1,
    }


async def status_of(aigame: AIGame, bet: str) -> int:
    answer = await aigame.detail(aigame.vendor.detail(bet))
    assert answer["code"] == 200, answer
    status: int = answer["data"]["status"]
    return status


async def test_each_state_of_a_bet_has_its_status(core: CoreHandle) -> None:
    # One gateway per query: the detail endpoint allows one call per 5 s per agent.
    async def status(bet: str) -> int:
        async with running_aigame(core) as fresh:
            return await status_of(fresh, bet)

    async with running_aigame(core) as aigame:
        vendor = aigame.vendor
        user = await aigame.player("20.00")
        placed, cancelled, voided, refused = new_id(), new_id(), new_id(), new_id()
        for bet in (placed, cancelled, voided):
            assert await aigame.code("bet", vendor.bet(user, bet, "5")) == 200
        assert await aigame.code("refund", vendor.refund(user, cancelled, "5")) == 200
        assert await aigame.code("payout", vendor.payout(user, voided, "9")) == 200
        assert await aigame.code("refund", vendor.refund(user, voided, "5", status=1, win_amount="9")) == 200
        assert await aigame.code("bet", vendor.bet(user, refused, "500")) == 800104
    assert [await status(bet) for bet in (placed, cancelled, voided, refused)] == [0, 2, 4, 3]


async def test_an_unknown_id_or_a_tombstone_is_700237(core: CoreHandle) -> None:
    async with running_aigame(core) as aigame:
        assert (await aigame.detail(aigame.vendor.detail(new_id())))["code"] == 700237
    async with running_aigame(core) as aigame:
        user = await aigame.player()
        tombstone = new_id()
        assert await aigame.code("refund", aigame.vendor.refund(user, tombstone, "1")) == 200
        assert (await aigame.detail(aigame.vendor.detail(tombstone)))["code"] == 700237


async def test_one_call_per_5_seconds_per_agent(aigame: AIGame) -> None:
    _, bet, _, _ = await settled_bet(aigame)
    assert (await aigame.detail(aigame.vendor.detail(bet)))["code"] == 200
    assert (await aigame.detail(aigame.vendor.detail(bet)))["code"] == 408004
    other = Vendor(OTHER_AGENT_ID, OTHER_SECRET)
    assert (await aigame.detail(other.detail(bet)))["code"] == 200


async def test_refused_calls_do_not_spend_the_agents_allowance(aigame: AIGame) -> None:
    _, bet, _, _ = await settled_bet(aigame)
    forged = {**aigame.vendor.detail(bet), "sign": "0" * 32}
    assert (await aigame.detail(forged))["code"] == 600100
    assert (await aigame.detail(aigame.vendor.detail(bet, timestamp=now_ms() - 3_600_000)))["code"] == 408000
    assert (await aigame.detail(aigame.vendor.detail(bet)))["code"] == 200


async def test_the_allowlist_guards_the_detail_query(core: CoreHandle) -> None:
    async with running_aigame(core, client_ip="192.0.2.9") as outsider:
        assert (await outsider.detail(outsider.vendor.detail(new_id())))["code"] == 408003


async def test_bad_queries_are_answered_in_the_dialect(aigame: AIGame) -> None:
    vendor = aigame.vendor
    assert (await aigame.detail(Vendor("agent404", "whatever").detail(new_id())))["code"] == 700101
    missing = {k: v for k, v in vendor.detail("x").items() if k != "txn_id"}
    assert (await aigame.detail(missing))["code"] == 600100  # the signature covers the parameters sent
    unsigned_missing = vendor.signed({})
    assert (await aigame.detail({k: str(v) for k, v in unsigned_missing.items()}))["code"] == 408000
    response = await aigame.client.get(
        "/api/game/transaction/detail", params=[*vendor.detail("x").items(), ("txn_id", "y")]
    )
    assert response.json()["code"] == 408000


async def test_a_bet_paid_without_table_shoe_round_or_time_is_answered_with_them_empty(aigame: AIGame) -> None:
    user = await aigame.player("100.00")
    bet = new_id()
    bet_body = aigame.vendor.signed({"user_id": user, "bet_txn_id": bet, "bet_amount": "10", "currency": "USD"})
    assert await aigame.code("bet", bet_body) == 200
    assert await aigame.code("payout", aigame.vendor.bare_payout(user, bet, "19.50")) == 200
    answer = await aigame.detail(aigame.vendor.detail(bet))
    assert answer["code"] == 200
    data = answer["data"]
    assert {name: data[name] for name in ("game_id", "inst_id", "shoe_id", "round_id", "status", "win_amount")} == {
        "game_id": "",
        "inst_id": "",
        "shoe_id": 0,
        "round_id": 0,
        "status": 1,
        "win_amount": "19.50",
    }
    # Without AIGame's times, the wallet's own: when the bet and the payout were received.
    assert 0 < data["bet_time"] <= data["settle_time"] <= now_ms()
    assert (data["bet_detail"], data["win_detail"], data["game_result"], data["open_cards"]) == ({}, {}, [], {})


BEYOND_64_BITS = 2**64  # 18446744073709551616: a JSON integer no int64 or double holds exactly


async def test_a_shoe_beyond_64_bits_is_answered_exactly_as_the_bet_sent_it(aigame: AIGame) -> None:
    aigame.vendor.game = {**ROUND, "shoe_id": BEYOND_64_BITS}
    user = await aigame.player("100.00")
    bet = new_id()
    assert await aigame.code("bet", aigame.vendor.bet(user, bet, "10")) == 200
    assert (await aigame.detail(aigame.vendor.detail(bet)))["data"]["shoe_id"] == BEYOND_64_BITS


async def test_a_shoe_beyond_64_bits_sent_by_the_payout_is_answered_exactly(aigame: AIGame) -> None:
    user = await aigame.player("100.00")
    bet = new_id()
    aigame.vendor.game = {**ROUND, "shoe_id": 7}
    assert await aigame.code("bet", aigame.vendor.bet(user, bet, "10")) == 200
    aigame.vendor.game = {**ROUND, "shoe_id": BEYOND_64_BITS + 1}
    assert await aigame.code("payout", aigame.vendor.payout(user, bet, "19.50")) == 200
    assert await aigame.balance_of(user) == Decimal("109.50")
    assert (await aigame.detail(aigame.vendor.detail(bet)))["data"]["shoe_id"] == BEYOND_64_BITS + 1
