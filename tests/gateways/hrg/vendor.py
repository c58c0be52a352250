"""HRG's side of the wire, written from hrg.md and seed 001 alone, never from the gateway's code.

Times are written here independently of `gateways.hrg.times`: a test that passes proves the
gateway reads HRG's format, not its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

GMT8 = timezone(timedelta(hours=8))
SECRET_HEADER = "X-HRG-Secret"
SECRET = "hrg-shared-secret-0123456789"


def hrg_time(when: datetime | None = None) -> str:
    """yyyy-MM-dd'T'HH:mm:ss.SSS+0800, 28 characters (hrg.md)."""
    moment = (when or datetime.now(GMT8)).astimezone(GMT8)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "+0800"


def now() -> str:
    return hrg_time()


_SHAPE = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}(?P<sep>[T ])[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.(?P<fraction>[0-9]+))?"
    r"(?P<zone>Z|(?P<sign>[+-])(?P<hours>[0-9]{2}):?(?P<minutes>[0-9]{2}))?"
)


def now_like(sent: str) -> str:
    """Now, written in the shape of the time `sent` (its fraction digits, separator and offset as
    written: none means GMT+8), as HRG stamps a fresh request. Not a time: `sent` unchanged."""
    shape = _SHAPE.fullmatch(sent)
    if shape is None:
        return sent
    if shape["sign"] is not None:
        sign = -1 if shape["sign"] == "-" else 1
        zone = timezone(sign * timedelta(hours=int(shape["hours"]), minutes=int(shape["minutes"])))
    else:
        zone = UTC if shape["zone"] == "Z" else GMT8
    moment = datetime.now(zone)
    text = moment.strftime(f"%Y-%m-%d{shape['sep']}%H:%M:%S")
    if shape["fraction"] is not None:
        digits = len(shape["fraction"])
        text += "." + f"{moment.microsecond:06d}"[:digits].ljust(digits, "0")
    return text + (shape["zone"] or "")


@dataclass
class Vendor:
    """Builds HRG requests for a live Baccarat table."""

    game_type: str = "LIVE"
    game_code: str = "BACCARAT"
    table_id: str = "T01"

    def get_balance(self, user_id: str) -> dict[str, Any]:
        return {"userId": user_id}

    def place_bet(self, user_id: str, tx_id: str, amount: str, **extra: Any) -> dict[str, Any]:
        return {
            "ts": now(),
            "gameType": self.game_type,
            "gameCode": self.game_code,
            "userId": user_id,
            "roundId": "R-" + tx_id[:10],
            "txId": tx_id,
            "tableId": self.table_id,
            "betTime": now(),
            "betAmount": amount,
            "category": "BANKER",
            **extra,
        }

    def cancel_bet(self, user_id: str, tx_id: str, **extra: Any) -> dict[str, Any]:
        return {
            "ts": now(),
            "reason": "TIMEOUT",
            "userId": user_id,
            "txId": tx_id,
            "gameType": self.game_type,
            "gameCode": self.game_code,
            **extra,
        }

    def settle(self, user_id: str, tx_id: str, bet_amount: str, win_amount: str, **extra: Any) -> dict[str, Any]:
        """Seed 001's shape."""
        won = win_amount not in ("0", "0.0", "0.00")
        return {
            "ts": now(),
            "userId": user_id,
            "txId": tx_id,
            "roundId": "R-" + tx_id[:10],
            "betTime": hrg_time(datetime.now(GMT8) - timedelta(seconds=30)),
            "gameType": self.game_type,
            "gameCode": self.game_code,
            "betAmount": bet_amount,
            "validBetAmount": bet_amount,
            "winAmount": win_amount,
            "roundStartTime": hrg_time(datetime.now(GMT8) - timedelta(seconds=45)),
            "odds": "0.95" if won else "-1.0",
            "status": "WIN" if won else "LOSE",
            "result": ["H03", "C01", "C01", "C05", "S05", "C06"],
            "commission": "0.0",
            **extra,
        }

    def event_settle(self, *settles: dict[str, Any]) -> dict[str, Any]:
        return {"ts": now(), "settles": list(settles)}

    def promotion(self, settle_id: str, user_id: str, amount: str, **extra: Any) -> dict[str, Any]:
        """One item of event_settle; createTime without an offset, as hrg.md warns it may be."""
        return {
            "settleId": settle_id,
            "eventId": "EV-1",
            "userId": user_id,
            "amount": amount,
            "createTime": now()[:23],
            **extra,
        }
