"""The outbound half of seed 002: ask AIGame for its record of one bet
(`GET /api/game/transaction/detail` on AIGame's host). No money logic: it answers what AIGame said.

- Signed by the rule the gateway checks (gateways/aigame/signature.py), with the agent's secret.
- AIGame allows one call per 5 seconds per agent: calls wait their turn (one client per agent; the
  wait counts from the previous call's answer, so a slow answer never lets two calls close together).
- 408004 (too frequent, e.g. another process of the same agent) waits longer and tries again.
- 700237 (no such bet record) answers None.
- 408003 (our address is not on AIGame's whitelist), 700101 (no such merchant) and 600100 (the
  signature is refused: the secret is wrong) are configuration errors (`RecordQueryConfigError`), said
  in one line. Anything else is a `RecordQueryError`, also one line.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import IntEnum
from typing import Any

import httpx

from gateways.aigame.provisional import NestedSigning
from gateways.aigame.signature import SIGN_FIELD, signature

DETAIL_PATH = "/api/game/transaction/detail"
DEFAULT_INTERVAL_SECONDS = 5.0
""""The query bet records API can be called at most once every 5 seconds" (seed 002)."""

OK = 200
WHITELIST = 408003
TOO_FREQUENT = 408004
BAD_SIGNATURE = 600100
NO_MERCHANT = 700101
NO_RECORD = 700237


class RecordStatus(IntEnum):
    """The bet record's `status` (seed 002)."""

    PLACED = 0
    SETTLED = 1
    USER_CANCELLED = 2
    INVALID = 3
    CHANGED_TO_INVALID = 4


class RecordQueryError(Exception):
    """AIGame's record could not be had; the message is one line for a person."""


class RecordQueryConfigError(RecordQueryError):
    """AIGame refuses us for a reason only the configuration (or AIGame's) can fix."""


@dataclass(frozen=True)
class BetRecord:
    """What AIGame says of one bet: the fields reconciling needs, and the whole record as sent."""

    txn_id: str
    user_id: str
    currency: str
    bet_amount: str
    win_amount: str
    status: RecordStatus
    data: Mapping[str, Any]


class RecordQuery:
    """One agent's client of AIGame's bet record API."""

    def __init__(
        self,
        base_url: str,
        agent_id: str,
        secret: str,
        *,
        interval_seconds: float = DEFAULT_INTERVAL_SECONDS,
        max_attempts: int = 4,
        timeout_seconds: float = 10.0,
        nested: NestedSigning = NestedSigning.SORTED_COMPACT_JSON,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.agent_id = agent_id
        self._secret = secret
        self.interval_seconds = interval_seconds
        self.max_attempts = max_attempts
        self._nested = nested
        self._clock = clock
        self._http = httpx.AsyncClient(base_url=base_url, timeout=timeout_seconds, transport=transport)
        self._turn = asyncio.Lock()
        self._last_answer_at: float | None = None  # time.monotonic() of the last call's answer

    async def aclose(self) -> None:
        await self._http.aclose()

    def signed_params(self, txn_id: str) -> dict[str, str]:
        params = {"agent_id": self.agent_id, "txn_id": txn_id, "timestamp": str(int(self._clock() * 1000))}
        params[SIGN_FIELD] = signature(params, self._secret, self._nested)
        return params

    async def record(self, txn_id: str) -> BetRecord | None:
        """AIGame's record of bet `txn_id`, None when AIGame has none (700237)."""
        for attempt in range(1, self.max_attempts + 1):
            answer = await self._call(txn_id)
            code = answer.get("code")
            if code == OK:
                return _record(txn_id, answer.get("data"))
            if code == NO_RECORD:
                return None
            if code == TOO_FREQUENT and attempt < self.max_attempts:
                # Someone else spent this agent's allowance: wait a turn more each time.
                await asyncio.sleep(self.interval_seconds * attempt)
                continue
            raise _refused(self.agent_id, code, answer.get("message"))
        raise AssertionError("unreachable")  # the last attempt returns or raises

    async def _call(self, txn_id: str) -> dict[str, Any]:
        async with self._turn:
            if self._last_answer_at is not None:
                wait = self._last_answer_at + self.interval_seconds - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
            try:
                response = await self._http.get(DETAIL_PATH, params=self.signed_params(txn_id))
            except httpx.HTTPError as error:
                raise RecordQueryError(f"AIGame's record API did not answer: {type(error).__name__}: {error}") from None
            finally:
                self._last_answer_at = time.monotonic()
        if response.status_code != 200:
            raise RecordQueryError(f"AIGame's record API answered HTTP {response.status_code}")
        try:
            answer = response.json()
        except ValueError:
            raise RecordQueryError("AIGame's record API answered something that is not JSON") from None
        if not isinstance(answer, dict):
            raise RecordQueryError("AIGame's record API answered JSON that is not an object")
        return answer


def _refused(agent_id: str, code: object, message: object) -> RecordQueryError:
    said = f"{code} {message}" if message else str(code)
    if code == WHITELIST:
        return RecordQueryConfigError(
            f"AIGame refuses this host's address ({said}): ask AIGame to whitelist the wallet's public IP"
        )
    if code == NO_MERCHANT:
        return RecordQueryConfigError(f"AIGame does not know agent {agent_id!r} ({said}): check agent_id")
    if code == BAD_SIGNATURE:
        return RecordQueryConfigError(f"AIGame refuses the signature of agent {agent_id!r} ({said}): check its secret")
    if code == TOO_FREQUENT:
        return RecordQueryError(f"AIGame kept answering {said}: another client shares agent {agent_id!r}'s allowance")
    return RecordQueryError(f"AIGame refused the record query ({said})")


def _record(txn_id: str, data: object) -> BetRecord:
    if not isinstance(data, dict):
        raise RecordQueryError(f"AIGame's record of {txn_id!r} has no data object")
    raw_status = data.get("status")
    try:
        if isinstance(raw_status, bool) or not isinstance(raw_status, int):
            raise ValueError(raw_status)
        status = RecordStatus(raw_status)
    except ValueError:
        raise RecordQueryError(f"AIGame's record of {txn_id!r} has an unknown status {data.get('status')!r}") from None
    return BetRecord(
        txn_id=str(data.get("id", txn_id)),
        user_id=str(data.get("user_id", "")),
        currency=str(data.get("currency", "")),
        bet_amount=_amount(txn_id, data, "bet_amount"),
        win_amount=_amount(txn_id, data, "win_amount"),
        status=status,
        data=data,
    )


def _amount(txn_id: str, data: Mapping[str, Any], name: str) -> str:
    """The amount as AIGame wrote it (a decimal string; a number is accepted, never a float)."""
    value = data.get(name)
    if value is None or value == "":
        return ""
    if isinstance(value, bool | float) or not isinstance(value, str | int):
        raise RecordQueryError(f"AIGame's record of {txn_id!r} has a {name} that is not a decimal string: {value!r}")
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise RecordQueryError(f"AIGame's record of {txn_id!r} has a {name} that is not a decimal: {value!r}") from None
    if not amount.is_finite():
        raise RecordQueryError(f"AIGame's record of {txn_id!r} has a {name} that is not a decimal: {value!r}")
    return str(value)
