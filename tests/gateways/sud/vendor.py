"""SUD's side of the wire, written from sud.md, seed 003 and SUD's pages alone, never from the gateway's code.

The signature here is computed independently of `gateways.sud.signature`: a test that passes
proves the gateway agrees with the vendor's rule, not with itself.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid
from dataclasses import dataclass
from typing import Any

APP_ID = "sud-app-1461564080052506636"
SECRET = "sud-app-secret-0123456789"
USER_SETTLE = "sud.mg.merchant.user.settle"
ORDER_CHANGED = "sud.mg.merchant.order.changed"
ORDER_BATCH_CHANGED = "sud.mg.merchant.order.batch.changed"


def vendor_signature(secret: str, app_id: str, timestamp: str, nonce: str, raw: bytes) -> str:
    """SUD's rule: lowercase hex HMAC-SHA1 of "appId\\ntimestamp\\nnonce\\nbody\\n" under the app secret."""
    message = f"{app_id}\n{timestamp}\n{nonce}\n".encode() + raw + b"\n"
    return hmac.new(secret.encode(), message, hashlib.sha1).hexdigest()


def now_ms() -> int:
    return int(time.time() * 1000)


def new_id() -> str:
    return uuid.uuid4().hex[:20]


def spoilt(signature: str) -> str:
    return signature[:-1] + ("0" if signature[-1] != "0" else "1")


@dataclass
class Vendor:
    """Builds SUD's signed requests for one app."""

    app_id: str = APP_ID
    secret: str = SECRET

    def headers(self, raw: bytes, *, timestamp: str | None = None, app_id: str | None = None) -> dict[str, str]:
        sent_app_id = self.app_id if app_id is None else app_id
        stamp = str(now_ms()) if timestamp is None else timestamp
        nonce = uuid.uuid4().hex[:16]
        return {
            "content-type": "application/json",
            "Sud-AppId": sent_app_id,
            "Sud-Timestamp": stamp,
            "Sud-Nonce": nonce,
            "Sud-Signature": vendor_signature(self.secret, sent_app_id, stamp, nonce, raw),
        }

    def envelope(self, event: str, data: Any, *, notify_id: str | None = None, **extra: Any) -> dict[str, Any]:
        return {
            "notify_id": notify_id or uuid.uuid4().hex,
            "notify_time": str(now_ms()),
            "app_id": self.app_id,
            "notify_event": event,
            "data": data,
            **extra,
        }

    def settle(self, results: list[dict[str, Any]], *, notify_id: str | None = None, **extra: Any) -> dict[str, Any]:
        """A user.settle notification shaped like seed 003."""
        data = {
            "mg_id": "14615640800525066",
            "room_id": "9009",
            "match_id": "ce56b6lzi1a7",
            "results": results,
            "settle_at": str(int(time.time())),
            **extra,
        }
        return self.envelope(USER_SETTLE, data, notify_id=notify_id)

    def order_changed(
        self, uid: str, out_order_id: str, status: str = "EXECUTE_FAIL", *, notify_id: str | None = None, **extra: Any
    ) -> dict[str, Any]:
        """An order.changed notification shaped like SUD's OrderChangedNotify page, for an add_score order."""
        data = {
            "order_id": f"sud-{out_order_id}",
            "out_order_id": out_order_id,
            "mg_id": "14615640800525066",
            "room_id": "9009",
            "round_id": "ce56b6lzi1a7-cqhcr6fgdnwg-c5vfwwj9h6mz",
            "cmd": "add_score",
            "from_uid": uid,
            "to_uid": uid,
            "value": 1,
            "seq": 0,
            "payload": {"score": 1},
            "status": status,
            **extra,
        }
        return self.envelope(ORDER_CHANGED, data, notify_id=notify_id)

    def order_batch_changed(
        self, orders: list[dict[str, Any]], *, notify_id: str | None = None, **extra: Any
    ) -> dict[str, Any]:
        """An order.batch.changed notification shaped like SUD's OrderBatchChangedNotify page."""
        data = {"mg_id": "14615640800525066", "room_id": "9009", "orders": orders, **extra}
        return self.envelope(ORDER_BATCH_CHANGED, data, notify_id=notify_id)

    @staticmethod
    def update_score(uid: str, order_id: str, score: int, kind: int, **extra: Any) -> dict[str, Any]:
        """The older update_score callback (sud.md)."""
        return {
            "order_id": order_id,
            "mg_id": "1461227817776713818",
            "round_id": "r-01",
            "uid": uid,
            "score": score,
            "type": kind,
            **extra,
        }


def human(
    uid: str, order_id: str, out_order_id: str, remain_score: int, score: int = 0, **extra: Any
) -> dict[str, Any]:
    return {
        "uid": uid,
        "order_id": order_id,
        "out_order_id": out_order_id,
        "is_ai": 0,
        "score": score,
        "remain_score": remain_score,
        "commission_score": 0,
        **extra,
    }


def batch_order(uid: str, out_order_id: str, status: str, **extra: Any) -> dict[str, Any]:
    """One entry of order.batch.changed (SUD's page: game_round_id optional, payload optional)."""
    return {
        "order_id": f"sud-{out_order_id}",
        "out_order_id": out_order_id,
        "game_round_id": "ce56b6lzi1a7-cqhcr6fgdnwg-c5vfwwj9h6mz",
        "cmd": "add_score",
        "from_uid": uid,
        "to_uid": uid,
        "value": 1000,
        "payload": {"score": 1000},
        "status": status,
        **extra,
    }


def robot(remain_score: int = 100) -> dict[str, Any]:
    return {"uid": "", "order_id": new_id(), "out_order_id": "", "is_ai": 1, "score": 5, "remain_score": remain_score}


def raw(body: Any) -> bytes:
    return json.dumps(body).encode()
