"""The one place that wires the core's objects: a store's adapters into the ledger, the ledger, the
authenticator and the admin audit into the gRPC service. Entrypoints (``server``, the ``wallet``
commands) call it and only translate; the ledger never chooses its adapters itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncEngine

from wallet_core.audit import AdminAudit
from wallet_core.auth import Authenticator
from wallet_core.config import CoreSettings, DailyBudget
from wallet_core.ledger import Ledger, sample_saver
from wallet_core.service import WalletService
from wallet_core.store import queries as q
from wallet_core.store.currencies import sync_currencies
from wallet_core.store.database import create_engine, in_transaction
from wallet_core.store.fast_path import FastPath
from wallet_core.store.group_commit import GroupCommit
from wallet_core.store.holds import Budget, replace_budgets, replace_limits
from wallet_core.store.raw_requests import RawRequests
from wallet_core.store.sqlite_writer import SqliteWriter

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider


async def open_ledger(
    engine: AsyncEngine,
    *,
    pool_size: int = 10,
    limits_time_zone: str = "UTC",
    sql_tracer: TracerProvider | None = None,
) -> Ledger:
    """A ledger over ``engine`` (migrated, its currencies stored), with the currencies and raw
    request samples it finds there, its store's fast path (``fast_path_for``) and the time zone of
    players' daily limits. With ``sql_tracer``, the fast path's writes are spans of it."""
    async with engine.connect() as conn:
        currencies = await q.load_currencies(conn)
        raw_requests = RawRequests(await q.newest_samples(conn), sample_saver(engine))
    fast_path = fast_path_for(engine, pool_size, raw_requests)
    if fast_path is not None and sql_tracer is not None:
        from wallet_core.tracing import TracedFastPath

        fast_path = TracedFastPath(fast_path, sql_tracer, engine.dialect.name)
    return Ledger(engine, currencies, fast_path, raw_requests, ZoneInfo(limits_time_zone))


def fast_path_for(engine: AsyncEngine, pool_size: int, raw_requests: RawRequests) -> FastPath | None:
    """The store's fast path for new covered bets and payouts of placed bets: PostgreSQL's group
    commit, or SQLite's writer thread on a database file. None (every request takes the general
    path) for an in-memory SQLite database, which a second connection would not see."""
    if engine.dialect.name == "postgresql":
        return GroupCommit(engine.url.render_as_string(hide_password=False), pool_size, raw_requests)
    if engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:"):
        return SqliteWriter(engine.url.database, raw_requests)
    return None


async def ledger_for(
    database_url: str,
    currencies: Mapping[str, int],
    *,
    pool_size: int = 10,
    max_payout_multiples: Mapping[str, int] | None = None,
    daily_budgets: Mapping[tuple[str, str], DailyBudget] | None = None,
    limits_time_zone: str = "UTC",
    sql_tracer: TracerProvider | None = None,
) -> Ledger:
    """A ledger over the (migrated) database at ``database_url``, with ``currencies`` stored in it
    first, and the payout limits and daily budgets when given (a core's: ``holds``); the caller closes it
    (``Ledger.close``). With ``sql_tracer``, its statements and fast-path writes are spans of it."""
    engine = create_engine(database_url, pool_size=pool_size)
    if sql_tracer is not None:
        from wallet_core.tracing import trace_sql

        trace_sql(engine, sql_tracer)
    try:
        await sync_currencies(engine, currencies)
        if max_payout_multiples is not None:
            limits = dict(max_payout_multiples)
            await in_transaction(engine, lambda conn: replace_limits(conn, limits))
        if daily_budgets is not None:
            budgets = {key: Budget(b.minor_units, b.time_zone) for key, b in daily_budgets.items()}
            await in_transaction(engine, lambda conn: replace_budgets(conn, budgets))
        return await open_ledger(engine, pool_size=pool_size, limits_time_zone=limits_time_zone, sql_tracer=sql_tracer)
    except Exception:
        await engine.dispose()
        raise


async def wallet_service(settings: CoreSettings, tracer: TracerProvider | None = None) -> WalletService:
    """The gRPC service of ``settings``: its ledger (``ledger_for``) and its clients' tokens. The
    caller closes ``service.ledger``. With ``tracer``, each call's span carries the ledger's decision,
    and the store's SQL is traced too when ``[core.tracing] sql`` is on."""
    ledger = await ledger_for(
        settings.database_url,
        settings.currencies,
        pool_size=settings.pool_size,
        max_payout_multiples=settings.max_payout_multiples,
        daily_budgets=settings.daily_budgets,
        limits_time_zone=settings.limits_time_zone,
        sql_tracer=tracer if settings.tracing.sql else None,
    )
    service = WalletService(ledger, Authenticator(settings.clients), AdminAudit(ledger.engine))
    if tracer is not None:
        from wallet_core.tracing import CallSpans  # OpenTelemetry is imported only when tracing is on

        service.tracing = CallSpans(tracer)
    return service
