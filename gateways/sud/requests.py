"""The SUD requests: their fields, names and types (sud.md, seed 003, SUD's order pages).

Strict on money, liberal on description. What the money depends on is read strictly, and a request
missing it or sending it mistyped is refused (MALFORMED_REQUEST, 1001); nothing moves:

- every notification: `app_id` (who: it must be this app's), `notify_event` (which kind of money),
  `data`; the headers' app id, `Sud-Timestamp` and signature (authenticate.py);
- user.settle: `results` (a list) and, per row, `is_ai` (0 or 1, a JSON integer or its digits:
  it decides whether money moves); per human row `uid` (who), `order_id` (the credit's own id),
  `out_order_id` (the buy-in it pays against) and `remain_score` (how much: a JSON integer, 0 to
  int64 max); an `order_id` repeated within one notification;
- order.changed, and each entry of order.batch.changed: `status`; for EXECUTE_FAIL, `out_order_id`
  (the buy-in to roll back) and the player (`Provisional.order_player_field`, by default `from_uid`;
  when that field is absent, the other of from_uid/to_uid: the core refuses a player who is not
  the buy-in's, so the fallback cannot move another player's money);
- update_score: `order_id`, `uid`, `score` (a JSON integer, 0 to int64 max) and `type` (1 or 2).
  A consume is SUD's one bet: refusing it is safe (SUD sees the failure and the order does not
  happen), so its money fields are as strict as a gain's, never stricter on description.

Every other field is description: `notify_id`, `notify_time`, `mg_id`, `room_id`, `match_id`,
`settle_at`, `score` and `commission_score` of a settlement row, `game_round_id`/`round_id`,
`order_id`, `cmd`, `to_uid`, `value`, `seq`, `payload`, and any field SUD adds. It is kept as sent
in the record's `details` when present, left out when not, and never a reason to refuse: an odd
value (a time in another shape, a number as a string, an id of another type) is kept as sent, and
fills the transaction's typed fields (round, game, table, event time) only when it reads as one.
Ids are strings (an integer is taken as its digits), at most 128 characters (the core's limit;
SUD's `out_order_id` is at most 64). Times are seconds or milliseconds by size (times.py). Each
parsed request lists the paths of fields this gateway does not know in `unknown`, for the log.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from enum import IntEnum
from typing import Final

from gateways.kit.fields import MAX_ID_LENGTH, Fields
from gateways.kit.jsonbody import JsonObject, JsonValue
from gateways.kit.refusals import GatewayReason, Refusal

USER_SETTLE: Final = "sud.mg.merchant.user.settle"
ORDER_CHANGED: Final = "sud.mg.merchant.order.changed"
ORDER_BATCH_CHANGED: Final = "sud.mg.merchant.order.batch.changed"
EXECUTE_FAIL: Final = "EXECUTE_FAIL"

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1

ENVELOPE_FIELDS = frozenset({"notify_id", "notify_time", "app_id", "notify_event", "data"})
SETTLE_FIELDS = frozenset({"mg_id", "room_id", "match_id", "results", "settle_at"})
RESULT_FIELDS = frozenset({"uid", "order_id", "out_order_id", "is_ai", "score", "remain_score", "commission_score"})
ORDER_FIELDS = frozenset({
    "order_id", "out_order_id", "out_group_id", "mg_id", "room_id", "game_round_id", "round_id", "cmd", "from_uid",
    "to_uid", "value", "seq", "payload", "status",
})  # fmt: skip
BATCH_FIELDS = frozenset({"mg_id", "room_id", "orders"})
UPDATE_SCORE_FIELDS = frozenset({"order_id", "mg_id", "game_round_id", "round_id", "uid", "score", "type"})
ROUND_FIELDS: Final = ("game_round_id", "round_id")
"""Where SUD names the round: `game_round_id` on its current pages, `round_id` on older ones."""
OTHER_PLAYER_FIELD: Final = {"from_uid": "to_uid", "to_uid": "from_uid"}


def _malformed(problem: str) -> Refusal:
    return Refusal(GatewayReason.MALFORMED_REQUEST, problem)


def _unknown(params: JsonObject, known: Iterable[str], prefix: str = "") -> tuple[str, ...]:
    known_names = frozenset(known)
    return tuple(f"{prefix}{key}" for key in params if key not in known_names)


def _object(value: JsonValue, path: str) -> JsonObject:
    if not isinstance(value, dict):
        raise _malformed(f"{path} must be an object")
    return value


def _list(params: JsonObject, name: str, path: str) -> list[JsonValue]:
    value = params.get(name)
    if not isinstance(value, list):
        raise _malformed(f"{path}{name} must be a list" if value is not None else f"{path}{name} is missing")
    return value


def _integer(params: JsonObject, name: str, path: str, *, minimum: int = INT64_MIN) -> int:
    """A required JSON integer (not a string, a fraction or a boolean) within int64 and >= minimum."""
    value = params.get(name)
    if value is None:
        raise _malformed(f"{path}{name} is missing")
    if isinstance(value, bool) or not isinstance(value, int):
        raise _malformed(f"{path}{name} must be an integer")
    if not minimum <= value <= INT64_MAX:
        raise _malformed(f"{path}{name} {value} is out of range" + (" (negative)" if value < 0 else ""))
    return value


def label(params: JsonObject, *names: str) -> str:
    """The first of `names` that reads as an id (a string of at most 128 characters, or an integer
    as its digits), for a transaction's typed fields; "" when none does. Descriptive: never refused
    (whatever was sent stays in `details`)."""
    for name in names:
        value = params.get(name)
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        if isinstance(value, str) and value and len(value) <= MAX_ID_LENGTH:
            return value
    return ""


def _ids(fields: Fields, names: Iterable[str], path: str) -> dict[str, str]:
    """Required ids; a refusal names where (`path`) when the fields are not the body's own."""
    try:
        return {name: fields.identifier(name) for name in names}
    except Refusal as refusal:
        if not path:
            raise
        raise _malformed(f"in {path.rstrip('.')}: {refusal.detail}") from refusal


# --- the notification envelope ---------------------------------------------------------------


@dataclass(frozen=True)
class Envelope:
    notify_id: str
    """"" when absent or not an id (descriptive: every money movement is keyed by SUD's order ids)."""
    notify_time: JsonValue
    """As sent (ms by SUD's page; any shape accepted), None when absent."""
    app_id: str
    notify_event: str
    data: JsonValue
    unknown: tuple[str, ...]


def envelope(params: JsonObject) -> Envelope:
    fields = Fields(params)
    if "data" not in params:
        raise _malformed("data is missing")
    return Envelope(
        notify_id=label(params, "notify_id"),
        notify_time=params.get("notify_time"),
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
    remain_score: int
    sent: JsonObject
    """The row as SUD sent it (`score`, `commission_score` and unknown fields included)."""


@dataclass(frozen=True)
class UserSettle:
    mg_id: str
    room_id: str
    match_id: str
    """The three as ids for the typed fields ("" when absent or odd)."""
    settle_at: JsonValue
    """As sent (seconds by SUD's page, milliseconds in its QueryUserSettle example), None when absent."""
    described: JsonObject
    """Every field of `data` but `results`, as sent."""
    players: tuple[PlayerResult, ...]
    """The humans' rows, in the order sent."""
    robots: int
    """How many rows were robots (is_ai = 1): they move nothing."""
    unknown: tuple[str, ...]


def _is_ai(row: JsonObject, path: str) -> bool:
    """0 or 1, as a JSON integer or its one digit (it decides whether money moves: required)."""
    value = row.get("is_ai")
    if value in ("0", "1"):
        return value == "1"
    is_ai = _integer(row, "is_ai", path)
    if is_ai not in (0, 1):
        raise _malformed(f"{path}is_ai must be 0 or 1, not {is_ai}")
    return is_ai == 1


def _player_result(row: JsonObject, path: str) -> PlayerResult:
    ids = _ids(Fields(row), ("uid", "order_id", "out_order_id"), path)
    return PlayerResult(
        uid=ids["uid"],
        order_id=ids["order_id"],
        out_order_id=ids["out_order_id"],
        remain_score=_integer(row, "remain_score", path, minimum=0),
        sent=row,
    )


def user_settle(data: JsonValue) -> UserSettle:
    params = _object(data, "data")
    results = _list(params, "results", "data.")
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
        mg_id=label(params, "mg_id"),
        room_id=label(params, "room_id"),
        match_id=label(params, "match_id"),
        settle_at=params.get("settle_at"),
        described={key: value for key, value in params.items() if key != "results"},
        players=tuple(players),
        robots=robots,
        unknown=tuple(unknown),
    )


# --- sud.mg.merchant.order.changed and order.batch.changed -------------------------------------------


@dataclass(frozen=True)
class FailedOrder:
    """An order SUD could not execute: its buy-in (debited under `out_order_id`) goes back."""

    out_order_id: str
    player_uid: str
    cmd: str | None
    mg_id: str
    room_id: str
    round_id: str
    """`game_round_id`, else `round_id`; "" when neither reads as an id."""
    sent: JsonObject
    """The order as SUD sent it."""


@dataclass(frozen=True)
class OrderChanged:
    status: str
    failed: FailedOrder | None
    """Set for EXECUTE_FAIL only; the other statuses move nothing and need no more fields."""
    unknown: tuple[str, ...]


def _player_uid(fields: Fields, player_field: str) -> str:
    """The configured player field, else (absent) the other of from_uid/to_uid."""
    other = OTHER_PLAYER_FIELD.get(player_field)
    if other is not None and fields.optional_identifier(player_field) is None:
        uid = fields.optional_identifier(other)
        if uid is not None:
            return uid
    return fields.identifier(player_field)


def _order(params: JsonObject, player_field: str, path: str, defaults: JsonObject) -> OrderChanged:
    """One order; `defaults` are the batch's own descriptive fields (mg_id, room_id)."""
    fields = Fields(params)
    try:
        status = fields.text("status")
        failed = None
        if status == EXECUTE_FAIL:
            cmd = params.get("cmd")
            described = {**defaults, **params}
            failed = FailedOrder(
                out_order_id=fields.identifier("out_order_id"),
                player_uid=_player_uid(fields, player_field),
                cmd=cmd if isinstance(cmd, str) else None,
                mg_id=label(described, "mg_id"),
                room_id=label(described, "room_id"),
                round_id=label(params, *ROUND_FIELDS),
                sent=params,
            )
    except Refusal as refusal:
        raise _malformed(f"in {path.rstrip('.')}: {refusal.detail}") from refusal
    return OrderChanged(status=status, failed=failed, unknown=_unknown(params, ORDER_FIELDS | {player_field}, path))


def order_changed(data: JsonValue, player_field: str) -> OrderChanged:
    """A cancel is never refused for a missing description: only the order and its player are required."""
    return _order(_object(data, "data"), player_field, "data.", {})


@dataclass(frozen=True)
class OrderBatch:
    orders: tuple[OrderChanged, ...]
    """In the order sent."""
    described: JsonObject
    """Every field of `data` but `orders`, as sent."""
    unknown: tuple[str, ...]


def order_batch_changed(data: JsonValue, player_field: str) -> OrderBatch:
    """Each order read as order.changed reads its one; a bad order refuses the batch before anything moves."""
    params = _object(data, "data")
    described = {key: value for key, value in params.items() if key != "orders"}
    unknown = list(_unknown(params, BATCH_FIELDS, "data."))
    orders: list[OrderChanged] = []
    for index, item in enumerate(_list(params, "orders", "data.")):
        path = f"data.orders[{index}]."
        order = _order(_object(item, path.rstrip(".")), player_field, path, described)
        unknown.extend(order.unknown)
        orders.append(order)
    return OrderBatch(orders=tuple(orders), described=described, unknown=tuple(unknown))


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
    mg_id: str
    round_id: str
    """`game_round_id`, else `round_id`; "" when neither reads as an id."""
    unknown: tuple[str, ...]


def held_by_typed_fields(params: JsonObject) -> frozenset[str]:
    """The update_score fields the core request's own fields hold (uid, and mg_id and the round when
    they read as ids): left out of its `details`, so that the row does not store them twice (the raw
    body keeps them). `score` stays: points, which the amount is only at today's rate; `order_id`
    stays: the transaction id is it behind a prefix (settings.py)."""
    held = {"uid"}
    if label(params, "mg_id"):
        held.add("mg_id")
    held.update(next(([name] for name in ROUND_FIELDS if label(params, name)), []))
    return frozenset(held)


def update_score(params: JsonObject) -> UpdateScore:
    kind = _integer(params, "type", "")
    if kind not in ScoreType.__members__.values():
        raise _malformed(f"type must be 1 (consume) or 2 (gain), not {kind}")
    ids = _ids(Fields(params), ("order_id", "uid"), "")
    return UpdateScore(
        order_id=ids["order_id"],
        uid=ids["uid"],
        score=_integer(params, "score", "", minimum=0),
        type=ScoreType(kind),
        mg_id=label(params, "mg_id"),
        round_id=label(params, *ROUND_FIELDS),
        unknown=_unknown(params, UPDATE_SCORE_FIELDS),
    )
