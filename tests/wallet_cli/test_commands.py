"""`wallet db upgrade`, `wallet accounts ...` and `wallet verify` against both stores."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlalchemy import text

from wallet_core.store.database import create_engine


def wallet(*args: str, database_url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "wallet_cli", *args, "--database-url", database_url,
                           "--log-level", "WARNING"], capture_output=True, text=True, timeout=60)


async def test_accounts_and_verify(database_url: str) -> None:
    created = wallet("accounts", "create", "alice", "USD", "--balance", "12.34", database_url=database_url)
    assert created.returncode == 0, created.stderr
    assert "12.34" in created.stdout
    again = wallet("accounts", "create", "alice", "USD", database_url=database_url)
    assert again.returncode == 1 and "ACCOUNT_EXISTS" in again.stdout
    too_precise = wallet("accounts", "create", "bob", "USD", "--balance", "1.001", database_url=database_url)
    assert too_precise.returncode == 1 and "INVALID_AMOUNT" in too_precise.stdout

    shown = wallet("accounts", "show", "alice", database_url=database_url)
    assert shown.returncode == 0 and "USD" in shown.stdout and "12.34" in shown.stdout
    assert wallet("accounts", "show", "nobody", database_url=database_url).returncode == 1

    verified = wallet("verify", database_url=database_url)
    assert verified.returncode == 0, verified.stdout
    assert "0 mismatches" in verified.stdout

    # A balance changed behind the ledger's back is caught.
    engine = create_engine(database_url)
    async with engine.begin() as conn:
        await conn.execute(text("UPDATE accounts SET balance = balance + 1 WHERE player_id = 'alice'"))
    await engine.dispose()
    tampered = wallet("verify", database_url=database_url)
    assert tampered.returncode == 1
    assert "MISMATCH" in tampered.stdout and "alice" in tampered.stdout


def test_db_upgrade_creates_the_schema(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}"
    result = wallet("db", "upgrade", database_url=url)
    assert result.returncode == 0, result.stderr
    assert wallet("accounts", "create", "p", "BRL", database_url=url).returncode == 0


def test_unsupported_currency_is_refused(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}"
    wallet("db", "upgrade", database_url=url)
    result = wallet("accounts", "create", "p", "XXX", database_url=url)
    assert result.returncode == 1 and "UNSUPPORTED_CURRENCY" in result.stdout
