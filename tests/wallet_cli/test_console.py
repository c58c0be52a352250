"""``wallet console-password`` and ``wallet console`` as an operator meets them."""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

import httpx

from tests.wallet_cli.demo_config import demo_config_at, environment, fresh_addresses, wallet
from wallet_console.passwords import verify


def test_console_password_prints_a_staff_table_with_an_argon2_hash() -> None:
    result = subprocess.run(
        wallet("console-password", "ann", "--role", "finance"),
        input="a-long-password\n",
        capture_output=True,
        text=True,
        env=environment(),
        timeout=60,
        check=True,
    )
    lines = result.stdout.splitlines()
    assert lines[:2] == ["[console.staff.ann]", 'role = "finance"']
    password_hash = lines[2].removeprefix('password_hash = "').removesuffix('"')
    assert verify(password_hash, "a-long-password")
    assert "a-long-password" not in result.stdout


def test_console_password_refuses_a_short_password() -> None:
    result = subprocess.run(
        wallet("console-password", "ann"),
        input="short\n",
        capture_output=True,
        text=True,
        env=environment(),
        timeout=60,
    )
    assert (result.returncode, result.stderr.strip()) == (2, "wallet: a staff password has at least 8 characters")


def test_console_without_its_section_is_one_line(tmp_path: Path) -> None:
    config = tmp_path / "wallet.toml"
    config.write_text('[core]\nlisten = "127.0.0.1:50051"\n')
    result = subprocess.run(
        wallet("console", "--config", str(config)), capture_output=True, text=True, env=environment(), timeout=60
    )
    assert result.returncode == 2
    assert result.stderr.strip() == "wallet: no [console] section in the configuration (docs/console.md)"


def test_wallet_console_serves_the_sign_in_and_stops_on_sigint(tmp_path: Path) -> None:
    addresses = fresh_addresses()
    config = demo_config_at(tmp_path / "wallet.toml", addresses, tmp_path / "wallet.db")
    log = tmp_path / "console.log"
    with log.open("wb") as stderr:
        process = subprocess.Popen(wallet("console", "--config", str(config)), stderr=stderr, env=environment())
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, log.read_text()
            try:
                answer = httpx.get(f"http://{addresses['console']}/signin", timeout=1)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "the console did not start"
                time.sleep(0.1)
        assert answer.status_code == 200 and "Sign in" in answer.text
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=15) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
