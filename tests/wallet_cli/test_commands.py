"""`wallet db upgrade`, `wallet accounts ...`, `wallet verify` and `wallet raw-request` against both stores."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlalchemy import text

from tests.support.ledger import open_ledger
from wallet_core.domain import Kind, MoneyRequest
from wallet_core.store.database import create_engine


def wallet(*args: str, database_url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "wallet_cli", *args, "--database-url", database_url, "--log-level", "WARNING"],
        capture_output=True,
        text=True,
        timeout=60,
    )


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


async def test_raw_request_prints_a_transactions_raw_request_as_received(database_url: str) -> None:
    async with open_ledger(database_url) as ledger:
        await ledger.create_account("alice", "USD", "10.00")
        for bet in ("b1", "b2"):  # b1 becomes aigame's sample, b2 is stored packed
            await ledger.debit(
                MoneyRequest.prepare(
                    ledger.currencies,
                    Kind.DEBIT,
                    "aigame",
                    bet,
                    "alice",
                    "USD",
                    "1.00",
                    raw_request=f'{{"bet_txn_id":"{bet}","bet_amount":"1.00","é":"✓"}}',
                )
            )
    shown = wallet("raw-request", "aigame", "debit", "b2", database_url=database_url)
    assert (shown.returncode, shown.stdout) == (0, '{"bet_txn_id":"b2","bet_amount":"1.00","é":"✓"}\n'), shown.stderr
    missing = wallet("raw-request", "aigame", "credit", "b2", database_url=database_url)
    assert missing.returncode == 1 and "TRANSACTION_NOT_FOUND" in missing.stderr
