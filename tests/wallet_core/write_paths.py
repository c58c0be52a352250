"""The write paths every rule is checked on (tests/wallet_core/test_rules.py), each served by a real
core gRPC server on loopback, as the service is served:

- ``general``: the ledger alone (``ledger.py``): every call decided by its general path;
- ``fast``: the ledger with its store's fast path, as the core runs it: PostgreSQL's batch
  functions (``store/group_commit.py`` calling ``store/sql/*.sql``) or SQLite's writer thread
  (``store/sqlite_writer.py``), the general path deciding what they leave.

``wallet_on_path`` is the one place that builds a ledger for a path: a change in how the core wires
its ledger and store adapter is made here.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

import grpc
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.support.core import TEST_CURRENCIES, CoreHandle, test_clients
from wallet.v1 import wallet_pb2_grpc
from wallet_core.audit import AdminAudit
from wallet_core.auth import Authenticator
from wallet_core.bootstrap import fast_path_for
from wallet_core.domain import Bet, Kind, MoneyRequest, Transaction
from wallet_core.ledger import Ledger, sample_saver
from wallet_core.service import WalletService
from wallet_core.store import queries
from wallet_core.store.currencies import sync_currencies
from wallet_core.store.database import create_engine
from wallet_core.store.fast_path import FastPath, FastPathFailed, Refused, UniqueKeyTaken, Written
from wallet_core.store.raw_requests import RawRequests

PATHS = ("general", "fast")

T = TypeVar("T")


class RecordingFastPath:
    """A store's real fast path that keeps what it answered to each call, in order: 'written',
    'refused' (a debit's refusal stored), 'none' (not the usual case: nothing written), 'taken' (a
    key exists) or 'failed'. The last three are the calls it left to the ledger's general path."""

    def __init__(self, store_path: FastPath) -> None:
        self.store_path = store_path
        self.answers: list[str] = []

    async def debit(self, request: MoneyRequest, created_at: datetime) -> tuple[Written, Bet] | Refused | None:
        return await self._recorded(self.store_path.debit(request, created_at))

    async def payout(self, request: MoneyRequest, created_at: datetime) -> tuple[Written, Bet] | None:
        return await self._recorded(self.store_path.payout(request, created_at))

    async def find(self, provider: str, kind: Kind, transaction_id: str) -> Transaction | None:
        return await self.store_path.find(provider, kind, transaction_id)

    async def close(self) -> None:
        await self.store_path.close()

    async def _recorded(self, call: Awaitable[T]) -> T:
        try:
            answer = await call
        except UniqueKeyTaken:
            self.answers.append("taken")
            raise
        except FastPathFailed:
            self.answers.append("failed")
            raise
        self.answers.append("none" if answer is None else "refused" if isinstance(answer, Refused) else "written")
        return answer


@dataclass
class PathCore(CoreHandle):
    """A core serving one write path; ``fast`` records its fast path's answers (None: the general path)."""

    path: str = "general"
    fast: RecordingFastPath | None = field(default=None, repr=False)

    def fast_answers(self) -> list[str] | None:
        """What the fast path answered, call by call; None on the general path."""
        return None if self.fast is None else list(self.fast.answers)


async def wallet_on_path(engine: AsyncEngine, path: str) -> tuple[Ledger, RecordingFastPath | None]:
    """A ledger over ``engine`` that writes by ``path``, wired as the core wires it."""
    async with engine.connect() as conn:
        currencies = await queries.load_currencies(conn)
        raw_requests = RawRequests(await queries.newest_samples(conn), sample_saver(engine))
    if path == "general":
        return Ledger(engine, currencies, None, raw_requests), None
    store_path = fast_path_for(engine, 10, raw_requests)
    assert store_path is not None, "a fast path needs a database file or PostgreSQL"
    fast = RecordingFastPath(store_path)
    return Ledger(engine, currencies, fast, raw_requests), fast


@asynccontextmanager
async def serving_path(database_url: str, path: str) -> AsyncIterator[PathCore]:
    """A real core gRPC server on 127.0.0.1 whose ledger writes by ``path``."""
    engine = create_engine(database_url)
    await sync_currencies(engine, TEST_CURRENCIES)
    ledger, fast = await wallet_on_path(engine, path)
    server = grpc.aio.server()
    service = WalletService(ledger, Authenticator(test_clients()), AdminAudit(engine))
    wallet_pb2_grpc.add_WalletServiceServicer_to_server(service, server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    handle = PathCore(address=f"127.0.0.1:{port}", database_url=database_url, path=path, fast=fast)
    try:
        yield handle
    finally:
        await handle.close()
        await server.stop(0.5)
        await ledger.close()
