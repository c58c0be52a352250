"""What the wallet says, read back through the core's admin API: every player's balance
(GetBalance) and every transaction stored for them (ListTransactions, all pages)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from typing import TypeVar

import grpc

from faults.config import ADMIN_TOKEN, CURRENCY
from faults.operator import channel
from faults.oplog import Key
from gateways.kit.core_errors import CoreError
from wallet.v1 import wallet_pb2 as pb
from wallet.v1 import wallet_pb2_grpc

PAGE_SIZE = 500
METADATA = (("authorization", f"Bearer {ADMIN_TOKEN}"),)
T = TypeVar("T")


@dataclass(frozen=True)
class Stored:
    status: str
    """completed, failed or tombstone."""
    change: Decimal
    """The signed change of the balance it made (0 unless completed)."""


@dataclass
class LedgerView:
    balances: dict[str, Decimal] = field(default_factory=dict)
    rows: dict[Key, Stored] = field(default_factory=dict)
    repeated_keys: list[Key] = field(default_factory=list)
    """Keys stored more than once (the unique key should make this impossible)."""


def _suffix(name: str) -> str:
    return name.rsplit("_", 1)[-1].lower()


class Admin:
    """The harness's admin client of the core (it may open accounts and read every provider's records)."""

    def __init__(self, address: str) -> None:
        self._channel = channel(address)
        self._stub = wallet_pb2_grpc.WalletServiceStub(self._channel)

    async def _call(self, call: Callable[[], Awaitable[T]], within_seconds: float = 30) -> T:
        """`call`, again while the core answers that it decided nothing (it may be restarting)."""
        give_up = time.monotonic() + within_seconds
        while True:
            try:
                return await call()
            except grpc.aio.AioRpcError as rpc_error:
                if not CoreError.from_rpc_error(rpc_error).nothing_decided or time.monotonic() > give_up:
                    raise
                await asyncio.sleep(0.2)

    async def open_accounts(self, players: Iterable[str], balance: Decimal) -> None:
        for player in players:
            request = pb.CreateAccountRequest(player_id=player, currency=CURRENCY, initial_balance=f"{balance:.2f}")
            await self._call(partial(self._stub.CreateAccount, request, metadata=METADATA, timeout=5))

    async def read(self, players: Iterable[str]) -> LedgerView:
        view = LedgerView()
        for player in players:
            balance = await self._call(
                partial(
                    self._stub.GetBalance,
                    pb.GetBalanceRequest(player_id=player, currency=CURRENCY),
                    metadata=METADATA,
                    timeout=30,  # as ListTransactions: the check runs right after the load, on a busy store
                )
            )
            view.balances[player] = Decimal(balance.account.balance)
            token = ""
            while True:
                request = pb.ListTransactionsRequest(player_id=player, page_size=PAGE_SIZE, page_token=token)
                page = await self._call(partial(self._stub.ListTransactions, request, metadata=METADATA, timeout=30))
                for t in page.transactions:
                    status = _suffix(pb.TransactionStatus.Name(t.status))
                    key = (t.provider, _suffix(pb.TransactionKind.Name(t.kind)), t.transaction_id)
                    if key in view.rows:
                        view.repeated_keys.append(key)
                    view.rows[key] = Stored(status, Decimal(t.balance_change or "0"))
                token = page.next_page_token
                if not token:
                    break
        return view

    async def close(self) -> None:
        await self._channel.close()
