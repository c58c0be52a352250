"""Bring a database to the newest schema with Alembic (``wallet db upgrade``), or back to an
older one (a rolled-back deploy; the tests take every migration down and up again)."""

from __future__ import annotations

from collections.abc import Callable

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from wallet_core.store.database import create_engine


def alembic_config(database_url: str = "") -> Config:
    config = Config()
    config.set_main_option("script_location", "wallet_core:migrations")
    if database_url:
        config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


async def upgrade(database_url: str, revision: str = "head") -> None:
    await _run(database_url, lambda config: command.upgrade(config, revision))


async def downgrade(database_url: str, revision: str) -> None:
    await _run(database_url, lambda config: command.downgrade(config, revision))


async def _run(database_url: str, alembic_command: Callable[[Config], None]) -> None:
    """An Alembic command on the wallet's own engine, in one transaction (but a migration's autocommit block)."""
    config = alembic_config(database_url)

    def run(connection: Connection) -> None:
        config.attributes["connection"] = connection
        alembic_command(config)

    engine = create_engine(database_url)
    try:
        # Not begun here: Alembic begins the transaction itself, so that a migration can step out of it
        # (autocommit_block: CREATE INDEX CONCURRENTLY) and back in.
        async with engine.connect() as connection:
            await connection.run_sync(run)
            await connection.commit()
    finally:
        await engine.dispose()


async def is_current(database_url: str) -> bool:
    """Whether the database is at the newest revision (the core refuses to start otherwise)."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()

    def current(connection: Connection) -> str | None:
        return MigrationContext.configure(connection).get_current_revision()

    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(current) == head
    finally:
        await engine.dispose()
