"""`wallet core` as real processes: two servers on one database share no lock but the store's."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal
from pathlib import Path

import grpc

from devstack.config import Identity, core_section, write_config
from devstack.ports import free_port
from devstack.processes import Server
from devstack.wallet import start_core
from tests.support.core import ADMIN_TOKEN, TEST_CURRENCIES, bearer, token_for
from tests.wallet_core.helpers import error_info
from wallet.v1 import wallet_pb2 as pb
from wallet.v1 import wallet_pb2_grpc

CLIENTS = (Identity("admin", ADMIN_TOKEN, ["*"], admin=True), Identity("tests", token_for("tests"), ["tests"]))


def core_config(path: Path, database_url: str, port: int) -> Path:
    return write_config(
        path, core=core_section(port=port, database_url=database_url, currencies=TEST_CURRENCIES, clients=CLIENTS)
    )


@asynccontextmanager
async def core_process(tmp_path: Path, database_url: str, name: str) -> AsyncIterator[tuple[Server, int]]:
    """A core process on its own port, serving (its health service says so) until the block ends."""
    port = free_port()
    config = core_config(tmp_path / f"{name}.toml", database_url, port)
    server = await start_core(config, port, tmp_path / f"{name}.log", log_level="WARNING")
    try:
        yield server, port
    finally:
        await server.stop()


@asynccontextmanager
async def stub_at(port: int) -> AsyncIterator[wallet_pb2_grpc.WalletServiceStub]:
    async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
        yield wallet_pb2_grpc.WalletServiceStub(channel)


@asynccontextmanager
async def two_cores(
    tmp_path: Path, database_url: str
) -> AsyncIterator[tuple[wallet_pb2_grpc.WalletServiceStub, wallet_pb2_grpc.WalletServiceStub]]:
    """Two core processes on one database, a stub at each; the first has opened racer's account of
    100.00 USD."""
    async with (
        core_process(tmp_path, database_url, "core0") as (_, port0),
        core_process(tmp_path, database_url, "core1") as (_, port1),
        stub_at(port0) as first,
        stub_at(port1) as second,
    ):
        await first.CreateAccount(
            pb.CreateAccountRequest(player_id="racer", currency="USD", initial_balance="100.00"),
            metadata=bearer(ADMIN_TOKEN),
        )
        yield first, second


async def race(first: wallet_pb2_grpc.WalletServiceStub, second: wallet_pb2_grpc.WalletServiceStub) -> list[str]:
    """50 concurrent bets of 10.00 USD by racer, every other one through each core: "OK" or the
    reason of its refusal (each a FAILED_PRECONDITION); then the balance, as a last item."""

    async def debit(i: int) -> str:
        stub = first if i % 2 else second
        try:
            await stub.Debit(
                pb.DebitRequest(
                    provider="tests", transaction_id=f"race-{i}", player_id="racer", currency="USD", amount="10.00"
                ),
                metadata=bearer(token_for("tests")),
                timeout=30,
            )
        except grpc.aio.AioRpcError as error:
            assert error.code() == grpc.StatusCode.FAILED_PRECONDITION, error
            return error_info(error).reason
        return "OK"

    outcomes = await asyncio.gather(*(debit(i) for i in range(50)))
    balance = await second.GetBalance(
        pb.GetBalanceRequest(player_id="racer", currency="USD"), metadata=bearer(ADMIN_TOKEN)
    )
    return [*outcomes, balance.account.balance]


async def test_two_core_processes_never_overdraw(database_url: str, tmp_path: Path) -> None:
    """50 concurrent debits through two server processes on one database, against a balance
    that fits 10: exactly 10 succeed and the balance ends at 0."""
    async with two_cores(tmp_path, database_url) as (first, second):
        *outcomes, balance = await race(first, second)
    assert (outcomes.count("OK"), outcomes.count("INSUFFICIENT_FUNDS")) == (10, 40)
    assert Decimal(balance) == 0


async def test_two_core_processes_never_pass_a_daily_loss_limit(database_url: str, tmp_path: Path) -> None:
    """The same race against a daily loss limit that fits 10 bets of a balance that fits all 50."""
    async with two_cores(tmp_path, database_url) as (first, second):
        await second.Credit(
            pb.CreditRequest(
                provider="tests", transaction_id="top-up", player_id="racer", currency="USD", amount="400"
            ),
            metadata=bearer(token_for("tests")),
        )
        await second.SetLimits(
            pb.SetLimitsRequest(player_id="racer", currency="USD", max_daily_loss="100.00"),
            metadata=bearer(ADMIN_TOKEN),
        )
        *outcomes, balance = await race(first, second)
    assert (outcomes.count("OK"), outcomes.count("LIMIT_REACHED")) == (10, 40)
    assert Decimal(balance) == 400


async def test_sigterm_drains_and_exits_cleanly(database_url: str, tmp_path: Path) -> None:
    async with core_process(tmp_path, database_url, "core") as (server, port):
        async with stub_at(port) as stub:
            await stub.CreateAccount(
                pb.CreateAccountRequest(player_id="p", currency="USD", initial_balance="5"),
                metadata=bearer(ADMIN_TOKEN),
            )
        server.process.terminate()
        assert await asyncio.wait_for(server.process.wait(), timeout=20) == 0


def test_core_refuses_an_unmigrated_database(tmp_path: Path) -> None:
    config = core_config(tmp_path / "core.toml", f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}", free_port())
    result = subprocess.run(
        [sys.executable, "-m", "wallet_cli", "core", "--config", str(config)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "wallet db upgrade" in result.stderr
