"""gRPC cases of the load generator: Debit requests sent to the core (or to the echo server) with the
light HTTP/2 client, or with grpc.aio for comparison."""

from __future__ import annotations

import asyncio
import base64
import time
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

from bench import payloads
from bench.h2grpc import ConnectionFailed, H2Connection, grpc_message, header_block
from bench.load import WARMUP_SECONDS, Tally, drive, host_port
from wallet.v1 import wallet_pb2 as pb

# sends one message on worker k's connection: the answer, or None when the call was refused
Send = Callable[[int, bytes], Awaitable[bytes | None]]


def debit_messages(spec: dict[str, Any], name: str, count: int) -> list[bytes]:
    """The case's messages: those the task gives (`messages`, base64: e.g. replays of old debits),
    or `count` new debits named for the case."""
    given = spec.get("messages")
    if given is not None and not name.startswith("warm-"):
        return [base64.b64decode(m) for m in given[:count]]
    return payloads.debit_messages(name, count, spec["players"], player=spec.get("player"))


class GrpcCase:
    """Unary gRPC calls with the light HTTP/2 client (`client = "h2"`) or grpc.aio (`"grpcio"`)."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.concurrency: int = spec["concurrency"]
        self.keep: bool = spec.get("keep_responses", False)
        self.metadata = (("authorization", f"Bearer {spec['token']}"),)
        self.connections: list[H2Connection] = []
        self.channels: list[Any] = []
        self.messages: list[bytes] = []
        self.responses: list[bytes | None] = []
        self.refusal = ""  # why the last call failed; read right after the call, before any other runs

    async def prepare(self) -> None:
        spec = self.spec
        self.messages = debit_messages(spec, spec["name"], spec["requests"])
        warm = debit_messages(spec, "warm-" + spec["name"], spec.get("warmup", 0))
        if spec.get("client", "h2") == "grpcio":
            self.send = await self._grpcio()
        else:
            self.send = await self._h2()
            self.messages, warm = [grpc_message(m) for m in self.messages], [grpc_message(m) for m in warm]
        if warm:
            tally = Tally()
            await drive(len(warm), self.concurrency, self._step(warm, tally), WARMUP_SECONDS)
            if tally.failed:
                raise RuntimeError(f"warm-up failed: {tally.errors}")

    async def _h2(self) -> Send:
        spec = self.spec
        host, port = host_port(spec["address"])
        self.connections = connections = [await H2Connection.open(host, port) for _ in range(spec["connections"])]
        headers = header_block(spec["address"], spec["path"], self.metadata)

        async def send(k: int, message: bytes) -> bytes | None:
            try:
                answer = await connections[k % len(connections)].call(headers, message)
            except ConnectionFailed as error:
                self.refusal = f"connection failed: {error}"
                return None
            if answer is None:
                self.refusal = "refused (the ledger has the reason of a decided refusal)"
            return answer

        return send

    async def _grpcio(self) -> Send:
        import grpc  # only for the comparison case

        spec = self.spec
        self.channels = [grpc.aio.insecure_channel(spec["address"]) for _ in range(spec["connections"])]
        for channel in self.channels:
            await asyncio.wait_for(channel.channel_ready(), timeout=30)
        calls = [channel.unary_unary(spec["path"]) for channel in self.channels]

        async def send(k: int, message: bytes) -> bytes | None:
            try:
                answer: bytes = await calls[k % len(calls)](message, metadata=self.metadata, timeout=60)
            except grpc.aio.AioRpcError as error:
                self.refusal = str(error.code().name)
                return None
            return answer

        return send

    def _step(self, messages: list[bytes], tally: Tally) -> Callable[[int, int], Awaitable[None]]:
        send, keep, responses, clock = self.send, self.keep, self.responses, time.perf_counter_ns

        async def step(k: int, i: int) -> None:
            started = clock()
            answer = await send(k, messages[i])
            tally.latencies.append(clock() - started)
            if answer is None:
                tally.fail(self.refusal)
            else:
                tally.ok += 1
                if keep:
                    responses[i] = answer

        return step

    async def run(self) -> dict[str, Any]:
        tally = Tally()
        if self.keep:
            self.responses[:] = [None] * len(self.messages)
        elapsed, cpu = await drive(
            len(self.messages), self.concurrency, self._step(self.messages, tally), self.spec.get("max_seconds")
        )
        figures = tally.figures(elapsed, cpu)
        if self.keep:
            figures["balances_after"] = balances_after(self.responses)
        return figures

    async def close(self) -> None:
        for connection in self.connections:
            connection.close()
        for channel in self.channels:
            await channel.close()


def balances_after(responses: list[bytes | None]) -> dict[str, Any]:
    """The lowest balance_after among the successful Debit answers (proof of no overdraft)."""
    values = [pb.DebitResponse.FromString(raw).transaction.balance_after for raw in responses if raw is not None]
    lowest = min(values, key=Decimal) if values else None
    return {"answers": len(values), "lowest": lowest, "negative": sum(1 for v in values if v.startswith("-"))}
