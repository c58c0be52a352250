"""`wallet core` as real processes: two servers on one database share no lock but the store's."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from decimal import Decimal
from pathlib import Path

import grpc

from tests.support.core import ADMIN_TOKEN, TEST_CURRENCIES, bearer, token_for
from wallet.v1 import wallet_pb2 as pb
from wallet.v1 import wallet_pb2_grpc


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def write_config(path: Path, database_url: str, port: int) -> Path:
    currencies = "\n".join(f"{code} = {scale}" for code, scale in TEST_CURRENCIES.items())
    path.write_text(f"""
[core]
listen = "127.0.0.1:{port}"
database_url = "{database_url}"
shutdown_grace_seconds = 5

[core.currencies]
{currencies}

[[core.clients]]
name = "admin"
token = "{ADMIN_TOKEN}"
providers = ["*"]
admin = true

[[core.clients]]
name = "tests"
token = "{token_for('tests')}"
providers = ["tests"]
""")
    return path


@contextmanager
def core_process(config: Path) -> Iterator[subprocess.Popen[bytes]]:
    process = subprocess.Popen(
        [sys.executable, "-m", "wallet_cli", "core", "--config", str(config), "--log-level", "WARNING"],
        env={**os.environ, "PYTHONWARNINGS": "ignore"}, stderr=subprocess.PIPE,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=15)
        assert process.stderr is not None
        process.stderr.close()


@asynccontextmanager
async def stub_when_ready(port: int) -> AsyncIterator[wallet_pb2_grpc.WalletServiceStub]:
    async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
        await asyncio.wait_for(channel.channel_ready(), timeout=30)
        yield wallet_pb2_grpc.WalletServiceStub(channel)


async def test_two_core_processes_never_overdraw(database_url: str, tmp_path: Path) -> None:
    """50 concurrent debits through two server processes on one database, against a balance
    that fits 10: exactly 10 succeed and the balance ends at 0."""
    ports = [free_port(), free_port()]
    configs = [write_config(tmp_path / f"core{i}.toml", database_url, port) for i, port in enumerate(ports)]
    with core_process(configs[0]), core_process(configs[1]):
        async with stub_when_ready(ports[0]) as first, stub_when_ready(ports[1]) as second:
            await first.CreateAccount(pb.CreateAccountRequest(player_id="racer", currency="USD",
                                                              initial_balance="100.00"), metadata=bearer(ADMIN_TOKEN))

            async def debit(i: int) -> bool:
                stub = first if i % 2 else second
                try:
                    await stub.Debit(pb.DebitRequest(provider="tests", transaction_id=f"race-{i}", player_id="racer",
                                                     currency="USD", amount="10.00"),
                                     metadata=bearer(token_for("tests")), timeout=30)
                except grpc.aio.AioRpcError as error:
                    assert error.code() == grpc.StatusCode.FAILED_PRECONDITION, error
                    return False
                return True

            results = await asyncio.gather(*(debit(i) for i in range(50)))
            balance = await second.GetBalance(pb.GetBalanceRequest(player_id="racer", currency="USD"),
                                              metadata=bearer(ADMIN_TOKEN))
    assert sum(results) == 10
    assert Decimal(balance.account.balance) == 0


async def test_sigterm_drains_and_exits_cleanly(database_url: str, tmp_path: Path) -> None:
    port = free_port()
    config = write_config(tmp_path / "core.toml", database_url, port)
    with core_process(config) as process:
        async with stub_when_ready(port) as stub:
            await stub.CreateAccount(pb.CreateAccountRequest(player_id="p", currency="USD", initial_balance="5"),
                                     metadata=bearer(ADMIN_TOKEN))
        process.terminate()
        assert process.wait(timeout=20) == 0


def test_core_refuses_an_unmigrated_database(tmp_path: Path) -> None:
    config = write_config(tmp_path / "core.toml", f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}", free_port())
    result = subprocess.run([sys.executable, "-m", "wallet_cli", "core", "--config", str(config)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "wallet db upgrade" in result.stderr

