"""The run's database, fresh for every run: a PostgreSQL database created for it and dropped after it,
or a SQLite file (`bench.stores`). PostgreSQL's own restart is in `postgres.py`."""

from __future__ import annotations

import uuid
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url

from bench.stores import Store, dsn, sqlite_store
from wallet_core.store.migrate import upgrade

DATABASE_PREFIX = "wallet_faults_"


async def fresh_postgres(server_url: str) -> Store:
    """A new, migrated database on the server of `server_url`; OSError or asyncpg's error when none answers."""
    name = f"{DATABASE_PREFIX}{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(dsn(server_url), timeout=5)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    url = make_url(server_url).set(drivername="postgresql+asyncpg", database=name)
    store = Store("postgresql", url.render_as_string(hide_password=False))
    await upgrade(store.url)
    return store


async def fresh_store(kind: str, server_url: str, workdir: Path) -> Store:
    if kind == "sqlite":
        return await sqlite_store(workdir / "wallet.db")
    return await fresh_postgres(server_url)


async def drop(store: Store, server_url: str) -> None:
    """Drop a PostgreSQL run database (a SQLite file goes with the run's directory)."""
    if store.kind != "postgresql":
        return
    admin = await asyncpg.connect(dsn(server_url), timeout=10)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{make_url(store.url).database}" WITH (FORCE)')
    finally:
        await admin.close()
