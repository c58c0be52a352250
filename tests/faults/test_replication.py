"""The failover drill's primary and synchronous standby: built streaming synchronously, promoted after
the primary's SIGKILL with what was committed on it, and dropped however the block ends, leaving the
machine's clusters as they were."""

from __future__ import annotations

import asyncpg
import pytest

from devstack.databases import dsn
from faults import replication
from faults.replication import ReplicatedPair, replicated_pair
from tests.support.databases import postgres_required


class Interrupted(Exception):
    pass


def clusters() -> set[str]:
    return {f"{p.parent.name}/{p.name}" for p in replication.CONFIGURATIONS.glob("*/*")}


def buildable_or_skip() -> None:
    reason = replication.why_not_buildable()
    if reason is not None:
        if postgres_required():
            pytest.fail(f"the failover drill cannot run here, and CI requires it: {reason}")
        pytest.skip(f"no primary and standby built here: {reason}")


def test_the_url_names_both_and_asks_for_the_writable_one() -> None:
    pair = ReplicatedPair(replication.Node("15", "a", 5001), replication.Node("15", "b", 5002))
    assert pair.url("ledger") == (
        "postgresql+asyncpg://postgres@/ledger?host=127.0.0.1:5001&host=127.0.0.1:5002&target_session_attrs=read-write"
    )
    assert (
        dsn(pair.url("ledger"))
        == "postgresql://postgres@127.0.0.1:5001,127.0.0.1:5002/ledger?target_session_attrs=read-write"
    )


@pytest.mark.postgres
async def test_failover_keeps_the_commits_and_the_pair_is_dropped_even_on_failure() -> None:
    buildable_or_skip()
    before = clusters()
    seen: list[ReplicatedPair] = []
    with pytest.raises(Interrupted):
        async with replicated_pair() as pair:
            seen.append(pair)
            assert clusters() - before == {
                f"{pair.primary.version}/{pair.primary.name}",
                f"{pair.standby.version}/{pair.standby.name}",
            }
            connection = await asyncpg.connect(dsn(pair.url()), timeout=5)
            try:
                await connection.execute("CREATE TABLE acknowledged (id int); INSERT INTO acknowledged VALUES (1)")
            finally:
                await connection.close()
            pair.kill_primary()
            await pair.promote()
            connection = await asyncpg.connect(dsn(pair.url()), timeout=5)
            try:
                assert await connection.fetchval("SELECT count(*) FROM acknowledged") == 1
                assert not await connection.fetchval("SELECT pg_is_in_recovery()")
            finally:
                await connection.close()
            raise Interrupted
    assert clusters() == before
    assert not seen[0].primary.data_directory.exists() and not seen[0].standby.data_directory.exists()
