"""The HRG requests: the fields the money depends on, read strictly; everything else, liberally.

Strict on money, liberal on description (hrg.md, "What the public vendor pages add": seed 001's own
settle lacks `roundId` and `tableId`, which its field table marks required). HRG sends no signature
(gateways/hrg/authenticate.py), so what the money depends on is:

- get_balance: userId.
- place_bet: userId, txId, betAmount, and `ts` (checked against a window). Descriptive: roundId,
  tableId, gameType, gameCode, betTime, category.
- cancel_bet: userId, txId (the bet's; the stake given back is the bet's own). Descriptive: ts,
  reason, roundId, gameType, gameCode.
- settle: userId, txId, winAmount (gross, stake included). Descriptive: ts, roundId, gameType,
  gameCode, betTime, betAmount, validBetAmount, roundStartTime, odds, status, result, commission, fee.
- event_settle: `settles`, a non-empty array; per item settleId, userId, amount. Descriptive: ts;
  per item eventId, createTime.

Any other field is descriptive too. Money fields: ids are non-empty strings (settleId also an
integer), amounts decimal strings with at most 4 decimals (gateways/hrg/amounts.py); a missing or
bad one is refused and moves nothing.

`ts` authenticates nothing (there is no signature over it) and only place_bet's is checked against
a window: a refused place_bet is safe (HRG cancels it), so that one `ts` stays required, readable
and recent (gateways/hrg/bet.py). A settle, cancel or event_settle is re-sent by HRG for hours;
refusing one for its `ts` would strand a win or a refund, so there `ts` is descriptive. Nothing
else of a bet is required either: refusing a bet for its description would only lose the bet.

Descriptive fields are taken when they make sense (a round or game id that is a plain string, a
time that can be read, gateways/hrg/times.py; settle's `betAmount` when it is an amount, only to
compare with the stake for a review log) and otherwise are only kept, as sent, in the transaction's
`details`. A time that is absent or cannot be read leaves the event time to when the request was
received. `typed` names the fields the core request holds in typed fields, which `details` leave
out so that a row does not store them twice; a descriptive field that was not taken stays in
`details`.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from gateways.hrg.amounts import check_amount
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
    bet_time: datetime | None
    round_id: str
    """"" when not sent (or not a plain string), as for every descriptive id below."""
    table_id: str
    game_code: str
    typed: frozenset[str]


@dataclass(frozen=True)
class CancelRequest:
    ts: datetime | None
    user_id: str
    tx_id: str
    round_id: str
    game_code: str
    typed: frozenset[str]


@dataclass(frozen=True)
class SettleRequest:
    ts: datetime | None
    user_id: str
    tx_id: str
    win_amount: str
    """Gross: the stake included; "0.0" for a lost bet."""
    bet_amount: str | None
    """The stake as HRG states it, when it is an amount: compared with the wallet's, never paid."""
    round_id: str
    game_code: str
    typed: frozenset[str]


@dataclass(frozen=True)
class EventSettle:
    """One promotion credit of an event_settle."""

    settle_id: str
    user_id: str
    amount: str
    event_id: str
    create_time: datetime | None
    fields: JsonObject
    """The item as sent, kept with its credit."""


@dataclass(frozen=True)
class EventSettleRequest:
    ts: datetime | None
    settles: tuple[EventSettle, ...]


def _malformed(problem: str) -> Refusal:
    return Refusal(GatewayReason.MALFORMED_REQUEST, problem)


def _amount(fields: Fields, name: str) -> str:
    return check_amount(fields.text(name), name)


Read = TypeVar("Read")


def _read(parse: Callable[[str, str], Read], value: JsonValue) -> Read | None:
    """A descriptive value read as `parse` reads a required one, or None where it cannot be: never
    a refusal (a time, settle's betAmount)."""
    if not isinstance(value, str):
        return None
    try:
        return parse(value, "descriptive")
    except Refusal:
        return None


def _descriptive(params: JsonObject, name: str) -> str:
    """A round, table or game id the core takes as one ("" otherwise: the core refuses a longer id
    or a NUL, which would refuse the money for its description)."""
    value = params.get(name)
    return value if isinstance(value, str) and len(value) <= MAX_ID_LENGTH and "\x00" not in value else ""


def _descriptive_id(params: JsonObject, name: str) -> str:
    """As `_descriptive`, an integer id taken as its text too (eventId)."""
    value = params.get(name)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return _descriptive(params, name)


def _typed(money: Iterable[str], params: JsonObject, descriptive: Iterable[str]) -> frozenset[str]:
    return frozenset(money) | {name for name in descriptive if _descriptive(params, name)}


def balance_request(params: JsonObject) -> BalanceRequest:
    return BalanceRequest(user_id=Fields(params).text("userId"))


def bet_request(params: JsonObject) -> BetRequest:
    fields = Fields(params)
    return BetRequest(
        ts=parse_time(fields.text("ts"), "ts"),
        user_id=fields.text("userId"),
        tx_id=fields.text("txId"),
        bet_amount=_amount(fields, "betAmount"),
        bet_time=_read(parse_time, params.get("betTime")),
        round_id=_descriptive(params, "roundId"),
        table_id=_descriptive(params, "tableId"),
        game_code=_descriptive(params, "gameCode"),
        typed=_typed(("userId", "txId", "betAmount"), params, ("roundId", "tableId", "gameCode")),
    )


def cancel_request(params: JsonObject) -> CancelRequest:
    fields = Fields(params)
    return CancelRequest(
        ts=_read(parse_time, params.get("ts")),
        user_id=fields.text("userId"),
        tx_id=fields.text("txId"),
        round_id=_descriptive(params, "roundId"),
        game_code=_descriptive(params, "gameCode"),
        typed=_typed(("userId", "txId"), params, ("roundId", "gameCode")),
    )


def settle_request(params: JsonObject) -> SettleRequest:
    fields = Fields(params)
    return SettleRequest(
        ts=_read(parse_time, params.get("ts")),
        user_id=fields.text("userId"),
        tx_id=fields.text("txId"),
        win_amount=_amount(fields, "winAmount"),
        bet_amount=_read(check_amount, params.get("betAmount")),
        round_id=_descriptive(params, "roundId"),
        game_code=_descriptive(params, "gameCode"),
        typed=_typed(("userId", "txId", "winAmount"), params, ("roundId", "gameCode")),
    )


def _event_settle(index: int, item: JsonValue) -> EventSettle:
    if not isinstance(item, dict):
        raise _malformed(f"settles[{index}] must be an object")
    fields = Fields(item)
    try:
        return EventSettle(
            settle_id=fields.identifier("settleId"),
            user_id=fields.text("userId"),
            amount=_amount(fields, "amount"),
            event_id=_descriptive_id(item, "eventId"),
            create_time=_read(parse_time, item.get("createTime")),
            fields=item,
        )
    except Refusal as refusal:
        raise Refusal(refusal.reason, f"settles[{index}]: {refusal.detail}") from None


def event_settle_request(params: JsonObject) -> EventSettleRequest:
    settles = params.get("settles")
    if not isinstance(settles, list) or not settles:
        raise _malformed("field 'settles' must be a non-empty array")
    return EventSettleRequest(
        ts=_read(parse_time, params.get("ts")),
        settles=tuple(_event_settle(i, item) for i, item in enumerate(settles)),
    )
