"""The load generator's cases: N workers over a few connections, every latency kept.

A case is prepared (payloads built, connections opened, warm-up run) before its clock starts;
`run()` is the timed part and returns its figures, the generator's own CPU time included.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from bench import payloads
from bench.h2grpc import ConnectionFailed, H2Connection, grpc_message, header_block
from bench.http1 import Http1Connection, HttpConnectionFailed
from bench.stats import own_cpu_seconds, rate, summarize
from wallet.v1 import wallet_pb2 as pb

MAX_ERROR_KINDS = 10


class Case(Protocol):
    async def prepare(self) -> None: ...

    async def run(self) -> dict[str, Any]: ...

    async def close(self) -> None: ...


class Tally:
    """Every latency (ns) and how each request ended."""

    def __init__(self) -> None:
        self.latencies: list[int] = []
        self.ok = 0
        self.failed = 0
        self.errors: dict[str, int] = {}

    def fail(self, why: str) -> None:
        self.failed += 1
        if why in self.errors or len(self.errors) < MAX_ERROR_KINDS:
            self.errors[why] = self.errors.get(why, 0) + 1

    def figures(self, elapsed: float, cpu: float) -> dict[str, Any]:
        return {
            "requests": len(self.latencies), "ok": self.ok, "failed": self.failed, "errors": self.errors,
            "elapsed_s": elapsed, "rps": rate(len(self.latencies), elapsed), "generator_cpu_s": cpu,
            **summarize(self.latencies),
        }


async def drive(items: int, concurrency: int, step: Callable[[int, int], Awaitable[None]]) -> tuple[float, float]:
    """Run `step(worker, item)` for every item over `concurrency` workers: (wall s, own CPU s)."""
    remaining = iter(range(items))

    async def worker(k: int) -> None:
        for i in remaining:
            await step(k, i)

    cpu, started = own_cpu_seconds(), time.perf_counter()
    await asyncio.gather(*(worker(k) for k in range(concurrency)))
    return time.perf_counter() - started, own_cpu_seconds() - cpu


def _host_port(address: str) -> tuple[str, int]:
    host, _, port = address.rpartition(":")
    return host, int(port)


def grpc_messages(spec: dict[str, Any], name: str, count: int) -> list[bytes]:
    """The request messages of a gRPC case: debits (also sent to the echo server) or new accounts."""
    kind = spec["payload"]
    if kind == "debit":
        return payloads.debit_messages(name, count, spec["players"], player=spec.get("player"))
    if kind == "accounts":
        return [payloads.create_account_message(p, b) for p, b in spec["accounts"][:count]]
    raise ValueError(f"unknown payload {kind!r}")


class GrpcCase:
    """Unary gRPC calls with the light HTTP/2 client (`client = "h2"`) or grpc.aio (`"grpcio"`)."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.concurrency: int = spec["concurrency"]
        self.requests: int = spec["requests"]
        self.warmup: int = spec.get("warmup", 0)
        self.keep: bool = spec.get("keep_responses", False)
        self.metadata = (("authorization", f"Bearer {spec['token']}"),)
        self.connections: list[H2Connection] = []
        self.channels: list[Any] = []
        self.messages: list[bytes] = []
        self.responses: list[bytes | None] = []

    async def prepare(self) -> None:
        spec = self.spec
        self.messages = grpc_messages(spec, spec["name"], self.requests)
        warm = grpc_messages(spec, spec["name"] + "-warm", self.warmup) if self.warmup else []
        host, port = _host_port(spec["address"])
        if spec.get("client", "h2") == "grpcio":
            import grpc  # only for the comparison case

            self.channels = [grpc.aio.insecure_channel(spec["address"]) for _ in range(spec["connections"])]
            for channel in self.channels:
                await asyncio.wait_for(channel.channel_ready(), timeout=30)
            calls = [channel.unary_unary(spec["path"]) for channel in self.channels]
            errors: tuple[type[BaseException], ...] = (grpc.aio.AioRpcError,)

            async def send(k: int, message: bytes) -> bytes | None:
                try:
                    answer: bytes = await calls[k % len(calls)](message, metadata=self.metadata, timeout=60)
                except grpc.aio.AioRpcError as error:
                    self.last_error = str(error.code().name)
                    return None
                return answer
        else:
            self.connections = [await H2Connection.open(host, port) for _ in range(spec["connections"])]
            headers = header_block(spec["address"], spec["path"], self.metadata)
            self.messages = [grpc_message(m) for m in self.messages]
            warm = [grpc_message(m) for m in warm]
            connections = self.connections
            errors = (ConnectionFailed,)

            async def send(k: int, message: bytes) -> bytes | None:
                answer = await connections[k % len(connections)].call(headers, message)
                if answer is None:
                    self.last_error = "refused (see the ledger for the reason)"
                return answer

        self.send, self.errors = send, errors
        self.last_error = ""
        if warm:
            tally = Tally()
            await drive(len(warm), self.concurrency, self._step(warm, tally))
            if tally.failed:
                raise RuntimeError(f"warm-up failed: {tally.errors}")

    def _step(self, messages: list[bytes], tally: Tally) -> Callable[[int, int], Awaitable[None]]:
        send, errors, keep, responses = self.send, self.errors, self.keep, self.responses
        clock = time.perf_counter_ns

        async def step(k: int, i: int) -> None:
            started = clock()
            try:
                answer = await send(k, messages[i])
            except errors as error:
                answer, self.last_error = None, f"{type(error).__name__}: {error}"
            tally.latencies.append(clock() - started)
            if answer is None:
                tally.fail(self.last_error)
            else:
                tally.ok += 1
                if keep:
                    responses[i] = answer

        return step

    async def run(self) -> dict[str, Any]:
        tally = Tally()
        if self.keep:
            self.responses[:] = [None] * len(self.messages)
        elapsed, cpu = await drive(len(self.messages), self.concurrency, self._step(self.messages, tally))
        figures = tally.figures(elapsed, cpu)
        if self.keep:
            figures["balances_after"] = _balances_after(self.responses)
        return figures

    async def close(self) -> None:
        for connection in self.connections:
            connection.close()
        for channel in self.channels:
            await channel.close()


def _balances_after(responses: list[bytes | None]) -> dict[str, Any]:
    """The lowest balance_after among the successful Debit answers (proof of no overdraft)."""
    values = []
    for raw in responses:
        if raw is not None:
            values.append(pb.DebitResponse.FromString(raw).transaction.balance_after)
    lowest = min(values, key=lambda v: (float(v), v)) if values else None
    return {"answers": len(values), "lowest": lowest, "negative": sum(1 for v in values if v.startswith("-"))}


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
            bet_id = f"{name}-{i:07d}"
            win = "2.00" if i % 2 == 0 else "0"
            pairs.append((
                payloads.http_post(spec["address"], spec["bet_path"], payloads.aigame_bet(who[i], bet_id, at)),
                payloads.http_post(spec["address"], spec["payout_path"],
                                   payloads.aigame_payout(who[i], bet_id, win, at)),
            ))
        return pairs

    async def prepare(self) -> None:
        spec = self.spec
        self.bets = self._pairs(spec["name"], spec["requests"] // 2)
        warm = self._pairs(spec["name"] + "-warm", spec.get("warmup", 0) // 2)
        host, port = _host_port(spec["address"])
        self.connections = [await Http1Connection.open(host, port) for _ in range(self.concurrency)]
        if warm:
            tally = Tally()
            await drive(len(warm), self.concurrency, self._step(warm, tally))
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
            if status == 200 and body.startswith(b'{"code":0,'):
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
        elapsed, cpu = await drive(len(self.bets), self.concurrency, self._step(self.bets, tally))
        return tally.figures(elapsed, cpu)

    async def close(self) -> None:
        for connection in self.connections:
            connection.close()
