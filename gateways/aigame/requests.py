"""The AIGame requests: their fields, names and types (aigame.md, seed 000, seed 002).

Fields that move money or name it (user, order id, amount, currency) are required. Descriptive
fields of a cancel are optional, so that a cancel is never refused for a missing description.
The bet shape is provisional: its field names come from the Provisional table.

Each request also names the fields its core request carries in typed fields (the player, the ids,
the amount, the time): `details` keeps only the others, so that a transaction's row does not store
them twice (the raw request keeps every field as sent). `currency` stays in `details`: several of
AIGame's codes may map to one wallet currency, and the bet record answers the one AIGame used.
"""

import functools
from dataclasses import dataclass

from gateways.aigame.provisional import Provisional
from gateways.kit.fields import Fields
from gateways.kit.jsonbody import JsonObject
from gateways.kit.refusals import GatewayReason, Refusal


@dataclass(frozen=True)
class BalanceRequest:
    user_id: str
    currency: str


@dataclass(frozen=True)
class BetRequest:
    user_id: str
    currency: str
    bet_txn_id: str
    bet_amount: str
    bet_time: int | None
    game_id: str
    inst_id: str
    round_id: str


@dataclass(frozen=True)
class PayoutRequest:
    user_id: str
    currency: str
    bet_txn_id: str
    win_amount: str
    pay_out_time: int
    game_id: str
    inst_id: str
    shoe_id: int
    round_id: str


@dataclass(frozen=True)
class RefundRequest:
    user_id: str
    currency: str
    bet_txn_id: str
    bet_amount: str
    settled: bool
    """status 1: the bet was already paid, and the payout goes back with the stake."""
    win_amount: str | None
    refund_time: int | None
    game_id: str


@dataclass(frozen=True)
class DetailRequest:
    txn_id: str


def balance_request(params: JsonObject) -> BalanceRequest:
    fields = Fields(params)
    return BalanceRequest(user_id=fields.text("user_id"), currency=fields.text("currency"))


@functools.cache  # one set per deployment's Provisional table, not one per bet
def bet_typed_fields(provisional: Provisional) -> frozenset[str]:
    return frozenset({
        "user_id", provisional.bet_txn_id_field, provisional.bet_amount_field, provisional.bet_time_field,
        "game_id", "inst_id", "round_id",
    })


def bet_request(params: JsonObject, provisional: Provisional) -> BetRequest:
    fields = Fields(params)
    fields.optional_object(provisional.bet_detail_field)
    fields.optional_integer("shoe_id")
    return BetRequest(
        user_id=fields.text("user_id"),
        currency=fields.text("currency"),
        bet_txn_id=fields.text(provisional.bet_txn_id_field),
        bet_amount=fields.amount(provisional.bet_amount_field),
        bet_time=fields.optional_integer(provisional.bet_time_field),
        game_id=fields.optional_identifier("game_id") or "",
        inst_id=fields.optional_identifier("inst_id") or "",
        round_id=fields.optional_identifier("round_id") or "",
    )


PAYOUT_TYPED_FIELDS = frozenset({
    "user_id", "bet_txn_id", "win_amount", "pay_out_time", "game_id", "inst_id", "round_id",
})


def payout_request(params: JsonObject) -> PayoutRequest:
    fields = Fields(params)
    return PayoutRequest(
        user_id=fields.text("user_id"),
        currency=fields.text("currency"),
        bet_txn_id=fields.text("bet_txn_id"),
        win_amount=fields.amount("win_amount"),
        pay_out_time=fields.integer("pay_out_time"),
        game_id=fields.identifier("game_id"),
        inst_id=fields.identifier("inst_id"),
        shoe_id=fields.integer("shoe_id"),
        round_id=fields.identifier("round_id"),
    )


# `status` has no field of its own in the transaction the core answers: it stays in `details`.
REFUND_TYPED_FIELDS = frozenset({"user_id", "bet_txn_id", "bet_amount", "refund_time", "game_id"})


def refund_request(params: JsonObject) -> RefundRequest:
    fields = Fields(params)
    status = fields.integer("status")
    if status not in (0, 1):
        raise Refusal(GatewayReason.MALFORMED_REQUEST, f"field 'status' must be 0 or 1, not {status}")
    fields.optional_integer("bet_time")
    return RefundRequest(
        user_id=fields.text("user_id"),
        currency=fields.text("currency"),
        bet_txn_id=fields.text("bet_txn_id"),
        bet_amount=fields.amount("bet_amount"),
        settled=status == 1,
        win_amount=fields.optional_amount("win_amount"),
        refund_time=fields.optional_integer("refund_time"),
        game_id=fields.optional_identifier("game_id") or "",
    )


def detail_request(params: JsonObject) -> DetailRequest:
    return DetailRequest(txn_id=Fields(params).text("txn_id"))
