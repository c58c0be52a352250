"""AIGame's side of the wire, written from aigame.md and the seeds alone, never from the gateway's code.

The signature here is computed independently of `gateways.aigame.signature`: a test that passes
proves the gateway agrees with the vendor's rule, not with itself.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from typing import Any

AGENT_ID = "agent001"
SECRET = "s3cr3t-aigame-key"
OTHER_AGENT_ID = "agent002"
OTHER_SECRET = "another-aigame-key"


def vendor_sign(params: dict[str, Any], secret: str) -> str:
    """aigame.md: non-empty params but sign, ASCII-sorted, k=v joined by &, SECRET& prefix, md5 hex.
    Nested values: the provisional rule, compact JSON with sorted keys."""
    pieces = []
    for name in sorted(params):
        value = params[name]
        if name == "sign" or value is None or value == "":
            continue
        if isinstance(value, dict | list):
            text = json.dumps(value, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
        elif isinstance(value, bool):
            text = json.dumps(value)
        else:
            text = str(value)
        pieces.append(f"{name}={text}")
    return hashlib.md5(f"{secret}&{'&'.join(pieces)}".encode()).hexdigest()


def now_ms() -> int:
    return int(time.time() * 1000)


@dataclass
class Vendor:
    """Builds signed AIGame requests for one agent."""

    agent_id: str = AGENT_ID
    secret: str = SECRET
    game: dict[str, Any] = field(
        default_factory=lambda: {"game_id": "101", "inst_id": "000002", "shoe_id": 10231, "round_id": 41}
    )

    def signed(self, fields: dict[str, Any], *, timestamp: int | None = None) -> dict[str, Any]:
        params = {"agent_id": self.agent_id, **fields, "timestamp": now_ms() if timestamp is None else timestamp}
        params["sign"] = vendor_sign(params, self.secret)
        return params

    def balance(self, user_id: str, currency: str = "USD") -> dict[str, Any]:
        return self.signed({"user_id": user_id, "currency": currency})

    def bet(self, user_id: str, bet_txn_id: str, amount: str, currency: str = "USD", **extra: Any) -> dict[str, Any]:
        return self.signed(
            {
                "user_id": user_id,
                **self.game,
                "bet_txn_id": bet_txn_id,
                "bet_amount": amount,
                "bet_time": now_ms(),
                "currency": currency,
                **extra,
            }
        )

    def payout(self, user_id: str, bet_txn_id: str, amount: str, currency: str = "USD", **extra: Any) -> dict[str, Any]:
        return self.signed(
            {
                "user_id": user_id,
                **self.game,
                "bet_txn_id": bet_txn_id,
                "win_amount": amount,
                "pay_out_time": now_ms(),
                "currency": currency,
                **extra,
            }
        )

    def refund(
        self,
        user_id: str,
        bet_txn_id: str,
        amount: str,
        *,
        status: int | str = 0,
        win_amount: str = "0",
        currency: str = "USD",
        **extra: Any,
    ) -> dict[str, Any]:
        return self.signed(
            {
                "user_id": user_id,
                "game_id": self.game["game_id"],
                "bet_txn_id": bet_txn_id,
                "bet_amount": amount,
                "win_amount": win_amount,
                "status": status,
                "bet_time": now_ms() - 60_000,
                "refund_time": now_ms(),
                "currency": currency,
                **extra,
            }
        )

    def bare_payout(self, user_id: str, bet_txn_id: str, amount: str, currency: str = "USD") -> dict[str, Any]:
        """A payout with only the fields its money depends on: no game, table, shoe, round or time."""
        return self.signed({"user_id": user_id, "bet_txn_id": bet_txn_id, "win_amount": amount, "currency": currency})

    def bare_refund(
        self, user_id: str, bet_txn_id: str, amount: str, *, status: int = 0, currency: str = "USD"
    ) -> dict[str, Any]:
        """A refund with only the fields its money depends on: no game, win amount or times."""
        return self.signed(
            {
                "user_id": user_id,
                "bet_txn_id": bet_txn_id,
                "bet_amount": amount,
                "status": status,
                "currency": currency,
            }
        )

    def detail(self, txn_id: str, *, timestamp: int | None = None) -> dict[str, str]:
        when = now_ms() if timestamp is None else timestamp
        params = {"agent_id": self.agent_id, "txn_id": txn_id, "timestamp": str(when)}
        params["sign"] = vendor_sign(params, self.secret)
        return params
