"""`wallet up` with NATS configured relays the outbox's events, and `wallet events tail` shows them
(the README's "Events" demo), against the machine's NATS with a stream of the test's own."""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
from pathlib import Path

import grpc

from tests.support.nats import delete_stream, machine_nats, unique_names
from tests.wallet_cli.demo_config import demo_config_at, environment, fresh_addresses, wallet
from tests.wallet_cli.test_up import wait_until_up
from wallet.v1 import wallet_pb2 as pb
from wallet.v1 import wallet_pb2_grpc


def test_wallet_up_relays_events_and_events_tail_shows_them(tmp_path: Path) -> None:
    url = machine_nats()
    stream, prefix = unique_names()
    addresses = fresh_addresses()
    config = demo_config_at(tmp_path / "wallet.toml", addresses, tmp_path / "wallet.db")
    env = environment(WALLET__RELAY__NATS_URL=url, WALLET__RELAY__STREAM=stream, WALLET__RELAY__SUBJECT_PREFIX=prefix)
    log = tmp_path / "up.log"
    try:
        with log.open("wb") as stderr:
            up = subprocess.Popen(wallet("up", "--config", str(config)), stderr=stderr, env=env, cwd=tmp_path)
            try:
                wait_until_up(addresses, up, log)
                with grpc.insecure_channel(addresses["core"]) as channel:
                    wallet_pb2_grpc.WalletServiceStub(channel).Debit(
                        pb.DebitRequest(
                            provider="aigame",
                            transaction_id="events-demo-1",
                            player_id="demo1",
                            currency="USD",
                            amount="2.50",
                            round_id="r1",
                        ),
                        metadata=[("authorization", "Bearer demo-admin-token")],
                        timeout=5,
                    )
                tail = subprocess.run(
                    wallet("events", "tail", "--config", str(config), "--count", "1"),
                    capture_output=True,
                    text=True,
                    env=env,
                    timeout=30,
                )
                assert tail.returncode == 0, tail.stderr
                shown = json.loads(tail.stdout)
                assert shown["subject"] == f"{prefix}.aigame.debit"
                transaction = shown["event"]["transaction"]
                assert (transaction["transaction_id"], transaction["amount"], transaction["balance_after"]) == (
                    "events-demo-1",
                    "2.50",
                    "997.50",
                )
                up.send_signal(signal.SIGINT)
                assert up.wait(timeout=15) == 0, log.read_text()
            finally:
                if up.poll() is None:
                    up.kill()
                    up.wait(timeout=10)
    finally:
        asyncio.run(delete_stream(url, stream))
    assert '"relay running"' in log.read_text()


def test_wallet_relay_without_nats_url_says_so_in_one_line(tmp_path: Path) -> None:
    config = tmp_path / "wallet.toml"
    config.write_text('[core]\nlisten = "127.0.0.1:1"\n')
    result = subprocess.run(wallet("relay", "--config", str(config)), capture_output=True, text=True, timeout=30)
    assert result.returncode == 2
    assert result.stderr.strip().startswith("wallet: no [relay] nats_url in the configuration")
