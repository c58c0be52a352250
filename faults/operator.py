"""The operator's own services, as far as the simulator needs them: SUD's buy-in, debited over gRPC
before the player sits down (README, "SUD"), re-sent with the same id until the core decides it."""

from __future__ import annotations

import time

import grpc

from faults.answers import Answer, Verdict
from faults.config import CURRENCY, OPERATOR_TOKEN
from faults.dialect import money
from faults.oplog import Operation
from gateways.kit.core_errors import CoreError
from wallet.v1 import wallet_pb2 as pb
from wallet.v1 import wallet_pb2_grpc

ATTEMPT_SECONDS = 2.0
FAST_RECONNECT = (
    ("grpc.initial_reconnect_backoff_ms", 100),
    ("grpc.min_reconnect_backoff_ms", 100),
    ("grpc.max_reconnect_backoff_ms", 1000),
)
"""The harness's own channels come back quickly after a core restart (the gateways' are what is measured)."""


def channel(address: str) -> grpc.aio.Channel:
    return grpc.aio.insecure_channel(address, options=FAST_RECONNECT)


class Operator:
    def __init__(self, address: str) -> None:
        self._channel = channel(address)
        self._stub = wallet_pb2_grpc.WalletServiceStub(self._channel)

    async def buy_in(self, op: Operation) -> Answer:
        started = time.monotonic()
        try:
            await self._stub.Debit(
                pb.DebitRequest(
                    provider=op.provider,
                    transaction_id=op.transaction_id,
                    player_id=op.player,
                    currency=CURRENCY,
                    amount=money(op.amount),
                ),
                metadata=(("authorization", f"Bearer {OPERATOR_TOKEN}"),),
                timeout=ATTEMPT_SECONDS,
            )
        except grpc.aio.AioRpcError as rpc_error:
            error = CoreError.from_rpc_error(rpc_error)
            seconds = time.monotonic() - started
            if error.nothing_decided:
                return Answer(Verdict.RETRY, error.reason, seconds)
            if error.reason == "INSUFFICIENT_FUNDS":
                return Answer(Verdict.REFUSED, error.reason, seconds, expected=False)
            return Answer(Verdict.RETRY, error.reason, seconds, expected=False)
        return Answer(Verdict.OK, "OK", time.monotonic() - started)

    async def close(self) -> None:
        await self._channel.close()
