"""gRPC cases of the load generator: Debit (or the echo server, or CreateAccount to seed) with the
light HTTP/2 client, or with grpc.aio for comparison."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

from bench import payloads
from bench.h2grpc import ConnectionFailed, H2Connection, grpc_message, header_block
from bench.load import WARMUP_SECONDS, Tally, drive, host_port
from wallet.v1 import wallet_pb2 as pb


def grpc_messages(spec: dict[str, Any], name: str, count: int) -> list[bytes]:
    """The request messages of a gRPC case: debits (also what the echo server gets)."""
    return payloads.debit_messages(name, count, spec["players"], player=spec.get("player"))


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
        warm = grpc_messages(spec, "warm-" + spec["name"], self.warmup) if self.warmup else []
        host, port = host_port(spec["address"])
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
            await drive(len(warm), self.concurrency, self._step(warm, tally), WARMUP_SECONDS)
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
        elapsed, cpu = await drive(len(self.messages), self.concurrency, self._step(self.messages, tally),
                                   self.spec.get("max_seconds"))
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
    lowest = min(values, key=Decimal) if values else None
    return {"answers": len(values), "lowest": lowest, "negative": sum(1 for v in values if v.startswith("-"))}
