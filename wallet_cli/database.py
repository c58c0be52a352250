"""The database as the command line meets it: the URL a user may write, whether the schema is there,
and one line saying what is wrong when the database cannot be used (never a traceback)."""

from __future__ import annotations

import logging
import socket
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from wallet_cli.errors import CommandError
from wallet_core.store import migrate
from wallet_core.store.database import create_engine

ASYNC_DRIVERS = {"postgresql": "asyncpg", "sqlite": "aiosqlite"}
"""The one driver the wallet runs each store with (it is asynchronous throughout)."""
ALIASES = {"postgres": "postgresql"}
UPGRADE = "run `wallet db upgrade` first"


def with_async_driver(database_url: str) -> str:
    """``postgresql://…`` (as psql and most tools write it) is run with asyncpg, ``sqlite://…`` with
    aiosqlite; another driver, or another database, is refused in one line."""
    try:
        url = make_url(database_url)
    except ArgumentError:
        raise CommandError(
            f"not a database URL: {database_url!r} "
            "(e.g. postgresql://postgres@127.0.0.1:5432/wallet or sqlite:///wallet.db)"
        ) from None
    named, _, explicit = url.drivername.partition("+")
    backend = ALIASES.get(named, named)
    driver = ASYNC_DRIVERS.get(backend)
    if driver is None:
        raise CommandError(f"the wallet stores its ledger in PostgreSQL or SQLite, not {named}")
    if explicit and explicit != driver:
        raise CommandError(
            f"{backend} is used through {driver}: write {backend}+{driver}:// or {backend}://, not {url.drivername}://"
        )
    return url.set(drivername=f"{backend}+{driver}").render_as_string(hide_password=False)


def safe(database_url: str) -> str:
    """The URL without its password, for messages and logs."""
    return make_url(database_url).render_as_string(hide_password=True)


async def require_current_schema(database_url: str) -> None:
    """Refuse (CommandError) unless the database exists and is at the newest schema. A SQLite file that
    does not exist is not created here: only `wallet db upgrade` (and the demo's `wallet up`) create one."""
    missing = _missing_sqlite_file(database_url)
    if missing:
        raise CommandError(f"no database at {missing}: {UPGRADE} (it creates the file)")
    with _alembic_quiet():
        current = await migrate.is_current(database_url)
    if not current:
        raise CommandError(f"the database {safe(database_url)} is not at the newest schema: {UPGRADE}")


@asynccontextmanager
async def migrated_engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine on a database at the newest schema (else CommandError), disposed of afterwards: what an
    admin command that reads or writes the store's tables through wallet_core works on."""
    await require_current_schema(database_url)
    engine = create_engine(database_url)
    try:
        yield engine
    finally:
        await engine.dispose()


def require_sqlite_folder(database_url: str) -> None:
    """Refuse (CommandError) a SQLite file in a folder that does not exist: SQLite cannot create it, and
    a failed connect leaves aiosqlite's thread answering after the command's event loop has closed."""
    path = _sqlite_path(database_url)
    if path is not None and not path.parent.is_dir():
        raise CommandError(f"cannot open the SQLite database {path}: its folder {path.parent} does not exist")


def _missing_sqlite_file(database_url: str) -> Path | None:
    """The path of a SQLite database file that does not exist (connecting would create it empty)."""
    path = _sqlite_path(database_url)
    return None if path is None or path.exists() else path


def _sqlite_path(database_url: str) -> Path | None:
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


@contextmanager
def _alembic_quiet() -> Iterator[None]:
    """Alembic logs its context ("Context impl SQLiteImpl.") at INFO even to read the revision: noise
    for a command that only reads."""
    alembic = logging.getLogger("alembic.runtime.migration")
    previous = alembic.level
    alembic.setLevel(logging.WARNING)
    try:
        yield
    finally:
        alembic.setLevel(previous)


def explain(error: BaseException, database_url: str) -> str | None:
    """One line for an operator when the database cannot be used; None when ``error`` is not about it."""
    if isinstance(error, ConnectionRefusedError):
        return f"no database server answers at {_where(database_url)} (connection refused): is it running?"
    if isinstance(error, TimeoutError):
        return f"the database server at {_where(database_url)} did not answer in time"
    if isinstance(error, socket.gaierror):
        return f"the database host of {_where(database_url)} is unknown ({error.strerror})"
    if isinstance(error, ConnectionError) and not isinstance(error, BrokenPipeError):  # not stdout's reader
        return f"the connection to the database at {_where(database_url)} failed: {error.strerror or error}"
    if isinstance(error, SQLAlchemyError):
        return _explain_refusal(error, database_url)
    return None


def _explain_refusal(error: SQLAlchemyError, database_url: str) -> str:
    """The database answered, and refused: the first line of what it said, and what to do."""
    where = _where(database_url)
    cause = str(error.orig if isinstance(error, DBAPIError) else error).splitlines()[0]
    sqlstate = getattr(getattr(error, "orig", None), "sqlstate", None)
    if sqlstate == "3D000":  # invalid catalog name: no such database
        return (
            f"{cause} at {where}: create it (e.g. createdb {make_url(database_url).database}), "
            "then run `wallet db upgrade`"
        )
    return f"the database at {where} cannot be used: {cause}"


def _where(database_url: str) -> str:
    url = make_url(database_url)
    return (url.database or ":memory:") if url.get_backend_name() == "sqlite" else safe(database_url)
