"""A simulated AIGame platform: its bet record API (seed 002), from scripted records, for the
reconciler's tests and the demo (`wallet up` serves it when the configuration has a
[demo.aigame_platform] table). It checks the agent, the signature and the timestamp as AIGame does,
enforces "at most once every 5 seconds" per agent (408004; the interval is a parameter so that tests
stay short), and notes the time of every call it let through so that a test checks the limit from
AIGame's side. It answers records and nothing else: no money moves here.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from gateways.aigame.provisional import NestedSigning
from gateways.aigame.record_query import DETAIL_PATH
from gateways.aigame.signature import signature_matches

AGENT_ID = "agent001"
SECRET = "platform-secret"
TIMESTAMP_WINDOW_MS = 10 * 60 * 1000


def baccarat_record(
    txn_id: str,
    user_id: str,
    *,
    status: int = 1,
    bet_amount: str = "10",
    win_amount: str = "19.50",
    currency: str = "USD",
) -> dict[str, Any]:
    """A record shaped like seed 002's Baccarat example."""
    return {
        "id": txn_id,
        "user_id": user_id,
        "game_id": "101",
        "inst_id": "u5pikb",
        "shoe_id": 10628,
        "round_id": 36,
        "bet_time": 1744358903180,
        "settle_time": 1744358963342 if status == 1 else 0,
        "bet_amount": bet_amount,
        "real_bet_amount": bet_amount,
        "valid_bet_turnover": bet_amount,
        "win_amount": win_amount if status == 1 else "0",
        "real_win_amount": "9.50",
        "currency": currency,
        "bet_detail": {"Banker": 10},
        "win_detail": {"Banker": win_amount},
        "no_comm": False,
        "game_result": ["Banker", "Small", "BDragonBonus", "BankerNatural"],
        "open_cards": {"banker": "Diamonds9,Diamonds10", "player": "HeartsK,Clubs7"},
        "create_time": 1744358903180,
        "update_time": 1744358963342,
        "status": status,
    }


@dataclass
class AIGamePlatform:
    """AIGame's side. `records`: txn_id -> its record (absent: 700237)."""

    agents: dict[str, str] = field(default_factory=lambda: {AGENT_ID: SECRET})
    records: dict[str, dict[str, Any]] = field(default_factory=dict)
    interval_seconds: float = 5.0
    whitelisted: bool = True
    served_at: dict[str, list[float]] = field(default_factory=dict)
    """agent_id -> the time.monotonic() of every call answered (not refused 408004)."""
    too_frequent: int = 0

    def app(self) -> Starlette:
        return Starlette(routes=[Route(DETAIL_PATH, self._detail, methods=["GET"])])

    @contextmanager
    def not_whitelisted(self) -> Iterator[None]:
        self.whitelisted = False
        try:
            yield
        finally:
            self.whitelisted = True

    def shortest_gap(self, agent_id: str = AGENT_ID) -> float | None:
        times = self.served_at.get(agent_id, [])
        gaps = [b - a for a, b in itertools.pairwise(times)]
        return min(gaps) if gaps else None

    async def _detail(self, request: Request) -> JSONResponse:
        params: dict[str, Any] = dict(request.query_params)
        if not self.whitelisted:
            return _answer(408003, "Whitelist restriction")
        agent_id = params.get("agent_id", "")
        secret = self.agents.get(agent_id)
        if secret is None:
            return _answer(700101, "Merchant does not exist")
        if not signature_matches(params, secret, NestedSigning.SORTED_COMPACT_JSON):
            return _answer(600100, "Signature error")
        timestamp = params.get("timestamp", "")
        if not timestamp.isdigit() or abs(int(timestamp) - time.time() * 1000) > TIMESTAMP_WINDOW_MS:
            return _answer(408000, "Parameter error")
        now = time.monotonic()
        served = self.served_at.setdefault(agent_id, [])
        if served and now - served[-1] < self.interval_seconds:
            self.too_frequent += 1
            return _answer(408004, "API frequency limit")
        served.append(now)
        record = self.records.get(params.get("txn_id", ""))
        if record is None:
            return _answer(700237, "Bet record does not exist")
        return JSONResponse({"code": 200, "message": "success", "data": record})


def _answer(code: int, message: str) -> JSONResponse:
    return JSONResponse({"code": code, "message": message})


def platform_from_config(table: Mapping[str, Any], agents: Mapping[str, str]) -> AIGamePlatform:
    """From [demo.aigame_platform]: `records` (a list of {id, user_id, currency, bet_amount,
    win_amount, status}) and `interval_seconds`; the agents are the AIGame gateway's."""
    records = {}
    for entry in table.get("records", []):
        record = baccarat_record(
            str(entry["id"]),
            str(entry["user_id"]),
            status=int(entry.get("status", 1)),
            bet_amount=str(entry.get("bet_amount", "10")),
            win_amount=str(entry.get("win_amount", "19.50")),
            currency=str(entry.get("currency", "USD")),
        )
        records[record["id"]] = record
    return AIGamePlatform(
        agents=dict(agents), records=records, interval_seconds=float(table.get("interval_seconds", 5.0))
    )


class _Server(uvicorn.Server):
    """Leaves SIGINT/SIGTERM to whoever runs it (`wallet up`, pytest)."""

    @contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


@asynccontextmanager
async def serving(platform: AIGamePlatform, host: str, port: int) -> AsyncIterator[str]:
    """The platform under uvicorn on host:port while the block runs; yields its base URL."""
    server = _Server(uvicorn.Config(platform.app(), host=host, port=port, log_level="warning"))
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            await task
            raise RuntimeError(f"the simulated AIGame platform could not start on {host}:{port}")
        await asyncio.sleep(0.01)
    try:
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        await task
