"""`wallet db upgrade`, `wallet accounts ...`, `wallet verify` and `wallet raw-request` against both stores."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.support.ledger import open_ledger
from wallet_core.config import ClientToken, CoreSettings
from wallet_core.domain import Kind, MoneyRequest
from wallet_core.errors import WalletError
from wallet_core.store.database import create_engine
from wallet_core.tokens import token_sha256


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


def test_accounts_opened_from_the_command_line_are_audited(database_url: str) -> None:
    assert wallet("accounts", "create", "alice", "USD", "--balance", "3", database_url=database_url).returncode == 0
    assert wallet("accounts", "create", "alice", "USD", database_url=database_url).returncode == 1  # not audited
    listed = wallet("audit", database_url=database_url)
    assert listed.returncode == 0, listed.stderr
    (line,) = listed.stdout.splitlines()
    assert "cli:" in line and "account.opened" in line and "alice USD" in line and "opening_balance=3.00" in line
    as_json = json.loads(wallet("audit", "--json", database_url=database_url).stdout)
    assert [(e["actor"].startswith("cli:"), e["subject"], e["details"]["opening_balance"]) for e in as_json] == [
        (True, "alice USD", "3.00")
    ]
    empty = wallet("audit", "--since", "2999-01-01", database_url=database_url)
    assert empty.stdout.strip() == "no admin actions recorded"


def test_players_block_unblock_and_show_are_audited(database_url: str) -> None:
    assert wallet("players", "show", "alice", database_url=database_url).stdout.strip() == "alice: not blocked"
    no_reason = wallet("players", "block", "alice", database_url=database_url)
    assert no_reason.returncode == 2 and "--reason" in no_reason.stderr
    blocked = wallet("players", "block", "alice", "--reason", "self-exclusion", database_url=database_url)
    assert blocked.returncode == 0, blocked.stderr
    shown = wallet("players", "show", "alice", database_url=database_url).stdout
    assert "alice: blocked since" in shown and "by cli:" in shown and shown.strip().endswith(": self-exclusion")
    unblocked = wallet("players", "unblock", "alice", "--reason", "ended", database_url=database_url)
    assert unblocked.stdout.strip() == "alice: not blocked"
    empty = wallet("players", "unblock", "", "--reason", "x", database_url=database_url)
    assert empty.returncode == 1 and "INVALID_ARGUMENT" in empty.stdout
    as_json = json.loads(wallet("audit", "--json", database_url=database_url).stdout)
    assert [(e["action"], e["subject"], e["details"]) for e in as_json] == [
        ("player.blocked", "alice", {"reason": "self-exclusion"}),
        ("player.unblocked", "alice", {"reason": "ended", "was_blocked": True}),
    ]


def test_limits_set_clear_and_show_are_audited(database_url: str) -> None:
    assert wallet("limits", "set", "alice", "USD", "--max-stake", "5", database_url=database_url).returncode == 1
    assert wallet("accounts", "create", "alice", "USD", database_url=database_url).returncode == 0
    limited = wallet(
        "limits", "set", "alice", "USD", "--max-stake", "5", "--max-daily-loss", "50", database_url=database_url
    )
    assert limited.stdout.strip() == "alice USD: max stake 5.00, max daily loss 50.00, net loss today 0.00"
    assert wallet("limits", "show", "alice", database_url=database_url).stdout == limited.stdout
    wrong = wallet("limits", "set", "alice", "USD", "--max-stake", "0.001", database_url=database_url)
    assert wrong.returncode == 1 and "INVALID_AMOUNT" in wrong.stdout
    cleared = wallet("limits", "clear", "alice", "USD", database_url=database_url)
    assert cleared.stdout.strip() == "alice USD: max stake none, max daily loss none, net loss today 0.00"
    assert wallet("limits", "show", "alice", database_url=database_url).stdout.strip() == "alice: no limits"
    as_json = json.loads(wallet("audit", "--json", database_url=database_url).stdout)
    assert [(e["action"], e["subject"], e["details"]) for e in as_json][1:] == [
        ("limits.set", "alice", {"currency": "USD", "max_stake": "5", "max_daily_loss": "50"}),
        ("limits.set", "alice", {"currency": "USD", "max_stake": "", "max_daily_loss": ""}),
    ]


def test_tokens_new_prints_a_token_and_the_line_that_names_it(tmp_path: Path) -> None:
    made = wallet("tokens", "new", "aigame-gateway", "--not-after", "2027-01-31T12:00:00Z", database_url="sqlite://")
    assert made.returncode == 0, made.stderr
    lines = made.stdout.splitlines()
    token, entry = lines[1].strip(), lines[3].strip().removesuffix(",")
    assert token.startswith("wallet-") and 'name = "aigame-gateway"' in lines[2]
    config = tmp_path / "wallet.toml"
    config.write_text(f'[[core.clients]]\nname = "aigame-gateway"\nproviders = ["aigame"]\ntokens = [\n  {entry},\n]\n')
    settings = CoreSettings.from_mapping(tomllib.loads(config.read_text())["core"])
    assert settings.clients[0].tokens == (ClientToken(token_sha256(token), datetime(2027, 1, 31, 12, tzinfo=UTC)),)
    other = wallet("tokens", "new", "cashier", database_url="sqlite://")
    assert "a new [[core.clients]]" in other.stdout and other.stdout.splitlines()[1].strip() != token


async def test_review_lists_approves_and_rejects_held_payouts_and_audits_each_decision(database_url: str) -> None:
    async with open_ledger(database_url) as ledger:
        engine = ledger.engine
        async with engine.begin() as conn:
            await conn.execute(text("INSERT INTO payout_limits VALUES ('aigame', 10)"))
        await ledger.create_account("alice", "USD", "10.00")
        for bet in ("b1", "b2"):
            await ledger.debit(MoneyRequest.prepare(ledger.currencies, Kind.DEBIT, "aigame", bet, "alice", "USD", "1"))
            win = MoneyRequest.prepare(
                ledger.currencies, Kind.CREDIT, "aigame", f"w{bet}", "alice", "USD", "10.01", reference_id=bet
            )
            with pytest.raises(WalletError, match="held for review"):
                await ledger.credit(win)
    listed = wallet("review", "list", database_url=database_url)
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert len(lines) == 2 and "aigame wb1" in lines[0] and "10.01 USD on a stake of 1.00" in lines[0]
    pending = json.loads(wallet("review", "list", "--json", database_url=database_url).stdout)
    first, second = (row["id"] for row in pending)
    approved = wallet("review", "approve", str(first), database_url=database_url)
    assert (approved.returncode, approved.stdout.strip()) == (0, f"hold {first} (aigame wb1) approved")
    again = wallet("review", "approve", str(first), database_url=database_url)  # decided already
    assert again.returncode == 1 and "TRANSACTION_NOT_FOUND" in again.stdout
    no_reason = wallet("review", "reject", str(second), database_url=database_url)
    assert no_reason.returncode == 2  # argparse: --reason is required
    rejected = wallet("review", "reject", str(second), "--reason", "bonus abuse", database_url=database_url)
    assert rejected.returncode == 0, rejected.stdout
    decided = json.loads(wallet("review", "list", "--status", "all", "--json", database_url=database_url).stdout)
    assert [(h["status"], h["decision_reason"]) for h in decided] == [("approved", ""), ("rejected", "bonus abuse")]
    assert wallet("review", "list", database_url=database_url).stdout.strip() == "no pending holds"
    audited = json.loads(wallet("audit", "--json", database_url=database_url).stdout)
    assert [(e["action"], e["subject"]) for e in audited if e["action"].startswith("payout.")] == [
        ("payout.approved", "aigame wb1"),
        ("payout.rejected", "aigame wb2"),
    ]
