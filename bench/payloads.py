"""What the load generator sends: Debit requests shaped like the AIGame gateway's, and signed AIGame
bets and payouts. Everything here is built before a case's clock starts."""

from __future__ import annotations

import hashlib
import json
import random
import time
from collections.abc import Mapping
from typing import Any

from google.protobuf import struct_pb2, timestamp_pb2

from gateways.aigame.context import details_omitted
from gateways.aigame.provisional import Provisional
from gateways.aigame.requests import bet_typed_fields
from wallet.v1 import wallet_pb2 as pb

PROVIDER = "bench"  # the provider of the direct core calls
AIGAME_AGENT = "bench-agent"
AIGAME_SECRET = "bench-aigame-secret-0123456789"
AIGAME_SUCCESS = 200  # AIGame's answer code for success (its envelope is always HTTP 200)
CURRENCY = "USD"
AMOUNT = "1.00"
AMOUNT_MINOR = 100
PLAYER_BALANCE_MINOR = 100_000_000  # 1,000,000.00
HOT_PLAYER = "hot-player"
GAME = {"game_id": "101", "inst_id": "000002", "shoe_id": 10231, "round_id": 41}


def player_id(index: int) -> str:
    return f"p{index:06d}"


def players_for(case: str, count: int, players: int) -> list[str]:
    """Who plays each of `count` requests: uniformly random over `players`, the same for a case name."""
    rng = random.Random(case)
    return [player_id(rng.randrange(players)) for _ in range(count)]


def now_ms() -> int:
    return int(time.time() * 1000)


def transaction_id(case: str, index: int, at_ms: int) -> str:
    """The `index`-th id of a case, shaped like AIGame's (a MongoDB ObjectId: seeds 000 and 002):
    24 hex digits, the seconds of `at_ms`, 5 bytes naming the case, a counter. The stored rows and
    keys are as long as AIGame's (the named ids, `mem3-0000001`, were half as long), and a case's
    ids ascend as AIGame's do, so that each provider's keys grow at the right edge of their region
    of the unique indexes, in the middle of those indexes, as in production (docs/performance.md)."""
    if not 0 <= index < 1 << 24:
        raise ValueError(f"a counter of 3 bytes: {index}")
    return f"{at_ms // 1000:08x}{case_mark(case)}{index:06x}"


def case_mark(case: str) -> str:
    """The 10 hex digits, from the 9th, that every id of a case holds: how the checks find its rows."""
    return hashlib.blake2b(case.encode(), digest_size=5).hexdigest()


def aigame_sign(params: Mapping[str, Any], secret: str) -> str:
    """AIGame's rule: non-empty params but `sign`, sorted by name, `k=v` joined by `&`, `SECRET&` in
    front, hex MD5 (written from the provider's documentation, not from the gateway's code)."""
    pieces = [f"{k}={params[k]}" for k in sorted(params) if k != "sign" and params[k] not in (None, "")]
    return hashlib.md5(f"{secret}&{'&'.join(pieces)}".encode()).hexdigest()


def aigame_bet(user_id: str, bet_txn_id: str, at_ms: int) -> dict[str, Any]:
    params: dict[str, Any] = {
        "agent_id": AIGAME_AGENT,
        "user_id": user_id,
        **GAME,
        "bet_txn_id": bet_txn_id,
        "bet_amount": AMOUNT,
        "bet_time": at_ms,
        "currency": CURRENCY,
        "timestamp": at_ms,
    }
    params["sign"] = aigame_sign(params, AIGAME_SECRET)
    return params


def aigame_payout(user_id: str, bet_txn_id: str, win: str, at_ms: int) -> dict[str, Any]:
    params: dict[str, Any] = {
        "agent_id": AIGAME_AGENT,
        "user_id": user_id,
        **GAME,
        "bet_txn_id": bet_txn_id,
        "win_amount": win,
        "pay_out_time": at_ms,
        "currency": CURRENCY,
        "timestamp": at_ms,
    }
    params["sign"] = aigame_sign(params, AIGAME_SECRET)
    return params


def bet_details(params: Mapping[str, Any]) -> dict[str, Any]:
    """A bet's `details` as the AIGame gateway keeps them: its fields but the envelope and those the
    Debit holds in typed fields (the gateway's own lists of them)."""
    omit = details_omitted(bet_typed_fields(Provisional()))
    return {k: v for k, v in params.items() if k not in omit}


def debit_message(transaction_id: str, player: str, at_ms: int) -> bytes:
    """A serialized DebitRequest as the AIGame gateway builds it for a bet: ids, the bet's other
    fields as `details`, and the signed body as `raw_request` (about 400 bytes in all)."""
    params = aigame_bet(player, transaction_id, at_ms)
    details = struct_pb2.Struct()
    details.update(bet_details(params))
    event_time = timestamp_pb2.Timestamp()
    event_time.FromMilliseconds(at_ms)
    return bytes(
        pb.DebitRequest(
            provider=PROVIDER,
            transaction_id=transaction_id,
            player_id=player,
            currency=CURRENCY,
            amount=AMOUNT,
            round_id=str(GAME["round_id"]),
            game_id=str(GAME["game_id"]),
            table_id=str(GAME["inst_id"]),
            details=details,
            event_time=event_time,
            raw_request=json.dumps(params, separators=(",", ":")),
        ).SerializeToString()
    )


def debit_messages(case: str, count: int, players: int, *, player: str | None = None) -> list[bytes]:
    """`count` Debit requests with the case's ids; on random players, or all on `player`."""
    at = now_ms()
    who = [player] * count if player else players_for(case, count, players)
    return [debit_message(transaction_id(case, i, at), who[i], at) for i in range(count)]


def http_post(host: str, path: str, body: Mapping[str, Any]) -> bytes:
    raw = json.dumps(body, separators=(",", ":")).encode()
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {len(raw)}\r\n\r\n"
    )
    return head.encode() + raw
