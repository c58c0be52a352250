"""Restarting PostgreSQL under load (`pg_ctlcluster` on this machine), and whether that is allowed here.

A restart ends every session on the server, not only the run's: `other_sessions` lists who else is
connected, so that `--postgres-restart if-alone` (what the test suite uses) can leave a busy server alone.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import time
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url

from devstack.databases import dsn

CLUSTERS = Path("/etc/postgresql")
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


class PostgresRestartFailed(Exception):
    """pg_ctlcluster failed, or the server did not answer again in time."""


def cluster_version() -> str | None:
    """The one PostgreSQL version with a cluster on this machine (Debian's layout), if exactly one."""
    versions = sorted(p.name for p in CLUSTERS.iterdir()) if CLUSTERS.is_dir() else []
    return versions[0] if len(versions) == 1 else None


def why_not_restartable(server_url: str) -> str | None:
    """None when this process can restart the server of `server_url`; otherwise why not."""
    if make_url(server_url).host not in LOCAL_HOSTS:
        return f"PostgreSQL at {make_url(server_url).host} is not on this machine"
    if cluster_version() is None:
        return f"no single PostgreSQL cluster under {CLUSTERS}"
    if shutil.which("pg_ctlcluster") is None:
        return "pg_ctlcluster is not installed"
    if os.geteuid() != 0:
        return "pg_ctlcluster needs root"
    return None


async def other_sessions(server_url: str, own_database: str) -> list[str]:
    """Client sessions on the server other than the run's own database and this query's."""
    connection = await asyncpg.connect(dsn(server_url), timeout=5)
    try:
        rows = await connection.fetch(
            "SELECT datname, application_name, client_addr::text AS addr FROM pg_stat_activity "
            "WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() AND datname IS DISTINCT FROM $1",
            own_database,
        )
    finally:
        await connection.close()
    return [f"{r['datname']} ({r['application_name'] or r['addr'] or 'local'})" for r in rows]


async def wait_until_answering(server_url: str, within_seconds: float = 60) -> float:
    """Seconds until a connection to the server succeeds."""
    started = time.monotonic()
    while True:
        try:
            connection = await asyncpg.connect(dsn(server_url), timeout=2)
        except (OSError, asyncpg.PostgresError, TimeoutError):
            if time.monotonic() - started > within_seconds:
                raise PostgresRestartFailed(f"PostgreSQL did not answer within {within_seconds:.0f} s") from None
            await asyncio.sleep(0.2)
            continue
        await connection.close()
        return time.monotonic() - started


async def restart(server_url: str) -> float:
    """`pg_ctlcluster --skip-systemctl-redirect VERSION main restart`, then wait until the server answers.
    Returns the seconds the server was away."""
    version = cluster_version()
    if version is None:
        raise PostgresRestartFailed(f"no single PostgreSQL cluster under {CLUSTERS}")
    started = time.monotonic()
    process = await asyncio.create_subprocess_exec(
        "pg_ctlcluster",
        "--skip-systemctl-redirect",
        version,
        "main",
        "restart",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await process.communicate()
    if process.returncode != 0:
        said = output.decode(errors="replace").strip()
        raise PostgresRestartFailed(f"pg_ctlcluster exited with {process.returncode}: {said}")
    await wait_until_answering(server_url)
    return time.monotonic() - started
