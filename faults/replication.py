"""A PostgreSQL primary and its synchronous standby, built on this machine for the failover drill and
dropped after it: two new Debian clusters (`pg_createcluster`), the standby cloned with
`pg_basebackup -R` and streaming from the primary, which waits for it on every commit
(`synchronous_standby_names`, `synchronous_commit = on`). The drill SIGKILLs the primary's postmaster
and promotes the standby.

Only the clusters named here are created, stopped or dropped (their names carry `PREFIX` and a random
part); the machine's own clusters are never touched. Dropping is synchronous so that it also runs
while an interrupted run unwinds.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg

from devstack.ports import LOOPBACK, free_ports

PREFIX = "wallet_failover_"
BINARIES = Path("/usr/lib/postgresql")
CONFIGURATIONS = Path("/etc/postgresql")
TOOLS = ("pg_createcluster", "pg_ctlcluster", "pg_dropcluster", "runuser")
READY_SECONDS = 60.0
COMMON_SETTINGS = {"listen_addresses": LOOPBACK, "shared_buffers": "16MB", "max_connections": "60"}
PRIMARY_SETTINGS = {
    # Any standby is the synchronous one: there is one. A commit returns only once it has flushed the
    # commit's WAL (synchronous_commit = on): what the wallet acknowledged survives the primary.
    "synchronous_standby_names": "*",
    "synchronous_commit": "on",
}


class ReplicationFailed(Exception):
    """A cluster could not be created, started, cloned or promoted."""


def server_version() -> str | None:
    """The newest PostgreSQL server installed in Debian's layout (`/usr/lib/postgresql/N/bin`)."""
    versions = (
        [p.name for p in BINARIES.iterdir() if (p / "bin" / "pg_basebackup").exists()] if BINARIES.is_dir() else []
    )
    return max(versions, key=int) if versions else None


def why_not_buildable() -> str | None:
    """None when this process can build the pair here; otherwise why not (the drill is skipped)."""
    if server_version() is None:
        return f"no PostgreSQL server under {BINARIES}"
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        return f"not installed: {', '.join(missing)} (Debian's postgresql-common)"
    if os.geteuid() != 0:
        return "pg_createcluster needs root"
    return None


@dataclass(frozen=True)
class Node:
    version: str
    name: str
    port: int

    @property
    def data_directory(self) -> Path:
        return Path("/var/lib/postgresql") / self.version / self.name

    @property
    def configuration(self) -> Path:
        return CONFIGURATIONS / self.version / self.name

    @property
    def address(self) -> str:
        return f"{LOOPBACK}:{self.port}"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+asyncpg://postgres@{self.address}/{database}"

    def postmaster_pid(self) -> int:
        return int((self.data_directory / "postmaster.pid").read_text().split()[0])


def _run(*argv: str) -> str:
    done = subprocess.run(argv, capture_output=True, text=True, check=False, timeout=120)
    if done.returncode != 0:
        said = (done.stderr or done.stdout).strip().splitlines()[-3:]
        raise ReplicationFailed(f"{' '.join(argv[:4])}… exited with {done.returncode}: {' / '.join(said)}")
    return done.stdout


@dataclass
class ReplicatedPair:
    primary: Node
    standby: Node
    created: list[Node] = field(default_factory=list)
    """The clusters this object created: the only ones it drops."""

    @classmethod
    def new(cls) -> ReplicatedPair:
        version = server_version()
        if version is None:
            raise ReplicationFailed(f"no PostgreSQL server under {BINARIES}")
        run = uuid.uuid4().hex[:8]
        primary_port, standby_port = free_ports(2)
        return cls(Node(version, f"{PREFIX}{run}_a", primary_port), Node(version, f"{PREFIX}{run}_b", standby_port))

    def url(self, database: str = "postgres") -> str:
        """Both servers, the writable one chosen at connect time: how the wallet's core is configured."""
        hosts = "&".join(f"host={node.address}" for node in (self.primary, self.standby))
        return f"postgresql+asyncpg://postgres@/{database}?{hosts}&target_session_attrs=read-write"

    # --- building ----------------------------------------------------------------------------------

    def _create(self, node: Node, settings: dict[str, str]) -> None:
        self.created.append(node)  # before: an interrupted pg_createcluster may leave part of it
        _run(
            "pg_createcluster",
            node.version,
            node.name,
            "--port",
            str(node.port),
            "--",
            "--auth-local=trust",
            "--auth-host=trust",
        )
        lines = [f"{key} = '{value}'" for key, value in {**COMMON_SETTINGS, **settings}.items()]
        (node.configuration / "conf.d" / "wallet-failover.conf").write_text("\n".join(lines) + "\n")

    def _start(self, node: Node) -> None:
        _run("pg_ctlcluster", "--skip-systemctl-redirect", node.version, node.name, "start")

    def build(self) -> None:
        """Create and start the primary; create the standby, replace its data with a base backup of
        the primary (`-R`: it starts as a standby streaming from it); start it."""
        self._create(self.primary, PRIMARY_SETTINGS)
        self._start(self.primary)
        self._create(self.standby, {})
        for entry in self.standby.data_directory.iterdir():
            shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
        _run(
            "runuser",
            "-u",
            "postgres",
            "--",
            str(BINARIES / self.standby.version / "bin" / "pg_basebackup"),
            "--pgdata",
            str(self.standby.data_directory),
            "--write-recovery-conf",
            "--wal-method=stream",
            "--checkpoint=fast",
            "--host",
            LOOPBACK,
            "--port",
            str(self.primary.port),
            "--username",
            "postgres",
        )
        self._start(self.standby)

    async def wait_synchronous(self, within_seconds: float = READY_SECONDS) -> None:
        """Until the primary reports its standby streaming as the synchronous one."""
        give_up = time.monotonic() + within_seconds
        while True:
            connection = await asyncpg.connect(host=LOOPBACK, port=self.primary.port, user="postgres", timeout=5)
            try:
                states = await connection.fetch("SELECT state, sync_state FROM pg_stat_replication")
            finally:
                await connection.close()
            if any(row["state"] == "streaming" and row["sync_state"] == "sync" for row in states):
                return
            if time.monotonic() > give_up:
                raise ReplicationFailed(f"no synchronous standby after {within_seconds:.0f} s: {states}")
            await asyncio.sleep(0.2)

    # --- the fault -------------------------------------------------------------------------------

    def kill_primary(self) -> int:
        """SIGKILL the primary's postmaster (its backends and WAL sender exit when they see it gone);
        the pid killed."""
        pid = self.primary.postmaster_pid()
        os.kill(pid, signal.SIGKILL)
        return pid

    async def promote(self) -> None:
        """`pg_ctlcluster … promote` (pg_ctl waits until the standby accepts writes)."""
        process = await asyncio.create_subprocess_exec(
            "pg_ctlcluster",
            "--skip-systemctl-redirect",
            self.standby.version,
            self.standby.name,
            "promote",
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        output, _ = await process.communicate()
        if process.returncode != 0:
            raise ReplicationFailed(f"promote exited with {process.returncode}: {output.decode(errors='replace')}")

    # --- cleaning up -----------------------------------------------------------------------------

    def drop(self) -> list[str]:
        """`pg_dropcluster --stop` every cluster this pair created; what could not be dropped."""
        failures = []
        for node in reversed(self.created):
            if not node.configuration.exists():
                continue  # never created (pg_createcluster failed before writing anything)
            try:
                _run("pg_dropcluster", "--stop", node.version, node.name)
                shutil.rmtree(node.configuration, ignore_errors=True)  # our conf.d file keeps it
            except (ReplicationFailed, subprocess.TimeoutExpired) as error:
                failures.append(f"{node.name}: {error}")
        self.created.clear()
        return failures


@asynccontextmanager
async def replicated_pair() -> AsyncIterator[ReplicatedPair]:
    """A primary and a synchronous standby, streaming; both dropped afterwards, however the block ends."""
    pair = ReplicatedPair.new()
    try:
        pair.build()  # in this thread: an interrupt finds the clusters already in `created`
        await pair.wait_synchronous()
        yield pair
    finally:
        failures = pair.drop()
        if failures:
            raise ReplicationFailed(f"clusters left behind: {'; '.join(failures)}")
