"""The database engine, and running one request as one database transaction with retries.

SQLite (aiosqlite) is the embedded default; PostgreSQL (asyncpg) the production store.
Serialization failures and deadlocks (SQLSTATE 40001/40P01), SQLite's "database is
locked", and unique-key races between concurrent requests are retried here, so callers
never see them and the same code runs on PostgreSQL-compatible distributed engines.
"""

from __future__ import annotations

import asyncio
import json
import logging
import weakref
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import AsyncAdaptedQueuePool

from wallet_core.errors import StoreUnavailable
from wallet_core.store.postgres_hosts import HostByHost, is_multi_host

log = logging.getLogger(__name__)

T = TypeVar("T")

RETRYABLE_SQLSTATES = {"40001", "40P01"}  # serialization failure, deadlock detected
SQLITE_PRAGMAS = (  # every SQLite connection of the wallet
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=NORMAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=30000",
)
MAX_ATTEMPTS = 8


def json_text(value: object) -> str:
    """A JSON column's text, as the ledger's Python writers store it: compact (no spaces after
    separators: about 2 bytes a key of ``details`` on every transaction)."""
    return json.dumps(value, separators=(",", ":"))


def create_engine(database_url: str, *, pool_size: int = 10, echo: bool = False) -> AsyncEngine:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        # One connection per process: SQLite has one writer anyway, and requests queueing here
        # for the connection are served in order, where several pooled connections colliding
        # at BEGIN IMMEDIATE sleep in SQLite's busy handler (seconds of p99). Other processes on
        # the same file still wait on the busy timeout.
        engine = create_async_engine(
            url,
            echo=echo,
            connect_args={"timeout": 30},
            json_serializer=json_text,
            poolclass=AsyncAdaptedQueuePool,
            pool_size=1,
            max_overflow=0,
            pool_timeout=30,
        )
        _use_immediate_transactions(engine)
        return engine
    # No JIT: PostgreSQL compiles a plan when its estimated cost is high, as a report's scan of a
    # large ledger is, and the wallet's statements run once each: measured, 140 ms of a 260 ms
    # report of one day over 2,000,000 transactions, compiling.
    connect_args: dict[str, Any] = {"timeout": 5, "command_timeout": 30, "server_settings": {"jit": "off"}}
    # Several servers (a primary and its standbys): each tried with the whole timeout, not asyncpg's
    # one timeout for all of them (postgres_hosts.py).
    creator = {"async_creator": HostByHost(database_url, **connect_args)} if is_multi_host(database_url) else {}
    return create_async_engine(
        url,
        echo=echo,
        json_serializer=json_text,
        pool_size=pool_size,
        max_overflow=0,  # a process holds at most pool_size connections here (and as many for debits)
        pool_timeout=5,
        pool_pre_ping=False,
        connect_args=connect_args,
        **creator,
    )


def _use_immediate_transactions(engine: AsyncEngine) -> None:
    """SQLite: take the write lock at BEGIN, so that a balance check and its write cannot
    interleave with another connection's (SQLite has no SELECT ... FOR UPDATE)."""

    @event.listens_for(engine.sync_engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # let SQLAlchemy's "begin" event emit BEGIN
        cursor = dbapi_connection.cursor()
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(pragma)
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def is_retryable(error: BaseException) -> bool:
    if isinstance(error, IntegrityError):
        return True  # a concurrent request inserted the same key first: the retry sees it
    if isinstance(error, DBAPIError):
        if getattr(error.orig, "sqlstate", None) in RETRYABLE_SQLSTATES:
            return True
        if isinstance(error, OperationalError) and "database is locked" in str(error.orig):
            return True
        if error.connection_invalidated:
            return True  # the pooled connection was dead; a fresh one may work
    return False


async def in_transaction(engine: AsyncEngine, work: Callable[[AsyncConnection], Awaitable[T]]) -> T:
    """Run ``work`` in one database transaction, retrying what is safe to retry.

    ``work`` must be idempotent up to its commit: on a retry it runs again from the start.
    Anything else that goes wrong with the store becomes ``StoreUnavailable``: nothing
    was decided, and the caller may retry.

    A caller cancelled (its client gone) stops waiting, but the transaction runs to its end in a
    task of its own: cancelled inside SQLAlchemy's connection handling, it could leave its connection
    holding SQLite's write lock outside the pool, and every other request waited out the busy
    timeout (seen in a fault drill). A provider that sends the request again gets its replay.
    """
    running = asyncio.create_task(_in_transaction(engine, work))
    on_engine = _running.setdefault(engine, set())
    on_engine.add(running)
    running.add_done_callback(on_engine.discard)
    running.add_done_callback(_retrieved)
    return await asyncio.shield(running)


_running: weakref.WeakKeyDictionary[AsyncEngine, set[asyncio.Task[Any]]] = weakref.WeakKeyDictionary()
"""Each engine's transactions still running, their callers gone or not: ``dispose`` waits for them."""


def _retrieved(task: asyncio.Task[Any]) -> None:
    """Its outcome read, so that a transaction whose caller left is not logged as never retrieved."""
    if not task.cancelled():
        task.exception()


async def dispose(engine: AsyncEngine) -> None:
    """Close ``engine`` once the transactions still running on it have ended: those whose callers
    left would otherwise lose their connection half-way."""
    running = _running.get(engine)
    if running:
        await asyncio.wait(set(running))
    await engine.dispose()


async def _in_transaction(engine: AsyncEngine, work: Callable[[AsyncConnection], Awaitable[T]]) -> T:
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            async with engine.begin() as connection:
                return await work(connection)
        except (TimeoutError, SQLAlchemyError, OSError) as error:
            if attempt < MAX_ATTEMPTS and is_retryable(error):
                log.debug("retrying a database transaction (attempt %d): %s", attempt, type(error).__name__)
                await asyncio.sleep(0.002 * attempt)
                continue
            log.warning("store unavailable: %s: %s", type(error).__name__, error)
            raise StoreUnavailable(f"the ledger store is unavailable ({type(error).__name__})") from error
    raise AssertionError("unreachable")
