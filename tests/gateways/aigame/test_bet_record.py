"""The seed-002 record, built from transactions as the core answers them."""

import grpc
import pytest
from google.protobuf.timestamp_pb2 import Timestamp

from gateways.aigame.bet_record import bet_record
from gateways.kit.core_errors import CoreError
from gateways.kit.currencies import CurrencyMap
from gateways.kit.details import to_struct
from gateways.kit.jsonbody import JsonObject, JsonValue
from gateways.kit.players import PlayerIds
from wallet.v1 import wallet_pb2 as pb

CURRENCIES = CurrencyMap({"BRL": "BRL", "VND": "VND2", "VND2": "VND2"})
PLAYERS = PlayerIds("aig-")
BET_TIME, SETTLE_TIME = 1744358903180, 1744358963342


def at(ms: int) -> Timestamp:
    stamp = Timestamp()
    stamp.FromMilliseconds(ms)
    return stamp


def transaction(
    wallet_id: int,
    kind: pb.TransactionKind.ValueType,
    amount: str,
    created_ms: int,
    told: JsonObject,
    status: pb.TransactionStatus.ValueType = pb.TRANSACTION_STATUS_COMPLETED,
) -> pb.Transaction:
    return pb.Transaction(
        wallet_transaction_id=wallet_id,
        provider="aigame",
        transaction_id="67f8cdf7ab12bf8b5b606115",
        kind=kind,
        status=status,
        player_id="aig-jackey01",
        currency="BRL",
        amount=amount,
        round_id="36",
        game_id="101",
        table_id="u5pikb",
        details=to_struct(told),
        event_time=at(created_ms),
        created_at=at(created_ms),
    )


BET_TOLD: JsonObject = {"currency": "BRL", "shoe_id": 10628, "bet_time": BET_TIME, "bet_detail": {"Banker": 10}}
PAYOUT_TOLD: JsonObject = {
    "currency": "BRL",
    "shoe_id": 10628,
    "pay_out_time": SETTLE_TIME,
    "win_detail": {"Banker": "19.50"},
    "game_result": ["Banker", "Small", "BDragonBonus", "BankerNatural"],
    "open_cards": {"banker": "Diamonds9,Diamonds10", "player": "HeartsK,Clubs7"},
}


def answer(
    state: pb.BetState.ValueType,
    *later: pb.Transaction,
    bet_status: pb.TransactionStatus.ValueType = pb.TRANSACTION_STATUS_COMPLETED,
) -> pb.GetTransactionResponse:
    bet = transaction(1, pb.TRANSACTION_KIND_DEBIT, "10.00", BET_TIME, BET_TOLD, bet_status)
    paid = sum(float(t.amount) for t in later if t.kind == pb.TRANSACTION_KIND_CREDIT)
    bet.bet.CopyFrom(pb.Bet(transaction_id=bet.transaction_id, state=state, stake="10.00", payout=f"{paid:.2f}"))
    return pb.GetTransactionResponse(transaction=bet, related=[bet, *later])


def record(response: pb.GetTransactionResponse) -> dict[str, object]:
    return bet_record(response, currencies=CURRENCIES, players=PLAYERS, bet_detail_field="bet_detail")


def test_a_settled_bet_is_answered_like_seed_002() -> None:
    payout = transaction(2, pb.TRANSACTION_KIND_CREDIT, "19.50", SETTLE_TIME + 5, PAYOUT_TOLD)
    assert record(answer(pb.BET_STATE_SETTLED, payout)) == {
        "id": "67f8cdf7ab12bf8b5b606115",
        "user_id": "jackey01",
        "game_id": "101",
        "inst_id": "u5pikb",
        "shoe_id": 10628,
        "round_id": 36,
        "bet_time": BET_TIME,
        "settle_time": SETTLE_TIME,
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
        "create_time": BET_TIME,
        "update_time": SETTLE_TIME + 5,
        "status": 1,
    }


def test_times_come_from_the_event_times_when_the_details_do_not_hold_them() -> None:
    """What the gateway stores now: the bet's and the payout's times only in their `event_time`."""
    untimed_bet = {key: value for key, value in BET_TOLD.items() if key != "bet_time"}
    untimed_payout = {key: value for key, value in PAYOUT_TOLD.items() if key != "pay_out_time"}
    bet = transaction(1, pb.TRANSACTION_KIND_DEBIT, "10.00", BET_TIME, untimed_bet)
    bet.created_at.FromMilliseconds(BET_TIME + 7)
    bet.bet.CopyFrom(
        pb.Bet(
            transaction_id=bet.transaction_id,
            state=pb.BET_STATE_SETTLED,
            stake="10.00",
            payout="19.50",
            settled_at=at(SETTLE_TIME + 9),
        )
    )
    payout = transaction(2, pb.TRANSACTION_KIND_CREDIT, "19.50", SETTLE_TIME, untimed_payout)
    payout.created_at.FromMilliseconds(SETTLE_TIME + 9)
    shown = record(pb.GetTransactionResponse(transaction=bet, related=[bet, payout]))
    assert (shown["bet_time"], shown["settle_time"]) == (BET_TIME, SETTLE_TIME)


def test_a_lost_bet_has_a_negative_real_win() -> None:
    payout = transaction(2, pb.TRANSACTION_KIND_CREDIT, "0.00", SETTLE_TIME, PAYOUT_TOLD)
    shown = record(answer(pb.BET_STATE_SETTLED, payout))
    assert (shown["win_amount"], shown["real_win_amount"], shown["status"]) == ("0.00", "-10.00", 1)


def test_a_placed_bet_has_no_win_yet() -> None:
    shown = record(answer(pb.BET_STATE_PLACED))
    assert (shown["status"], shown["settle_time"]) == (0, 0)
    assert (shown["win_amount"], shown["real_win_amount"]) == ("0.00", "0.00")
    assert (shown["real_bet_amount"], shown["valid_bet_turnover"]) == ("10.00", "0.00")
    assert (shown["win_detail"], shown["game_result"], shown["open_cards"]) == ({}, [], {})
    assert shown["update_time"] == BET_TIME


def test_a_bet_cancelled_before_settlement_is_status_2() -> None:
    cancel = transaction(2, pb.TRANSACTION_KIND_ROLLBACK, "10.00", SETTLE_TIME, {"status": 0})
    shown = record(answer(pb.BET_STATE_CANCELLED, cancel))
    assert (shown["status"], shown["real_bet_amount"], shown["win_amount"], shown["real_win_amount"]) == (
        2,
        "0.00",
        "0.00",
        "0.00",
    )


def test_a_bet_cancelled_after_its_payout_is_status_4() -> None:
    payout = transaction(2, pb.TRANSACTION_KIND_CREDIT, "19.50", SETTLE_TIME, PAYOUT_TOLD)
    cancel = transaction(3, pb.TRANSACTION_KIND_ROLLBACK, "10.00", SETTLE_TIME + 60_000, {"status": 1})
    shown = record(answer(pb.BET_STATE_CANCELLED, payout, cancel))
    assert (shown["status"], shown["win_amount"], shown["real_win_amount"]) == (4, "19.50", "9.50")
    assert shown["update_time"] == SETTLE_TIME + 60_000


def test_a_refused_bet_is_invalid_and_refused_payouts_do_not_count() -> None:
    refused_payout = transaction(2, pb.TRANSACTION_KIND_CREDIT, "19.50", SETTLE_TIME, {}, pb.TRANSACTION_STATUS_FAILED)
    shown = record(answer(pb.BET_STATE_PLACED, refused_payout, bet_status=pb.TRANSACTION_STATUS_FAILED))
    assert (shown["status"], shown["win_amount"], shown["bet_amount"]) == (3, "0.00", "10.00")


def test_the_currency_is_the_one_aigame_used() -> None:
    response = answer(pb.BET_STATE_PLACED)
    response.transaction.details.update({"currency": "VND"})
    assert record(response)["currency"] == "VND"
    del response.transaction.details.fields["currency"]
    assert record(response)["currency"] == "BRL"


def test_a_tombstone_is_no_bet_record() -> None:
    tombstone = transaction(1, pb.TRANSACTION_KIND_ROLLBACK, "0.00", BET_TIME, {}, pb.TRANSACTION_STATUS_TOMBSTONE)
    with pytest.raises(CoreError) as raised:
        record(pb.GetTransactionResponse(transaction=tombstone, related=[tombstone]))
    assert (raised.value.code, raised.value.reason) == (grpc.StatusCode.NOT_FOUND, "TRANSACTION_NOT_FOUND")


def bare(transaction: pb.Transaction) -> pb.Transaction:
    """`transaction` as stored for a message without table, round or game (a payout page's version)."""
    transaction.round_id, transaction.game_id, transaction.table_id = "", "", ""
    return transaction


def test_fields_aigame_never_sent_are_answered_empty_in_the_record_shape() -> None:
    response = answer(pb.BET_STATE_SETTLED, bare(transaction(2, pb.TRANSACTION_KIND_CREDIT, "19.50", SETTLE_TIME, {})))
    bare(response.transaction)
    response.transaction.details.Clear()
    response.transaction.event_time.Clear()
    shown = record(response)
    assert (shown["game_id"], shown["inst_id"], shown["shoe_id"], shown["round_id"]) == ("", "", 0, 0)
    assert (shown["bet_detail"], shown["win_detail"], shown["game_result"], shown["open_cards"]) == ({}, {}, [], {})
    assert (shown["bet_time"], shown["settle_time"]) == (BET_TIME, SETTLE_TIME)  # the ledger's own times
    assert (shown["currency"], shown["win_amount"], shown["status"]) == ("BRL", "19.50", 1)


def test_ids_a_later_message_sent_fill_those_the_bet_did_not_send() -> None:
    response = answer(pb.BET_STATE_SETTLED, transaction(2, pb.TRANSACTION_KIND_CREDIT, "19.50", SETTLE_TIME, {}))
    bare(response.transaction)
    shown = record(response)
    assert (shown["game_id"], shown["inst_id"], shown["round_id"]) == ("101", "u5pikb", 36)


@pytest.mark.parametrize(
    ("sent", "answered"),
    [
        ("10628", 10628),
        (10628, 10628),
        ("A-7", "A-7"),
        ({"n": 1}, 0),
        ("18446744073709551616", 18446744073709551616),
        ("9" * 129, "9" * 129),  # more digits than any id: as sent (int() refuses past 4,300 of them)
        ("9" * 5000, "9" * 5000),
    ],
)
def test_a_shoe_is_answered_as_an_integer_when_it_is_one_and_as_sent_otherwise(
    sent: JsonValue, answered: int | str
) -> None:
    payout = transaction(2, pb.TRANSACTION_KIND_CREDIT, "19.50", SETTLE_TIME, {**PAYOUT_TOLD, "shoe_id": sent})
    assert record(answer(pb.BET_STATE_SETTLED, payout))["shoe_id"] == answered


def test_times_told_as_strings_are_answered_as_integers() -> None:
    payout = transaction(
        2, pb.TRANSACTION_KIND_CREDIT, "19.50", SETTLE_TIME + 5, {**PAYOUT_TOLD, "pay_out_time": str(SETTLE_TIME)}
    )
    assert record(answer(pb.BET_STATE_SETTLED, payout))["settle_time"] == SETTLE_TIME
