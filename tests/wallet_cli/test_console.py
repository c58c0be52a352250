"""``wallet console-password`` and ``wallet console`` as an operator meets them."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.wallet_cli.demo_config import environment, wallet
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
