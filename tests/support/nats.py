"""NATS for tests: the machine's server at 127.0.0.1:4222 (JetStream enabled), or one of a test's
own (``nats-server -js``) that it may stop and start. Tests that need NATS skip with a clear
message when none answers, except in CI (CI=true or WALLET_REQUIRE_NATS=1), where that is a failure."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import nats
import pytest
from nats.js.errors import NotFoundError

from devstack.ports import free_port
from wallet.v1 import events_pb2

NATS_URL = os.environ.get("WALLET_TEST_NATS_URL", "nats://127.0.0.1:4222")
NATS_SERVER = shutil.which("nats-server") or "/usr/sbin/nats-server"


def nats_required() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true"} or os.environ.get("WALLET_REQUIRE_NATS") == "1"


def _answers(url: str) -> bool:
    host, _, port = url.removeprefix("nats://").rpartition(":")
    try:
        with socket.create_connection((host, int(port)), timeout=1):
            return True
    except OSError:
        return False


def machine_nats() -> str:
    """The machine's NATS, or skip (fail in CI)."""
    if not _answers(NATS_URL):
        message = f"NATS not reachable at {NATS_URL} (set WALLET_TEST_NATS_URL)"
        if nats_required():
            pytest.fail(message)
        pytest.skip(message)
    return NATS_URL


def own_nats_available() -> None:
    if not Path(NATS_SERVER).exists():
        message = f"no nats-server at {NATS_SERVER} (apt-get install nats-server)"
        if nats_required():
            pytest.fail(message)
        pytest.skip(message)


def unique_names() -> tuple[str, str]:
    """A stream name and subject prefix no other test (or helper on this machine) uses."""
    tag = uuid.uuid4().hex[:12]
    return f"TEST_{tag}", f"test_{tag}.transactions"


@dataclass
class OwnNats:
    """A nats-server of the test's own, with JetStream in ``store``: stopped (SIGKILL) and started
    again on the same port and store."""

    port: int
    store: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [NATS_SERVER, "-js", "-a", "127.0.0.1", "-p", str(self.port), "-sd", str(self.store)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def kill(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None

    async def ready(self, seconds: float = 10) -> None:
        for _ in range(int(seconds * 20)):
            if _answers(self.url):
                return
            await asyncio.sleep(0.05)
        raise AssertionError(f"nats-server did not start on {self.url}")


@contextmanager
def own_nats(tmp: Path) -> Iterator[OwnNats]:
    own_nats_available()
    server = OwnNats(free_port(), tmp / "jetstream")
    server.start()
    try:
        yield server
    finally:
        server.kill()


async def stream_events(url: str, stream: str) -> list[tuple[str, str, events_pb2.TransactionEvent]]:
    """Every message of ``stream``, in stream order: (subject, Nats-Msg-Id, event)."""
    nc = await nats.connect(url)
    try:
        js = nc.jetstream()
        info = await js.stream_info(stream)
        found: list[tuple[str, str, events_pb2.TransactionEvent]] = []
        if not info.state.messages:
            return found
        for sequence in range(info.state.first_seq, info.state.last_seq + 1):
            message = await js.get_msg(stream, sequence)
            headers = message.headers or {}
            assert message.data is not None and message.subject is not None
            found.append(
                (message.subject, headers.get("Nats-Msg-Id", ""), events_pb2.TransactionEvent.FromString(message.data))
            )
        return found
    finally:
        await nc.close()


async def delete_stream(url: str, stream: str) -> None:
    nc = await nats.connect(url)
    try:
        await nc.jetstream().delete_stream(stream)
    except NotFoundError:
        pass
    finally:
        await nc.close()
