"""The AIGame requests: their fields, names and types (aigame.md, seed 000, seed 002, the vendor's pages).

Strict on money, liberal on description. A payout or a refund is applied with only the fields its
money depends on, and those stay strict (a missing or mistyped one is 408000, a bad amount too):

- who: `agent_id` (checked with the signature) and `user_id`;
- which transaction: `bet_txn_id` (a payout's and a refund's id is their bet's);
- how much, in what: `win_amount` (payout) or `bet_amount` and `status` (refund: status 1 also takes
  the payout back, so it decides money), and `currency`;
- authenticity: `sign` and the signed `timestamp` (ten minutes, integer or digit string).

Every other field is description: `game_id`, `inst_id`, `shoe_id`, `round_id`, `pay_out_time`,
`bet_time`, `refund_time`, a refund's `win_amount` (what is taken back is what the wallet paid),
`bet_detail`, results, cards and anything AIGame adds. Each is optional, read liberally
(gateways/aigame/descriptive.py: ids as strings or integers, times in any readable shape) and,
when it cannot be read, kept as sent and never a reason to refuse. One published version of the
payout page lists no `inst_id`, `shoe_id` or `round_id` at all.

A bet is stricter, on purpose: refusing a bet moves nothing and AIGame cancels it, so a present
descriptive field of the wrong type (`shoe_id` not an integer, `bet_detail` not an object,
`bet_time` not an integer) is 408000 there. Its shape is provisional: its field names come from the
Provisional table.

Each request also names the fields its core request carries in typed fields (the player, the ids,
the amount, the time): `details` keeps only the others, so that a transaction's row does not store
them twice (the raw request keeps every field as sent). A descriptive field that could not be read
into its typed field stays in `details` as sent. `currency` stays in `details`: several of
AIGame's codes may map to one wallet currency, and the bet record answers the one AIGame used.
"""

import functools
from dataclasses import dataclass

from gateways.aigame.descriptive import descriptive_id, event_ms
from gateways.aigame.provisional import Provisional
from gateways.kit.fields import Fields
from gateways.kit.jsonbody import JsonObject, JsonValue
from gateways.kit.money import parse_amount
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
    pay_out_time: int | None
    game_id: str
    inst_id: str
    round_id: str
    typed: frozenset[str]
    """The fields the core request holds in typed fields: left out of `details`."""


@dataclass(frozen=True)
class RefundRequest:
    user_id: str
    currency: str
    bet_txn_id: str
    bet_amount: str
    settled: bool
    """status 1: the bet was already paid, and the payout goes back with the stake."""
    win_amount: str | None
    """As sent when a plain decimal string, else None (the one sent stays in `details`)."""
    refund_time: int | None
    game_id: str
    typed: frozenset[str]


@dataclass(frozen=True)
class DetailRequest:
    txn_id: str


def balance_request(params: JsonObject) -> BalanceRequest:
    fields = Fields(params)
    return BalanceRequest(user_id=fields.text("user_id"), currency=fields.text("currency"))


@functools.cache  # one set per deployment's Provisional table, not one per bet
def bet_typed_fields(provisional: Provisional) -> frozenset[str]:
    return frozenset(
        {
            "user_id",
            provisional.bet_txn_id_field,
            provisional.bet_amount_field,
            provisional.bet_time_field,
            "game_id",
            "inst_id",
            "round_id",
        }
    )


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


PAYOUT_TYPED_FIELDS = frozenset(
    {
        "user_id",
        "bet_txn_id",
        "win_amount",
        "pay_out_time",
        "game_id",
        "inst_id",
        "round_id",
    }
)


def _typed(every: frozenset[str], **read: object | None) -> frozenset[str]:
    """`every` typed field but the descriptive ones `read` as None (absent or unreadable): an unreadable
    one stays in `details` as sent."""
    unread = {name for name, value in read.items() if value is None}
    return every - unread if unread else every


def payout_request(params: JsonObject) -> PayoutRequest:
    fields = Fields(params)
    pay_out_time = event_ms(params.get("pay_out_time"))
    game_id = descriptive_id(params.get("game_id"))
    inst_id = descriptive_id(params.get("inst_id"))
    round_id = descriptive_id(params.get("round_id"))
    return PayoutRequest(
        user_id=fields.text("user_id"),
        currency=fields.text("currency"),
        bet_txn_id=fields.text("bet_txn_id"),
        win_amount=fields.amount("win_amount"),
        pay_out_time=pay_out_time,
        game_id=game_id or "",
        inst_id=inst_id or "",
        round_id=round_id or "",
        typed=_typed(
            PAYOUT_TYPED_FIELDS, pay_out_time=pay_out_time, game_id=game_id, inst_id=inst_id, round_id=round_id
        ),
    )


# `status` has no field of its own in the transaction the core answers: it stays in `details`.
REFUND_TYPED_FIELDS = frozenset({"user_id", "bet_txn_id", "bet_amount", "refund_time", "game_id"})


def _readable_amount(value: JsonValue) -> str | None:
    if not isinstance(value, str):
        return None
    try:
        parse_amount(value)
    except Refusal:
        return None
    return value


def refund_request(params: JsonObject) -> RefundRequest:
    fields = Fields(params)
    status = fields.integer("status")
    if status not in (0, 1):
        raise Refusal(GatewayReason.MALFORMED_REQUEST, f"field 'status' must be 0 or 1, not {status}")
    refund_time = event_ms(params.get("refund_time"))
    game_id = descriptive_id(params.get("game_id"))
    return RefundRequest(
        user_id=fields.text("user_id"),
        currency=fields.text("currency"),
        bet_txn_id=fields.text("bet_txn_id"),
        bet_amount=fields.amount("bet_amount"),
        settled=status == 1,
        win_amount=_readable_amount(params.get("win_amount")),
        refund_time=refund_time,
        game_id=game_id or "",
        typed=_typed(REFUND_TYPED_FIELDS, refund_time=refund_time, game_id=game_id),
    )


def detail_request(params: JsonObject) -> DetailRequest:
    return DetailRequest(txn_id=Fields(params).text("txn_id"))
