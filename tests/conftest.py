"""Fixtures shared by every test: the two stores and a real core server on loopback; and whether the
PostgreSQL tests ran, said at the end of every run (a skip is easy to miss among hundreds of dots)."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from tests.support import databases
from tests.support.core import CoreHandle, running_core
from wallet_core.store.migrate import upgrade


@pytest.fixture(scope="session")
async def postgres_database() -> AsyncIterator[str | None]:
    url = await databases.create_postgres_database()
    yield url
    if url is not None:
        await databases.drop_postgres_database(url)


@pytest.fixture(params=["sqlite", "postgres"])
async def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, postgres_database: str | None
) -> AsyncIterator[str]:
    """A migrated, empty ledger database on each store."""
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'wallet.db'}"
        await upgrade(url)
        yield url
        return
    if postgres_database is None:
        pytest.skip(f"PostgreSQL not reachable at {databases.POSTGRES_URL} (set WALLET_TEST_POSTGRES_URL)")
    await databases.empty_postgres_database(postgres_database)
    yield postgres_database


@pytest.fixture
async def core(database_url: str) -> AsyncIterator[CoreHandle]:
    """A real core gRPC server on 127.0.0.1 over a fresh database of each store."""
    async with running_core(database_url) as handle:
        yield handle


def uses_postgres(item: pytest.Item) -> bool:
    """A test on PostgreSQL: the "postgres" store among its parameters, or (not on the "sqlite" one) a
    fixture named for it among those it needs, however indirectly."""
    callspec = getattr(item, "callspec", None)
    values = callspec.params.values() if callspec is not None else ()
    stores = {value for value in values if isinstance(value, str) and value in {"sqlite", "postgres"}}
    if stores:
        return stores == {"postgres"}
    return any("postgres" in name for name in getattr(item, "fixturenames", ()))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # So that `-m "not postgres"` (make unit) leaves out every test that needs the server.
    for item in items:
        if uses_postgres(item) and item.get_closest_marker("postgres") is None:
            item.add_marker(pytest.mark.postgres)


_postgres_outcomes: Counter[str] = Counter()
_postgres_skip_reasons: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if "postgres" not in report.keywords or not (report.when == "call" or report.skipped):
        return
    _postgres_outcomes[report.outcome] += 1
    if report.skipped and isinstance(report.longrepr, tuple):
        _postgres_skip_reasons.append(str(report.longrepr[2]).removeprefix("Skipped: "))


@pytest.hookimpl(trylast=True)  # after the coverage table, just above the skip reasons and the totals
def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    ran = _postgres_outcomes["passed"] + _postgres_outcomes["failed"]
    skipped = _postgres_outcomes["skipped"]
    server = make_url(databases.POSTGRES_URL).render_as_string(hide_password=True)
    if ran:
        line = f"PostgreSQL tests: {ran} ran against {server}" + (f", {skipped} skipped" if skipped else "")
    elif skipped:
        line = f"PostgreSQL tests: skipped ({skipped}): {_postgres_skip_reasons[0]}"
    else:
        line = "PostgreSQL tests: none selected"
    terminalreporter.write_line(line, yellow=not ran, green=bool(ran))
