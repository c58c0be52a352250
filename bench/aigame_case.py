"""The AIGame case of the load generator: signed bets and payouts over HTTP/1.1 keep-alive."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

from bench import payloads
from bench.http1 import Http1Connection, HttpConnectionFailed
from bench.load import WARMUP_SECONDS, Tally, drive, host_port

SUCCESS = b'{"code":%d,' % payloads.AIGAME_SUCCESS


class AIGameCase:
    """Signed AIGame bets and their payouts over HTTP/1.1 keep-alive, one connection per worker:
    each worker places a bet and then pays it out (every other one a win)."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.concurrency: int = spec["concurrency"]
        self.connections: list[Http1Connection] = []
        self.bets: list[tuple[bytes, bytes]] = []
        self.warm: list[tuple[bytes, bytes]] = []

    def _pairs(self, name: str, count: int) -> list[tuple[bytes, bytes]]:
        spec, at = self.spec, payloads.now_ms()
        who = payloads.players_for(name, count, spec["players"])
        pairs = []
        for i in range(count):
            bet_id = payloads.transaction_id(name, i, at)
            win = "2.00" if i % 2 == 0 else "0"
            pairs.append(
                (
                    payloads.http_post(spec["address"], spec["bet_path"], payloads.aigame_bet(who[i], bet_id, at)),
                    payloads.http_post(
                        spec["address"], spec["payout_path"], payloads.aigame_payout(who[i], bet_id, win, at)
                    ),
                )
            )
        return pairs

    async def prepare(self) -> None:
        spec = self.spec
        self.bets = self._pairs(spec["name"], spec["requests"] // 2)
        warm = self._pairs("warm-" + spec["name"], spec.get("warmup", 0) // 2)
        host, port = host_port(spec["address"])
        self.connections = [await Http1Connection.open(host, port) for _ in range(self.concurrency)]
        if warm:
            tally = Tally()
            await drive(len(warm), self.concurrency, self._step(warm, tally), WARMUP_SECONDS)
            if tally.failed:
                raise RuntimeError(f"warm-up failed: {tally.errors}")

    def _step(self, pairs: list[tuple[bytes, bytes]], tally: Tally) -> Callable[[int, int], Awaitable[None]]:
        connections, clock = self.connections, time.perf_counter_ns

        async def one(k: int, raw: bytes) -> None:
            started = clock()
            try:
                status, body = await connections[k].request(raw)
            except HttpConnectionFailed as error:
                status, body = 0, str(error).encode()
            tally.latencies.append(clock() - started)
            if status == 200 and body.startswith(SUCCESS):
                tally.ok += 1
            else:
                tally.fail(f"HTTP {status}: {body[:120].decode('utf-8', 'replace')}")

        async def step(k: int, i: int) -> None:
            bet, payout = pairs[i]
            await one(k, bet)
            await one(k, payout)

        return step

    async def run(self) -> dict[str, Any]:
        tally = Tally()
        elapsed, cpu = await drive(
            len(self.bets), self.concurrency, self._step(self.bets, tally), self.spec.get("max_seconds")
        )
        return tally.figures(elapsed, cpu)

    async def close(self) -> None:
        for connection in self.connections:
            connection.close()
