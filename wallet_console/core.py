"""The console's client of the core: one call per thing a page shows or a staff member does.

Every call carries the console's bearer token; an action also names the staff member who does it
(``x-wallet-actor``), so that the core's admin audit records that person. A refusal or an unreachable
core is a ``CoreError`` (gateways/kit/core_errors.py), which the pages turn into one line."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import grpc
from google.protobuf import timestamp_pb2

from gateways.kit.core_connection import CoreConnection
from gateways.kit.core_errors import CoreError
from wallet.v1 import wallet_pb2 as pb
from wallet.v1 import wallet_pb2_grpc
from wallet_core.auth import ACTOR_HEADER

KINDS = {
    "debit": pb.TRANSACTION_KIND_DEBIT,
    "credit": pb.TRANSACTION_KIND_CREDIT,
    "rollback": pb.TRANSACTION_KIND_ROLLBACK,
}
KIND_NAMES = {value: name for name, value in KINDS.items()}
PAGE_SIZE = 100


class ConsoleCore:
    def __init__(self, connection: CoreConnection) -> None:
        self._connection = connection
        self._channel: grpc.aio.Channel | None = None
        self._stub: wallet_pb2_grpc.WalletServiceStub | None = None

    def _stub_now(self) -> wallet_pb2_grpc.WalletServiceStub:
        """The stub, its channel opened on first use: inside the event loop that serves the console."""
        if self._stub is None:
            credentials = self._connection.credentials()
            address = self._connection.address
            self._channel = (
                grpc.aio.secure_channel(address, credentials)
                if credentials is not None
                else grpc.aio.insecure_channel(address)
            )
            self._stub = wallet_pb2_grpc.WalletServiceStub(self._channel)
        return self._stub

    def _metadata(self, actor: str | None) -> Sequence[tuple[str, str]]:
        metadata = [("authorization", f"Bearer {self._connection.token}")]
        if actor is not None:
            metadata.append((ACTOR_HEADER, actor))
        return metadata

    async def _call(self, method: str, request: object, actor: str | None = None) -> object:
        try:
            return await getattr(self._stub_now(), method)(
                request, metadata=self._metadata(actor), timeout=self._connection.deadline_seconds
            )
        except grpc.aio.AioRpcError as error:
            raise CoreError.from_rpc_error(error) from None

    async def find_accounts(self, prefix: str) -> list[pb.Account]:
        answer = await self._call("ListAccounts", pb.ListAccountsRequest(player_id_prefix=prefix, page_size=PAGE_SIZE))
        assert isinstance(answer, pb.ListAccountsResponse)
        return list(answer.accounts)

    async def player_status(self, player_id: str) -> pb.PlayerStatus:
        answer = await self._call("GetPlayerStatus", pb.GetPlayerStatusRequest(player_id=player_id))
        assert isinstance(answer, pb.GetPlayerStatusResponse)
        return answer.status

    async def limits(self, player_id: str) -> list[pb.Limits]:
        answer = await self._call("GetLimits", pb.GetLimitsRequest(player_id=player_id))
        assert isinstance(answer, pb.GetLimitsResponse)
        return list(answer.limits)

    async def transactions(
        self, *, player_id: str = "", round_id: str = "", provider: str = "", page_token: str = ""
    ) -> tuple[list[pb.Transaction], str]:
        """One page, oldest first, and the token of the next page ("" at the end)."""
        request = pb.ListTransactionsRequest(
            player_id=player_id, round_id=round_id, provider=provider, page_size=PAGE_SIZE, page_token=page_token
        )
        answer = await self._call("ListTransactions", request)
        assert isinstance(answer, pb.ListTransactionsResponse)
        return list(answer.transactions), answer.next_page_token

    async def transaction(self, provider: str, kind: str, transaction_id: str) -> pb.GetTransactionResponse:
        request = pb.GetTransactionRequest(provider=provider, transaction_id=transaction_id, kind=KINDS[kind])
        answer = await self._call("GetTransaction", request)
        assert isinstance(answer, pb.GetTransactionResponse)
        return answer

    async def raw_request(self, provider: str, kind: str, transaction_id: str) -> str:
        request = pb.GetRawRequestRequest(provider=provider, transaction_id=transaction_id, kind=KINDS[kind])
        answer = await self._call("GetRawRequest", request)
        assert isinstance(answer, pb.GetRawRequestResponse)
        return answer.raw_request

    async def held_payouts(self) -> list[pb.HeldPayout]:
        """The pending ones, oldest first."""
        answer = await self._call("ListHeldPayouts", pb.ListHeldPayoutsRequest(status=pb.HOLD_STATUS_PENDING))
        assert isinstance(answer, pb.ListHeldPayoutsResponse)
        return list(answer.held_payouts)

    async def decide(self, hold_id: int, *, approve: bool, reason: str, actor: str) -> pb.HeldPayout:
        decision = pb.HOLD_STATUS_APPROVED if approve else pb.HOLD_STATUS_REJECTED
        request = pb.DecideHeldPayoutRequest(hold_id=hold_id, decision=decision, reason=reason)
        answer = await self._call("DecideHeldPayout", request, actor)
        assert isinstance(answer, pb.DecideHeldPayoutResponse)
        return answer.held_payout

    async def figures(self, since: datetime, until: datetime) -> pb.GetFiguresResponse:
        request = pb.GetFiguresRequest(since=_timestamp(since), until=_timestamp(until))
        answer = await self._call("GetFigures", request)
        assert isinstance(answer, pb.GetFiguresResponse)
        return answer

    async def close(self) -> None:
        if self._channel is not None:
            await self._channel.close()
            self._channel = self._stub = None


def _timestamp(value: datetime) -> timestamp_pb2.Timestamp:
    stamp = timestamp_pb2.Timestamp()
    stamp.FromDatetime(value)
    return stamp
