"""The run's database, fresh for each run: a PostgreSQL database created on a server and dropped
afterwards, or a SQLite file; migrated with the project's migrations unless asked not to (a run of
another checkout migrates with its own)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url

from wallet_core.store.migrate import upgrade
from wallet_core.store.postgres_hosts import asyncpg_dsn

POSTGRESQL, SQLITE = "postgresql", "sqlite"


def dsn(url: str) -> str:
    """A SQLAlchemy URL as a plain libpq DSN for asyncpg (a multi-host URL's hosts all kept)."""
    return asyncpg_dsn(url)


@dataclass(frozen=True)
class Database:
    kind: str  # POSTGRESQL or SQLITE
    url: str  # SQLAlchemy URL, as the core's config takes it
    path: Path | None = None  # the SQLite file

    @property
    def name(self) -> str:
        return str(make_url(self.url).database)


async def sqlite_database(path: Path, *, migrate: bool = True) -> Database:
    database = Database(SQLITE, f"sqlite+aiosqlite:///{path}", path)
    if migrate:
        await upgrade(database.url)
    return database


async def create_postgres_database(server_url: str, prefix: str, *, migrate: bool = True) -> Database:
    """A new database `<prefix><random>` on the server of `server_url`; OSError or asyncpg's error
    when no server answers."""
    name = f"{prefix}{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(dsn(server_url), timeout=5)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    url = make_url(server_url).set(drivername="postgresql+asyncpg", database=name)
    database = Database(POSTGRESQL, url.render_as_string(hide_password=False))
    if migrate:
        try:
            await upgrade(database.url)
        except BaseException:
            await drop_database(database, server_url)  # nobody else would know it exists
            raise
    return database


async def drop_database(database: Database, server_url: str) -> None:
    """Drop a PostgreSQL database of the run, whoever is still connected (a SQLite file goes with
    the run's directory)."""
    if database.kind != POSTGRESQL:
        return
    admin = await asyncpg.connect(dsn(server_url), timeout=10)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{database.name}" WITH (FORCE)')
    finally:
        await admin.close()
