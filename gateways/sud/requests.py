"""The SUD requests: their fields, names and types (sud.md, seed 003, SUD's order.changed page).

Ids are strings (an integer is taken as its digits). Scores are JSON integers within int64, never
strings or fractions; `remain_score`, `commission_score` and update_score's `score` may not be
negative (a settlement's `score` is a signed net result and may). Fields SUD may add at any time
are accepted: each parsed request lists their paths in `unknown`, for the log.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from enum import IntEnum
from typing import Final

from gateways.kit.fields import Fields
from gateways.kit.jsonbody import JsonObject, JsonValue
from gateways.kit.refusals import GatewayReason, Refusal

USER_SETTLE: Final = "sud.mg.merchant.user.settle"
ORDER_CHANGED: Final = "sud.mg.merchant.order.changed"
EXECUTE_FAIL: Final = "EXECUTE_FAIL"

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1

ENVELOPE_FIELDS = frozenset({"notify_id", "notify_time", "app_id", "notify_event", "data"})
SETTLE_FIELDS = frozenset({"mg_id", "room_id", "match_id", "results", "settle_at"})
RESULT_FIELDS = frozenset({"uid", "order_id", "out_order_id", "is_ai", "score", "remain_score", "commission_score"})
ORDER_FIELDS = frozenset({
    "order_id", "out_order_id", "out_group_id", "mg_id", "room_id", "round_id", "cmd", "from_uid", "to_uid",
    "value", "seq", "payload", "status",
})  # fmt: skip
UPDATE_SCORE_FIELDS = frozenset({"order_id", "mg_id", "round_id", "uid", "score", "type"})
# Held by the core request's own fields: left out of its `details`, so that the row does not store
# them twice (the raw body keeps them). `score` stays: points, which the amount is only at today's rate.
UPDATE_SCORE_TYPED_FIELDS = frozenset({"order_id", "mg_id", "round_id", "uid"})


def _malformed(problem: str) -> Refusal:
    return Refusal(GatewayReason.MALFORMED_REQUEST, problem)


def _unknown(params: JsonObject, known: Iterable[str], prefix: str = "") -> tuple[str, ...]:
    known_names = frozenset(known)
    return tuple(f"{prefix}{key}" for key in params if key not in known_names)


def _object(value: JsonValue, path: str) -> JsonObject:
    if not isinstance(value, dict):
        raise _malformed(f"{path} must be an object")
    return value


def _integer(params: JsonObject, name: str, path: str, *, minimum: int = INT64_MIN) -> int | None:
    """An optional JSON integer (not a string, a fraction or a boolean) within int64 and >= minimum."""
    value = params.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise _malformed(f"{path}{name} must be an integer")
    if not minimum <= value <= INT64_MAX:
        raise _malformed(f"{path}{name} {value} is out of range" + (" (negative)" if value < 0 else ""))
    return value


def _required_integer(params: JsonObject, name: str, path: str, *, minimum: int = INT64_MIN) -> int:
    value = _integer(params, name, path, minimum=minimum)
    if value is None:
        raise _malformed(f"{path}{name} is missing")
    return value


def _not_negative_integer(fields: Fields, name: str) -> int:
    value = fields.integer(name)
    if value < 0:
        raise _malformed(f"{name} must not be negative")
    return value


# --- the notification envelope ---------------------------------------------------------------


@dataclass(frozen=True)
class Envelope:
    notify_id: str
    notify_time: int
    """ms since the epoch."""
    app_id: str
    notify_event: str
    data: JsonValue
    unknown: tuple[str, ...]


def envelope(params: JsonObject) -> Envelope:
    fields = Fields(params)
    if "data" not in params:
        raise _malformed("data is missing")
    return Envelope(
        notify_id=fields.text("notify_id"),
        notify_time=_not_negative_integer(fields, "notify_time"),
        app_id=fields.identifier("app_id"),
        notify_event=fields.text("notify_event"),
        data=params["data"],
        unknown=_unknown(params, ENVELOPE_FIELDS),
    )


# --- sud.mg.merchant.user.settle ---------------------------------------------------------------


@dataclass(frozen=True)
class PlayerResult:
    """One human's settlement: `remain_score` goes back to the wallet against `out_order_id`."""

    uid: str
    order_id: str
    out_order_id: str
    score: int
    remain_score: int
    commission_score: int | None
    sent: JsonObject
    """The row as SUD sent it (unknown fields included)."""


@dataclass(frozen=True)
class UserSettle:
    mg_id: str
    room_id: str
    match_id: str
    settle_at: int
    """Seconds since the epoch."""
    players: tuple[PlayerResult, ...]
    """The humans' rows, in the order sent."""
    robots: int
    """How many rows were robots (is_ai = 1): they move nothing."""
    unknown: tuple[str, ...]


def _is_ai(row: JsonObject, path: str) -> bool:
    is_ai = _required_integer(row, "is_ai", path)
    if is_ai not in (0, 1):
        raise _malformed(f"{path}is_ai must be 0 or 1, not {is_ai}")
    return is_ai == 1


def _player_result(row: JsonObject, path: str) -> PlayerResult:
    fields = Fields(row)
    try:
        ids = {name: fields.identifier(name) for name in ("uid", "order_id", "out_order_id")}
    except Refusal as refusal:
        raise _malformed(f"in {path.rstrip('.')}: {refusal.detail}") from refusal
    return PlayerResult(
        uid=ids["uid"],
        order_id=ids["order_id"],
        out_order_id=ids["out_order_id"],
        score=_required_integer(row, "score", path),
        remain_score=_required_integer(row, "remain_score", path, minimum=0),
        commission_score=_integer(row, "commission_score", path, minimum=0),
        sent=row,
    )


def user_settle(data: JsonValue) -> UserSettle:
    params = _object(data, "data")
    fields = Fields(params)
    results = params.get("results")
    if not isinstance(results, list):
        raise _malformed("data.results must be a list" if results is not None else "data.results is missing")
    unknown = list(_unknown(params, SETTLE_FIELDS, "data."))
    players: list[PlayerResult] = []
    robots = 0
    for index, item in enumerate(results):
        path = f"data.results[{index}]."
        row = _object(item, path.rstrip("."))
        unknown.extend(_unknown(row, RESULT_FIELDS, path))
        if _is_ai(row, path):
            robots += 1
        else:
            players.append(_player_result(row, path))
    order_ids = [player.order_id for player in players]
    if len(set(order_ids)) != len(order_ids):
        raise _malformed("data.results repeats an order_id")
    return UserSettle(
        mg_id=fields.identifier("mg_id"),
        room_id=fields.identifier("room_id"),
        match_id=fields.identifier("match_id"),
        settle_at=_not_negative_integer(fields, "settle_at"),
        players=tuple(players),
        robots=robots,
        unknown=tuple(unknown),
    )


# --- sud.mg.merchant.order.changed ----------------------------------------------------------------


@dataclass(frozen=True)
class FailedOrder:
    """An order SUD could not execute: its buy-in (debited under `out_order_id`) goes back."""

    out_order_id: str
    player_uid: str
    order_id: str | None
    cmd: str | None
    mg_id: str | None
    room_id: str | None
    round_id: str | None


@dataclass(frozen=True)
class OrderChanged:
    status: str
    failed: FailedOrder | None
    """Set for EXECUTE_FAIL only; the other statuses move nothing and need no more fields."""
    unknown: tuple[str, ...]


def order_changed(data: JsonValue, player_field: str) -> OrderChanged:
    """A cancel is never refused for a missing description: only the order and its player are required."""
    params = _object(data, "data")
    fields = Fields(params)
    status = fields.text("status")
    unknown = _unknown(params, ORDER_FIELDS | {player_field}, "data.")
    if status != EXECUTE_FAIL:
        return OrderChanged(status=status, failed=None, unknown=unknown)
    failed = FailedOrder(
        out_order_id=fields.identifier("out_order_id"),
        player_uid=fields.identifier(player_field),
        order_id=fields.optional_identifier("order_id"),
        cmd=fields.optional_text("cmd"),
        mg_id=fields.optional_identifier("mg_id"),
        room_id=fields.optional_identifier("room_id"),
        round_id=fields.optional_identifier("round_id"),
    )
    return OrderChanged(status=status, failed=failed, unknown=unknown)


# --- update_score -----------------------------------------------------------------------------------


class ScoreType(IntEnum):
    CONSUME = 1
    """Debit the player."""
    GAIN = 2
    """Credit the player."""


@dataclass(frozen=True)
class UpdateScore:
    order_id: str
    uid: str
    score: int
    type: ScoreType
    mg_id: str | None
    round_id: str | None
    unknown: tuple[str, ...]


def update_score(params: JsonObject) -> UpdateScore:
    fields = Fields(params)
    kind = _required_integer(params, "type", "")
    if kind not in ScoreType.__members__.values():
        raise _malformed(f"type must be 1 (consume) or 2 (gain), not {kind}")
    return UpdateScore(
        order_id=fields.identifier("order_id"),
        uid=fields.identifier("uid"),
        score=_required_integer(params, "score", "", minimum=0),
        type=ScoreType(kind),
        mg_id=fields.optional_identifier("mg_id"),
        round_id=fields.optional_identifier("round_id"),
        unknown=_unknown(params, UPDATE_SCORE_FIELDS),
    )
