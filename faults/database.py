"""The run's database, fresh for every run (`devstack.databases`): a PostgreSQL database created for it
and dropped after it (`drop_database`), or a SQLite file. PostgreSQL's own restart is in `postgres.py`."""

from __future__ import annotations

from pathlib import Path

from devstack.databases import SQLITE, Database, create_postgres_database, sqlite_database

DATABASE_PREFIX = "wallet_faults_"


async def fresh_store(kind: str, server_url: str, workdir: Path) -> Database:
    if kind == SQLITE:
        return await sqlite_database(workdir / "wallet.db")
    return await create_postgres_database(server_url, DATABASE_PREFIX)
