"""The HRG requests: their fields, names and types (hrg.md, seed 001).

Every field that moves or names money (user, txId, amounts) and every time is required and
checked: times exactly (gateways/hrg/times.py), amounts with at most 4 decimals
(gateways/hrg/amounts.py). A bad place_bet is safe to refuse (HRG then cancels it), and a bad
settle is re-sent by HRG, so both are strict, down to the round's facts that seed 001 lists as
required. A cancel needs only who, which bet and when: a cancel is never refused for a missing or
odd description (whatever else it carries is kept with the transaction as sent).

Each request also names the fields its core request holds in typed fields (the player, the ids,
the amount that moves): `details` keep the others, so that a transaction's row does not store them
twice. The times stay in `details` as sent: their UTC offset has no typed home. A cancel's round
and game are descriptive (taken only when they are plain strings), so they stay too.
"""

from dataclasses import dataclass
from datetime import datetime

from gateways.hrg.amounts import check_amount, check_signed_decimal
from gateways.hrg.times import parse_time
from gateways.kit.fields import MAX_ID_LENGTH, Fields
from gateways.kit.jsonbody import JsonObject, JsonValue
from gateways.kit.refusals import GatewayReason, Refusal


@dataclass(frozen=True)
class BalanceRequest:
    user_id: str


@dataclass(frozen=True)
class BetRequest:
    ts: datetime
    user_id: str
    tx_id: str
    bet_amount: str
    bet_time: datetime
    round_id: str
    table_id: str
    game_type: str
    game_code: str


@dataclass(frozen=True)
class CancelRequest:
    ts: datetime
    user_id: str
    tx_id: str
    round_id: str
    """"" when not sent (or not a string): descriptive only."""
    game_code: str


@dataclass(frozen=True)
class SettleRequest:
    ts: datetime
    user_id: str
    tx_id: str
    round_id: str
    game_type: str
    game_code: str
    bet_time: datetime
    round_start_time: datetime
    bet_amount: str
    valid_bet_amount: str
    win_amount: str
    """Gross: the stake included; "0.0" for a lost bet."""
    odds: str
    status: str
    result: tuple[str, ...]
    commission: str
    fee: str | None


@dataclass(frozen=True)
class EventSettle:
    """One promotion credit of an event_settle."""

    settle_id: str
    event_id: str
    user_id: str
    amount: str
    create_time: datetime
    fields: JsonObject
    """The item as sent, kept with its credit."""


@dataclass(frozen=True)
class EventSettleRequest:
    ts: datetime
    settles: tuple[EventSettle, ...]


def _malformed(problem: str) -> Refusal:
    return Refusal(GatewayReason.MALFORMED_REQUEST, problem)


def _amount(fields: Fields, name: str) -> str:
    return check_amount(fields.text(name), name)


def _time(fields: Fields, name: str, *, offset_optional: bool = False) -> datetime:
    return parse_time(fields.text(name), name, offset_optional=offset_optional)


def _strings(params: JsonObject, name: str) -> tuple[str, ...]:
    value = params.get(name)
    if not isinstance(value, list):
        raise _malformed(f"field {name!r} must be an array of strings")
    if not all(isinstance(item, str) and len(item) <= MAX_ID_LENGTH for item in value):
        raise _malformed(f"field {name!r} must hold strings of at most {MAX_ID_LENGTH} characters")
    return tuple(item for item in value if isinstance(item, str))


def _descriptive(params: JsonObject, name: str) -> str:
    value = params.get(name)
    return value if isinstance(value, str) and len(value) <= MAX_ID_LENGTH else ""


def balance_request(params: JsonObject) -> BalanceRequest:
    return BalanceRequest(user_id=Fields(params).text("userId"))


BET_TYPED_FIELDS = frozenset({"userId", "txId", "betAmount", "roundId", "tableId", "gameCode"})


def bet_request(params: JsonObject) -> BetRequest:
    fields = Fields(params)
    fields.optional_text("category")
    return BetRequest(
        ts=_time(fields, "ts"),
        user_id=fields.text("userId"),
        tx_id=fields.text("txId"),
        bet_amount=_amount(fields, "betAmount"),
        bet_time=_time(fields, "betTime"),
        round_id=fields.text("roundId"),
        table_id=fields.text("tableId"),
        game_type=fields.text("gameType"),
        game_code=fields.text("gameCode"),
    )


CANCEL_TYPED_FIELDS = frozenset({"userId", "txId"})


def cancel_request(params: JsonObject) -> CancelRequest:
    fields = Fields(params)
    return CancelRequest(
        ts=_time(fields, "ts"),
        user_id=fields.text("userId"),
        tx_id=fields.text("txId"),
        round_id=_descriptive(params, "roundId"),
        game_code=_descriptive(params, "gameCode"),
    )


# `betAmount` stays: the stake as HRG states it in the settle, checked against the wallet's.
SETTLE_TYPED_FIELDS = frozenset({"userId", "txId", "winAmount", "roundId", "gameCode"})


def settle_request(params: JsonObject) -> SettleRequest:
    fields = Fields(params)
    fee = fields.optional_text("fee")
    return SettleRequest(
        ts=_time(fields, "ts"),
        user_id=fields.text("userId"),
        tx_id=fields.text("txId"),
        round_id=fields.text("roundId"),
        game_type=fields.text("gameType"),
        game_code=fields.text("gameCode"),
        bet_time=_time(fields, "betTime"),
        round_start_time=_time(fields, "roundStartTime"),
        bet_amount=_amount(fields, "betAmount"),
        valid_bet_amount=_amount(fields, "validBetAmount"),
        win_amount=_amount(fields, "winAmount"),
        odds=check_signed_decimal(fields.text("odds"), "odds"),
        status=fields.text("status"),
        result=_strings(params, "result"),
        commission=_amount(fields, "commission"),
        fee=check_amount(fee, "fee") if fee is not None else None,
    )


def _event_settle(index: int, item: JsonValue) -> EventSettle:
    if not isinstance(item, dict):
        raise _malformed(f"settles[{index}] must be an object")
    fields = Fields(item)
    try:
        return EventSettle(
            settle_id=fields.identifier("settleId"),
            event_id=fields.identifier("eventId"),
            user_id=fields.text("userId"),
            amount=_amount(fields, "amount"),
            create_time=_time(fields, "createTime", offset_optional=True),
            fields=item,
        )
    except Refusal as refusal:
        raise Refusal(refusal.reason, f"settles[{index}]: {refusal.detail}") from None


def event_settle_request(params: JsonObject) -> EventSettleRequest:
    fields = Fields(params)
    ts = _time(fields, "ts")
    settles = params.get("settles")
    if not isinstance(settles, list) or not settles:
        raise _malformed("field 'settles' must be a non-empty array")
    return EventSettleRequest(ts=ts, settles=tuple(_event_settle(i, item) for i, item in enumerate(settles)))
