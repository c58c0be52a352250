"""The money rules of shared/wallet-rules.md as one table of cases: rule x store x write path.

Each case states one rule (``@rule(n)``) and runs, through a real core gRPC server, on each store
(SQLite, PostgreSQL) and each write path (``write_paths``: the ledger's general path alone, or with
the store's fast path, PostgreSQL's batch functions or SQLite's writer thread, as the core runs
it). A case expects the same answers and the same rows on every path: that is what keeps the
paths in step. On the fast path a case may also say which calls the fast path decided itself and
which it left to the general path (``core.fast_answers()``). Rule 11 (latency) is the benchmarks'
business, not a test's.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import grpc
import pytest
from google.protobuf import json_format
from sqlalchemy import select

from tests.support.core import bearer
from tests.wallet_core.helpers import (
    PROVIDER,
    check_ledger,
    check_outbox,
    credit,
    credit_batch,
    credit_request,
    debit,
    decide_hold,
    entries_of,
    entry_count,
    error_info,
    execute_sql,
    get_transaction,
    refused,
    rollback,
    rows,
    set_daily_budget,
    set_max_payout_multiple,
    transaction_count,
    transaction_row,
)
from tests.wallet_core.write_paths import PATHS, PathCore, serving_path
from wallet.v1 import wallet_pb2 as pb
from wallet_core.audit import admin_audit
from wallet_core.store.database import create_engine
from wallet_core.store.holds import credit_budget_days, payout_holds
from wallet_core.store.schema import accounts, outbox, transactions
from wallet_core.verify import walk_chains

Check = Callable[[PathCore], Awaitable[None]]


@dataclass(frozen=True)
class Case:
    rule: int
    check: Check

    def __str__(self) -> str:
        return f"rule{self.rule}-{self.check.__name__}"


CASES: list[Case] = []
"""The table: every case below, under the rule it states."""


def rule(number: int) -> Callable[[Check], Check]:
    def enter(check: Check) -> Check:
        CASES.append(Case(number, check))
        return check

    return enter


@pytest.fixture(params=PATHS)
async def core(request: pytest.FixtureRequest, database_url: str) -> AsyncIterator[PathCore]:
    """A real core on each store (``database_url``) writing by each path."""
    async with serving_path(database_url, request.param) as handle:
        yield handle


FAILED_PRECONDITION = grpc.StatusCode.FAILED_PRECONDITION

# --- rule 1: exactly once ---------------------------------------------------------------------


@rule(1)
async def exactly_once_replay_answers_the_original_transaction(core: PathCore) -> None:
    await core.open_account("p1", "USD", "100.00")
    first = await debit(core, "t1", "p1", "10.50", round_id="r1")
    assert not first.replay
    assert first.transaction.status == pb.TRANSACTION_STATUS_COMPLETED
    assert (first.transaction.amount, first.transaction.balance_change, first.transaction.balance_after) == (
        "10.50",
        "-10.50",
        "89.50",
    )
    await credit(core, "deposit", "p1", "5")  # the balance moves on after the bet
    entries_before = await entry_count(core)

    for amount in ("10.50", "10.5", "10.500"):  # the same amount, spelled otherwise
        again = await debit(core, "t1", "p1", amount, round_id="r1")
        assert again.replay
        assert again.transaction.wallet_transaction_id == first.transaction.wallet_transaction_id
        assert again.transaction.balance_after == "89.50"  # the original answer, not today's balance
        assert again.transaction.balance_change == "-10.50"
        assert again.transaction.status == pb.TRANSACTION_STATUS_COMPLETED
        assert again.transaction == first.transaction  # the first answer is what the store holds

    assert await core.balance("p1", "USD") == Decimal("94.50")
    assert core.fast_answers() in (None, ["written", "taken", "taken", "taken"])  # replays: the general path
    assert await entry_count(core) == entries_before
    assert await transaction_count(core) == 2


@rule(1)
async def exactly_once_for_credits_and_rollbacks(core: PathCore) -> None:
    await core.open_account("p1", "USD", "100")
    await debit(core, "b1", "p1", "10")
    paid = await credit(core, "w1", "p1", "25", ref="b1")
    paid_again = await credit(core, "w1", "p1", "25.00", ref="b1")
    assert (paid.replay, paid_again.replay) == (False, True)
    assert paid_again.transaction.wallet_transaction_id == paid.transaction.wallet_transaction_id
    assert paid_again.transaction.balance_after == paid.transaction.balance_after == "115.00"
    assert paid_again.transaction.bet.payout == "25.00"  # not paid twice
    assert paid_again.transaction == paid.transaction  # the first answer is what the store holds

    await debit(core, "b2", "p1", "20")
    cancel = await rollback(core, "c2", "p1", "b2")
    cancel_again = await rollback(core, "c2", "p1", "b2")
    assert (cancel.replay, cancel_again.replay) == (False, True)
    assert cancel_again.transaction.wallet_transaction_id == cancel.transaction.wallet_transaction_id
    assert cancel_again.transaction.balance_after == "115.00"
    assert await core.balance("p1", "USD") == Decimal("115.00")
    assert core.fast_answers() in (None, ["written", "written", "taken", "written"])
    await check_ledger(core)


@rule(1)
async def ids_are_scoped_by_provider(core: PathCore) -> None:
    await core.open_account("p1", "USD", "100")
    from_aigame = await debit(core, "shared-id", "p1", "10", provider="aigame")
    from_hrg = await debit(core, "shared-id", "p1", "10", provider="hrg")
    assert not from_aigame.replay and not from_hrg.replay
    assert from_aigame.transaction.wallet_transaction_id != from_hrg.transaction.wallet_transaction_id
    assert (from_aigame.transaction.balance_after, from_hrg.transaction.balance_after) == ("90.00", "80.00")

    # Each provider's payout and cancel find that provider's own bet.
    await credit(core, "shared-id", "p1", "30", provider="hrg", ref="shared-id")
    cancelled = await rollback(core, "shared-id", "p1", "shared-id", provider="aigame")
    assert cancelled.transaction.balance_change == "10.00"
    assert cancelled.transaction.bet.state == pb.BET_STATE_CANCELLED
    hrg_bet = (await get_transaction(core, "shared-id", provider="hrg")).transaction.bet
    assert (hrg_bet.state, hrg_bet.payout) == (pb.BET_STATE_SETTLED, "30.00")
    assert await core.balance("p1", "USD") == Decimal("120.00")
    await check_ledger(core)


@rule(1)
async def ids_are_scoped_by_kind(core: PathCore) -> None:
    await core.open_account("p1", "USD", "100")
    bet = await debit(core, "k1", "p1", "10")
    payout = await credit(core, "k1", "p1", "25", ref="k1")  # HRG-style: the payout reuses the bet's id
    assert not bet.replay and not payout.replay
    assert bet.transaction.wallet_transaction_id != payout.transaction.wallet_transaction_id
    assert payout.transaction.balance_after == "115.00"

    found_debit = await get_transaction(core, "k1", kind=pb.TRANSACTION_KIND_DEBIT)
    found_credit = await get_transaction(core, "k1", kind=pb.TRANSACTION_KIND_CREDIT)
    assert found_debit.transaction.wallet_transaction_id == bet.transaction.wallet_transaction_id
    assert found_credit.transaction.wallet_transaction_id == payout.transaction.wallet_transaction_id


@rule(1)
async def concurrent_duplicates_move_money_once(core: PathCore) -> None:
    await core.open_account("p1", "USD", "100")
    debits = await asyncio.gather(*(debit(core, "same-bet", "p1", "10") for _ in range(20)))
    credits = await asyncio.gather(*(credit(core, "same-win", "p1", "7") for _ in range(20)))
    for answers in (debits, credits):
        assert sorted(a.replay for a in answers) == [False] + [True] * 19
        assert len({a.transaction.wallet_transaction_id for a in answers}) == 1
        assert len({a.transaction.balance_after for a in answers}) == 1
    assert debits[0].transaction.balance_after == "90.00"
    assert credits[0].transaction.balance_after == "97.00"
    assert await core.balance("p1", "USD") == Decimal("97.00")
    assert await transaction_count(core) == 2
    await check_ledger(core)


# --- rule 2: same key, different request --------------------------------------------------------


@rule(2)
async def same_key_different_request_is_a_conflict(core: PathCore) -> None:
    await core.open_account("p1", "USD", "100")
    await core.open_account("p1", "EUR", "100")
    await core.open_account("p2", "USD", "100")
    await debit(core, "b1", "p1", "10", round_id="r1")
    await debit(core, "b2", "p1", "10")
    await credit(core, "w1", "p1", "20", ref="b1")
    await rollback(core, "c2", "p1", "b2")
    balances = (await core.balance("p1", "USD"), await core.balance("p1", "EUR"), await core.balance("p2", "USD"))
    count = await transaction_count(core)

    conflicts = [
        ("debit", debit(core, "b1", "p1", "10.01")),  # amount
        ("debit", debit(core, "b1", "p2", "10")),  # player
        ("debit", debit(core, "b1", "p1", "10", "EUR")),  # currency
        ("debit", debit(core, "b1", "p1", "10", reference_transaction_id="x")),  # reference
        ("credit", credit(core, "w1", "p1", "21", ref="b1")),
        ("credit", credit(core, "w1", "p1", "20", ref="b2")),
        ("credit", credit(core, "w1", "p1", "20")),  # the reference dropped
        ("credit", credit(core, "w1", "p2", "20", ref="b1")),
        ("rollback", rollback(core, "c2", "p1", "b1")),
        ("rollback", rollback(core, "c2", "p1", "b2", reverse_payouts=True)),
        ("rollback", rollback(core, "c2", "p1", "b2", amount="10")),
    ]
    for kind, call in conflicts:
        error = await refused(call)
        assert error.code == grpc.StatusCode.ALREADY_EXISTS
        assert error.reason == "IDEMPOTENCY_CONFLICT"
        tx_id = {"debit": "b1", "credit": "w1", "rollback": "c2"}[kind]
        assert error.metadata == {"provider": "tests", "kind": kind, "transaction_id": tx_id}

    assert (
        await core.balance("p1", "USD"),
        await core.balance("p1", "EUR"),
        await core.balance("p2", "USD"),
    ) == balances
    assert await transaction_count(core) == count  # a conflict is not stored


@rule(2)
async def round_ids_details_and_raw_request_may_change_between_retries(core: PathCore) -> None:
    await core.open_account("p1", "USD", "100")
    first = await debit(
        core,
        "b1",
        "p1",
        "10",
        round_id="r1",
        raw_request='{"sign":"aaa"}',
        details={"try": 1},
        event_time=datetime(2026, 1, 1, tzinfo=UTC),
    )
    again = await debit(
        core,
        "b1",
        "p1",
        "10",
        round_id="r1",
        raw_request='{"sign":"bbb"}',
        details={"try": 2},
        event_time=datetime(2026, 1, 1, 0, 0, 5, tzinfo=UTC),
    )
    assert again.replay
    assert again.transaction.wallet_transaction_id == first.transaction.wallet_transaction_id
    row = await transaction_row(core, "b1", "debit")
    assert row is not None
    assert (row["raw_request"], row["details"]) == ('{"sign":"aaa"}', {"try": 1})  # the first one is kept


@rule(2)
async def conflict_with_a_stored_refusal(core: PathCore) -> None:
    await core.open_account("p1", "USD", "5")
    assert (await refused(debit(core, "b1", "p1", "10"))).reason == "INSUFFICIENT_FUNDS"
    error = await refused(debit(core, "b1", "p1", "1"))
    assert (error.code, error.reason) == (grpc.StatusCode.ALREADY_EXISTS, "IDEMPOTENCY_CONFLICT")
    assert await core.balance("p1", "USD") == Decimal("5.00")


@rule(2)
async def a_cancelled_bets_id_repeated_is_its_replay_or_a_conflict(core: PathCore) -> None:
    await core.open_account("p1", "USD", "100")
    placed = await debit(core, "b1", "p1", "1.00")
    await rollback(core, "c1", "p1", "b1")
    again = await debit(core, "b1", "p1", "1.00")  # covered: its bet's key is taken
    assert again.replay and again.transaction.wallet_transaction_id == placed.transaction.wallet_transaction_id
    assert again.transaction.bet.state == pb.BET_STATE_CANCELLED  # the bet as it stands now
    error = await refused(debit(core, "b1", "p1", "10000"))  # not covered, and a bet has its key
    assert (error.code, error.reason) == (grpc.StatusCode.ALREADY_EXISTS, "IDEMPOTENCY_CONFLICT")
    assert await core.balance("p1", "USD") == Decimal("100.00")
    assert await transaction_count(core) == 2
    # The uncovered repeat: SQLite's writer finds the bet ('none'); PostgreSQL's batch finds the
    # stored debit first ('taken'). Either way the ledger answers the conflict.
    assert core.fast_answers() in (None, ["written", "taken", "none"], ["written", "taken", "taken"])
    await check_ledger(core)


# --- rule 3: decided failures stay decided ---------------------------------------------------------


@rule(3)
async def insufficient_funds_is_recorded_and_stays_decided(core: PathCore) -> None:
    await core.open_account("p1", "USD", "100.00")
    error = await refused(debit(core, "big", "p1", "1000"))
    assert (error.code, error.reason) == (FAILED_PRECONDITION, "INSUFFICIENT_FUNDS")
    assert error.metadata == {"transaction_id": "big", "balance": "100.00", "replay": "false"}

    await credit(core, "deposit", "p1", "5000")
    again = await refused(debit(core, "big", "p1", "1000.00"))
    assert (again.code, again.reason) == (FAILED_PRECONDITION, "INSUFFICIENT_FUNDS")
    assert again.metadata == {"transaction_id": "big", "balance": "100.00", "replay": "true"}
    assert await core.balance("p1", "USD") == Decimal("5100.00")

    stored = (await get_transaction(core, "big")).transaction
    assert stored.status == pb.TRANSACTION_STATUS_FAILED
    assert stored.error_reason == "INSUFFICIENT_FUNDS"
    assert stored.balance_change == "0.00"
    assert not stored.HasField("bet")  # no bet was placed: a payout for it is refused
    assert (await refused(credit(core, "w", "p1", "1", ref="big"))).reason == "TRANSACTION_NOT_FOUND"
    assert core.fast_answers() in (None, ["refused", "taken", "none"])
    await check_ledger(core)


@rule(3)
async def a_refused_late_bet_stays_refused(core: PathCore) -> None:
    await core.open_account("p1", "USD", "100")
    await rollback(core, "c1", "p1", "b1")
    first = await refused(debit(core, "b1", "p1", "10"))
    again = await refused(debit(core, "b1", "p1", "10"))
    assert (first.reason, first.metadata["replay"]) == ("ALREADY_ROLLED_BACK", "false")
    assert (again.reason, again.metadata["replay"]) == ("ALREADY_ROLLED_BACK", "true")
    assert await core.balance("p1", "USD") == Decimal("100.00")


@rule(3)
async def an_undecided_failure_is_not_stored_and_may_be_retried(core: PathCore) -> None:
    """The store failing mid-request (here: the entries table gone) answers STORE_UNAVAILABLE,
    rolls the whole request back, and the retry then succeeds."""
    await core.open_account("p1", "USD", "100")
    await execute_sql(core, "ALTER TABLE entries RENAME TO entries_offline")
    try:
        error = await refused(debit(core, "b1", "p1", "10"))
    finally:
        await execute_sql(core, "ALTER TABLE entries_offline RENAME TO entries")
    assert (error.code, error.reason) == (grpc.StatusCode.UNAVAILABLE, "STORE_UNAVAILABLE")
    assert await core.balance("p1", "USD") == Decimal("100.00")  # the stake taken was rolled back
    assert await transaction_row(core, "b1", "debit") is None

    retried = await debit(core, "b1", "p1", "10")
    assert not retried.replay
    assert retried.transaction.balance_after == "90.00"
    await check_ledger(core)


@rule(3)
async def an_uncovered_debit_is_stored_alike_on_every_path(core: PathCore) -> None:
    await core.open_account("p1", "USD", "10.00")
    for replay in ("false", "true"):  # the refusal, then its replay
        error = await refused(
            debit(
                core,
                "b1",
                "p1",
                "10.01",
                round_id="r1",
                game_id="g1",
                table_id="t1",
                details={"bet": 1},
                raw_request="{}",
            )
        )
        assert (error.code, error.reason) == (FAILED_PRECONDITION, "INSUFFICIENT_FUNDS")
        assert error.metadata == {"transaction_id": "b1", "balance": "10.00", "replay": replay}
    assert core.fast_answers() in (None, ["refused", "taken"])  # the replay: the general path
    row = await transaction_row(core, "b1", "debit")
    assert row is not None
    (account,) = await rows(core, select(accounts.c.id))
    for varying in ("id", "request_hash", "created_at"):
        assert row.pop(varying)
    assert row == {
        "provider": "tests",
        "kind": "debit",
        "transaction_id": "b1",
        "status": "failed",
        "error_reason": "INSUFFICIENT_FUNDS",
        "error_metadata": {"transaction_id": "b1"},
        "account_id": account["id"],
        "bet_id": None,
        "player_id": "p1",
        "currency": "USD",
        "amount": 1001,
        "balance_change": 0,
        "balance_after": 1000,
        "round_id": "r1",
        "game_id": "g1",
        "table_id": "t1",
        "reference_id": "",
        "details": {"bet": 1},
        "raw_request": "{}",
        "raw_request_packed": None,
        "client": "tests-gateway",
        "event_time": None,
    }
    assert await core.balance("p1", "USD") == Decimal("10.00")
    await check_ledger(core)


@rule(3)
async def a_debit_without_an_account_is_not_stored(core: PathCore) -> None:
    """Nothing was decided: once the account is opened, the same debit goes through."""
    error = await refused(debit(core, "b1", "p1", "1"))
    assert (error.code, error.reason) == (grpc.StatusCode.NOT_FOUND, "ACCOUNT_NOT_FOUND")
    assert await transaction_row(core, "b1", "debit") is None
    await core.open_account("p1", "USD", "5")
    placed = await debit(core, "b1", "p1", "1")
    assert (placed.replay, placed.transaction.balance_after) == (False, "4.00")
    assert core.fast_answers() in (None, ["none", "written"])


@rule(3)
async def a_blocked_players_bet_is_refused_recorded_and_stays_refused_after_the_unblock(core: PathCore) -> None:
    await core.open_account("p1", "USD", "100")
    blocked = await core.set_blocked("p1", True, "self-exclusion")
    assert (blocked.blocked, blocked.reason, blocked.blocked_by) == (True, "self-exclusion", "admin")
    error = await refused(debit(core, "b1", "p1", "10"))
    assert (error.code, error.reason) == (FAILED_PRECONDITION, "PLAYER_BLOCKED")
    assert error.metadata == {"transaction_id": "b1", "replay": "false"}
    row = await transaction_row(core, "b1", "debit")
    assert row is not None
    assert (row["status"], row["error_reason"], row["balance_change"], row["balance_after"], row["bet_id"]) == (
        "failed",
        "PLAYER_BLOCKED",
        0,
        10000,
        None,
    )

    assert not (await core.set_blocked("p1", False, "self-exclusion ended")).blocked
    again = await refused(debit(core, "b1", "p1", "10"))  # decided failures stay decided
    assert (again.reason, again.metadata["replay"]) == ("PLAYER_BLOCKED", "true")
    placed = await debit(core, "b2", "p1", "10")
    assert placed.transaction.balance_after == "90.00"
    assert core.fast_answers() in (None, ["none", "taken", "written"])  # a blocked player: the general path
    await check_ledger(core)


@rule(3)
async def a_block_covers_every_account_of_the_player_and_those_opened_later(core: PathCore) -> None:
    await core.open_account("p1", "USD", "100")
    await core.open_account("p2", "USD", "100")
    await core.set_blocked("p1", True)
    await core.open_account("p1", "EUR", "100")
    for transaction_id, currency in (("b1", "USD"), ("b2", "EUR")):
        assert (await refused(debit(core, transaction_id, "p1", "1", currency))).reason == "PLAYER_BLOCKED"
    assert (await refused(debit(core, "b3", "p1", "1", "BRL"))).reason == "ACCOUNT_NOT_FOUND"
    await debit(core, "b4", "p2", "1")  # another player's bets are taken
    assert (await core.balance("p1", "USD"), await core.balance("p1", "EUR")) == (Decimal("100"), Decimal("100"))
    await check_ledger(core)


@rule(3)
async def a_bet_past_the_max_stake_is_refused_recorded_and_stays_refused(core: PathCore) -> None:
    await core.open_account("p1", "USD", "100")
    limits = await core.set_limits("p1", "USD", max_stake="10")
    assert (limits.max_stake, limits.max_daily_loss, limits.net_loss_today) == ("10.00", "", "0.00")
    error = await refused(debit(core, "b1", "p1", "10.01"))
    assert (error.code, error.reason) == (FAILED_PRECONDITION, "LIMIT_REACHED")
    assert error.metadata == {"transaction_id": "b1", "limit": "max_stake", "limit_value": "10.00", "replay": "false"}
    row = await transaction_row(core, "b1", "debit")
    assert row is not None
    assert (row["status"], row["error_reason"], row["balance_change"], row["balance_after"], row["bet_id"]) == (
        "failed",
        "LIMIT_REACHED",
        0,
        10000,
        None,
    )
    assert (await debit(core, "b2", "p1", "10")).transaction.balance_after == "90.00"
    await core.set_limits("p1", "USD")  # cleared
    assert await core.limits("p1") == []
    again = await refused(debit(core, "b1", "p1", "10.01"))  # decided failures stay decided
    assert (again.reason, again.metadata["replay"]) == ("LIMIT_REACHED", "true")
    assert (await debit(core, "b3", "p1", "50")).transaction.balance_after == "40.00"
    await check_ledger(core)


@rule(3)
async def the_days_net_loss_counts_stakes_payouts_and_cancels(core: PathCore) -> None:
    """Net loss = stakes taken - payouts credited - stakes given back by cancels, that day."""
    await core.open_account("p1", "USD", "100")
    await core.open_account("p1", "EUR", "100")
    await core.set_limits("p1", "USD", max_daily_loss="30")
    await debit(core, "b1", "p1", "20")
    error = await refused(debit(core, "b2", "p1", "15"))  # 35 > 30
    assert (error.reason, error.metadata["limit"], error.metadata["limit_value"]) == (
        "LIMIT_REACHED",
        "max_daily_loss",
        "30.00",
    )
    await credit(core, "w1", "p1", "10", ref="b1")  # net loss 10
    await debit(core, "b3", "p1", "15")  # 25
    await rollback(core, "c3", "p1", "b3")  # 10
    await debit(core, "b4", "p1", "20")  # 30: exactly the limit
    assert (await refused(debit(core, "b5", "p1", "0.01"))).reason == "LIMIT_REACHED"
    await debit(core, "e1", "p1", "50", "EUR")  # another currency: no limits
    [usd] = await core.limits("p1")
    assert (usd.currency, usd.max_daily_loss, usd.net_loss_today) == ("USD", "30.00", "30.00")
    assert await core.balance("p1", "USD") == Decimal("70.00")
    # The limited account's bets and payout take the general path; the EUR bet the fast one.
    assert core.fast_answers() in (None, ["none"] * 6 + ["written"])
    await check_ledger(core)


@rule(3)
async def only_the_current_days_net_loss_counts(core: PathCore) -> None:
    await core.open_account("p1", "USD", "100")
    await core.set_limits("p1", "USD", max_daily_loss="30")
    [account] = await rows(core, select(accounts.c.id).where(accounts.c.player_id == "p1"))
    yesterday = datetime.now(UTC).date() - timedelta(days=1)
    await execute_sql(
        core,
        "INSERT INTO account_day_losses (account_id, day, net_loss) "
        f"VALUES ({account['id']}, '{yesterday.isoformat()}', 3000)",
    )
    assert (await debit(core, "b1", "p1", "30")).transaction.balance_after == "70.00"


@rule(3)
async def limits_keep_the_account_controlled_through_a_block_and_its_lifting(core: PathCore) -> None:
    await core.open_account("p1", "USD", "100")
    await core.set_limits("p1", "USD", max_stake="5")
    await core.set_blocked("p1", True)
    await core.set_blocked("p1", False)
    assert (await refused(debit(core, "b1", "p1", "6"))).reason == "LIMIT_REACHED"
    await core.set_blocked("p1", True)
    await core.set_limits("p1", "USD")
    assert (await refused(debit(core, "b2", "p1", "6"))).reason == "PLAYER_BLOCKED"
    await core.set_blocked("p1", False)
    flags = await rows(core, select(accounts.c.controlled).where(accounts.c.player_id == "p1"))
    assert [r["controlled"] for r in flags] == [False]
    assert (await debit(core, "b3", "p1", "6")).transaction.balance_after == "94.00"


# --- rule 4: no overdraft under concurrency ---------------------------------------------------------


async def bet_outcome(core: PathCore, index: int) -> str:
    """A bet of 10 USD by p1: "OK", or the reason it was refused."""
    try:
        await debit(core, f"bet-{index}", "p1", "10")
    except grpc.aio.AioRpcError as error:
        return error_info(error).reason
    return "OK"


@rule(4)
async def no_overdraft_under_concurrency(core: PathCore) -> None:
    await core.open_account("p1", "USD", "100.00")
    outcomes = await asyncio.gather(*(bet_outcome(core, i) for i in range(50)))
    assert outcomes.count("OK") == 10
    assert outcomes.count("INSUFFICIENT_FUNDS") == 40
    assert await core.balance("p1", "USD") == Decimal("0.00")
    assert await check_ledger(core) == {("p1", "USD"): 0}
    completed = await rows(core, select(transactions.c.balance_after).where(transactions.c.status == "completed"))
    assert sorted(r["balance_after"] for r in completed) == list(range(0, 10000, 1000))


@rule(4)
async def concurrent_bets_never_pass_the_daily_loss_limit_together(core: PathCore) -> None:
    await core.open_account("p1", "USD", "1000")
    await core.set_limits("p1", "USD", max_daily_loss="100")
    outcomes = await asyncio.gather(*(bet_outcome(core, i) for i in range(50)))
    assert (outcomes.count("OK"), outcomes.count("LIMIT_REACHED")) == (10, 40)
    assert await core.balance("p1", "USD") == Decimal("900.00")
    [limits] = await core.limits("p1")
    assert limits.net_loss_today == "100.00"
    await check_ledger(core)


@rule(4)
async def below_zero_only_by_a_recorded_reversal(core: PathCore) -> None:
    await core.open_account("p1", "USD", "100")
    await debit(core, "b1", "p1", "100")
    await credit(core, "w1", "p1", "195", ref="b1")
    await debit(core, "b2", "p1", "195")
    reversal = await rollback(core, "c1", "p1", "b1", reverse_payouts=True)
    assert (reversal.transaction.balance_change, reversal.transaction.balance_after) == ("-95.00", "-95.00")
    assert await core.balance("p1", "USD") == Decimal("-95.00")
    error = await refused(debit(core, "b3", "p1", "0.01"))
    assert error.reason == "INSUFFICIENT_FUNDS"
    assert error.metadata["balance"] == "-95.00"
    await check_ledger(core)


@rule(4)
async def a_block_and_concurrent_bets_end_as_if_serialized(core: PathCore) -> None:
    """Each bet is taken before the block or refused after it: none is lost or half-written."""
    await core.open_account("p1", "USD", "1000")
    bets = [asyncio.ensure_future(bet_outcome(core, i)) for i in range(40)]
    await core.set_blocked("p1", True)
    outcomes = await asyncio.gather(*bets)
    assert set(outcomes) <= {"OK", "PLAYER_BLOCKED"}
    assert await core.balance("p1", "USD") == Decimal(1000 - 10 * outcomes.count("OK"))
    refusals = await rows(core, select(transactions.c.error_reason).where(transactions.c.status == "failed"))
    assert [r["error_reason"] for r in refusals] == ["PLAYER_BLOCKED"] * outcomes.count("PLAYER_BLOCKED")
    assert (await refused(debit(core, "after", "p1", "10"))).reason == "PLAYER_BLOCKED"
    await check_ledger(core)


# --- rule 5: cancels are always accepted -------------------------------------------------------------


@rule(5)
async def cancel_of_an_unknown_bet_leaves_a_tombstone(core: PathCore) -> None:
    await core.open_account("p1", "USD", "100")
    cancel = await rollback(core, "c1", "p1", "never-seen", amount="10")
    assert not cancel.replay
    tx = cancel.transaction
    assert tx.status == pb.TRANSACTION_STATUS_TOMBSTONE
    assert (tx.balance_change, tx.balance_after, tx.amount) == ("0.00", "", "10.00")
    assert tx.bet.state == pb.BET_STATE_TOMBSTONE
    assert tx.bet.transaction_id == "never-seen"

    late = await refused(debit(core, "never-seen", "p1", "10"))
    assert (late.code, late.reason) == (FAILED_PRECONDITION, "ALREADY_ROLLED_BACK")
    assert late.metadata == {"transaction_id": "never-seen", "bet_state": "tombstone", "replay": "false"}
    assert core.fast_answers() in (None, ["taken"])  # the tombstone holds the bet's key
    assert await core.balance("p1", "USD") == Decimal("100.00")
    assert await entry_count(core) == 1  # the opening balance only


@rule(5)
async def cancel_is_accepted_without_an_account(core: PathCore) -> None:
    cancel = await rollback(core, "c1", "nobody", "b1")
    assert cancel.transaction.status == pb.TRANSACTION_STATUS_TOMBSTONE
    assert (cancel.transaction.balance_change, cancel.transaction.balance_after) == ("0.00", "")


@rule(5)
async def repeated_cancel_succeeds_and_moves_nothing(core: PathCore) -> None:
    await core.open_account("p1", "USD", "100")
    await debit(core, "b1", "p1", "30")
    first = await rollback(core, "c1", "p1", "b1")
    replayed = await rollback(core, "c1", "p1", "b1")
    other_id = await rollback(core, "c1-retry", "p1", "b1")  # a dialect that sends a new id per retry
    assert (first.replay, replayed.replay, other_id.replay) == (False, True, False)
    assert first.transaction.balance_change == "30.00"
    assert replayed.transaction.balance_change == "30.00"
    assert other_id.transaction.status == pb.TRANSACTION_STATUS_COMPLETED
    assert (other_id.transaction.balance_change, other_id.transaction.balance_after) == ("0.00", "")
    assert await entries_of(core, other_id.transaction.wallet_transaction_id) == []

    await rollback(core, "t1", "p1", "unknown")
    tomb_again = await rollback(core, "t2", "p1", "unknown")
    assert tomb_again.transaction.status == pb.TRANSACTION_STATUS_TOMBSTONE
    assert tomb_again.transaction.balance_change == "0.00"
    assert await core.balance("p1", "USD") == Decimal("100.00")
    await check_ledger(core)


@rule(5)
async def cancel_of_a_placed_bet_returns_the_stake(core: PathCore) -> None:
    await core.open_account("p1", "USD", "100")
    await debit(core, "b1", "p1", "30")
    mismatch = await refused(rollback(core, "c1", "p1", "b1", amount="31"))
    assert (mismatch.code, mismatch.reason) == (FAILED_PRECONDITION, "AMOUNT_MISMATCH")
    assert mismatch.metadata == {"amount": "31.00", "stake": "30.00"}
    assert await core.balance("p1", "USD") == Decimal("70.00")

    cancel = await rollback(core, "c1", "p1", "b1", amount="30.00")
    tx = cancel.transaction
    assert tx.status == pb.TRANSACTION_STATUS_COMPLETED
    assert (tx.amount, tx.balance_change, tx.balance_after) == ("30.00", "30.00", "100.00")
    assert (tx.bet.state, tx.bet.stake) == (pb.BET_STATE_CANCELLED, "30.00")
    assert tx.bet.HasField("cancelled_at")
    assert tx.bet == (await get_transaction(core, "c1", kind=pb.TRANSACTION_KIND_ROLLBACK)).transaction.bet
    assert [e["amount"] for e in await entries_of(core, tx.wallet_transaction_id)] == [3000]
    assert await core.balance("p1", "USD") == Decimal("100.00")


@rule(5)
async def concurrent_bet_and_cancel_end_in_one_consistent_state(core: PathCore) -> None:
    """Whichever of a bet and its cancel comes first decides: either the bet was placed and
    the cancel gave the stake back, or the cancel left a tombstone and the bet was refused.
    Never a placed bet beside a tombstone, never money lost or made."""
    await core.open_account("p1", "USD", "1000")
    for i in range(24):
        bet_id = f"race-{i}"

        async def place(bet_id: str = bet_id) -> str:
            try:
                await debit(core, bet_id, "p1", "10")
            except grpc.aio.AioRpcError as error:
                return error_info(error).reason
            return "OK"

        calls = [place(), rollback(core, f"cancel-{i}", "p1", bet_id)]
        if i % 2:
            calls.reverse()
        results = await asyncio.gather(*calls)
        placed, cancel = (results[0], results[1]) if not i % 2 else (results[1], results[0])
        assert isinstance(placed, str) and isinstance(cancel, pb.RollbackResponse)
        bet = (await get_transaction(core, bet_id)).transaction.bet
        if placed == "OK":
            assert cancel.transaction.status == pb.TRANSACTION_STATUS_COMPLETED
            assert cancel.transaction.balance_change == "10.00"
            assert bet.state == pb.BET_STATE_CANCELLED
        else:
            assert placed == "ALREADY_ROLLED_BACK"
            assert cancel.transaction.status == pb.TRANSACTION_STATUS_TOMBSTONE
            assert cancel.transaction.balance_change == "0.00"
            assert bet.state == pb.BET_STATE_TOMBSTONE
        assert await core.balance("p1", "USD") == Decimal("1000.00")
    await check_ledger(core)


@rule(5)
async def a_blocked_players_placed_bets_are_still_paid_and_cancelled(core: PathCore) -> None:
    """Wallet rule 5 (cancels are always accepted) and a win already earned is paid: a block stops bets only."""
    await core.open_account("p1", "USD", "100")
    await debit(core, "b1", "p1", "10")
    await debit(core, "b2", "p1", "10")
    await debit(core, "b3", "p1", "10")
    await core.set_blocked("p1", True, "fraud")
    assert (await credit(core, "w1", "p1", "25", ref="b1")).transaction.balance_after == "95.00"
    assert (await rollback(core, "c2", "p1", "b2")).transaction.balance_after == "105.00"
    reversal = await rollback(core, "c1", "p1", "b1", reverse_payouts=True)
    assert reversal.transaction.balance_after == "90.00"
    tombstone = await rollback(core, "c9", "p1", "b9")
    assert tombstone.transaction.status == pb.TRANSACTION_STATUS_TOMBSTONE
    assert (await credit(core, "w3", "p1", "0", ref="b3")).transaction.bet.state == pb.BET_STATE_SETTLED
    assert (await refused(debit(core, "b4", "p1", "1"))).reason == "PLAYER_BLOCKED"
    assert await core.balance("p1", "USD") == Decimal("90.00")
    await check_ledger(core)


# --- rule 6: no credit after cancel; no cancel after settle unless the dialect says so -------------


@rule(6)
async def payout_after_cancel_is_refused_and_recorded(core: PathCore) -> None:
    await core.open_account("p1", "USD", "100")
    await debit(core, "b1", "p1", "10")
    await rollback(core, "c1", "p1", "b1")
    error = await refused(credit(core, "w1", "p1", "50", ref="b1"))
    assert (error.code, error.reason) == (FAILED_PRECONDITION, "ALREADY_ROLLED_BACK")
    assert error.metadata == {"transaction_id": "w1", "bet_state": "cancelled", "replay": "false"}
    again = await refused(credit(core, "w1", "p1", "50", ref="b1"))
    assert (again.reason, again.metadata["replay"]) == ("ALREADY_ROLLED_BACK", "true")
    assert await core.balance("p1", "USD") == Decimal("100.00")
    stored = (await get_transaction(core, "w1", kind=pb.TRANSACTION_KIND_CREDIT)).transaction
    assert (stored.status, stored.error_reason) == (pb.TRANSACTION_STATUS_FAILED, "ALREADY_ROLLED_BACK")
    # The repeat: SQLite's writer finds the bet cancelled ('none'); PostgreSQL's batch finds the
    # stored refusal first ('taken'), answered as the general path would.
    assert core.fast_answers() in (None, ["written", "none", "none"], ["written", "none", "taken"])


@rule(6)
async def concurrent_payout_and_cancel_end_in_one_consistent_state(core: PathCore) -> None:
    """Whichever of a payout and a cancel of one placed bet comes first decides: either the bet
    was settled and the cancel refused (ALREADY_SETTLED), or the bet was cancelled and the payout
    refused (ALREADY_ROLLED_BACK). Never both applied, never money lost or made."""
    await core.open_account("p1", "USD", "1000")
    for i in range(24):
        bet_id = f"race-{i}"
        await debit(core, bet_id, "p1", "10")

        async def attempt(call: Awaitable[object]) -> str:
            try:
                await call
            except grpc.aio.AioRpcError as error:
                return error_info(error).reason
            return "OK"

        calls = [
            attempt(credit(core, f"win-{i}", "p1", "25", ref=bet_id)),
            attempt(rollback(core, f"cancel-{i}", "p1", bet_id)),
        ]
        if i % 2:
            calls.reverse()
        results = await asyncio.gather(*calls)
        paid, cancelled = results if not i % 2 else results[::-1]
        bet = (await get_transaction(core, bet_id)).transaction.bet
        if paid == "OK":
            assert cancelled == "ALREADY_SETTLED" and bet.state == pb.BET_STATE_SETTLED and bet.payout == "25.00"
        else:
            assert (paid, cancelled) == ("ALREADY_ROLLED_BACK", "OK") and bet.state == pb.BET_STATE_CANCELLED
        expected = Decimal("1015.00") if paid == "OK" else Decimal("1000.00")
        assert await core.balance("p1", "USD") == expected
        if paid == "OK":  # back to 1000 for the next round
            await debit(core, f"reset-{i}", "p1", "15")
    await check_ledger(core)


@rule(6)
async def payout_after_a_tombstone_is_refused(core: PathCore) -> None:
    await core.open_account("p1", "USD", "100")
    await rollback(core, "c1", "p1", "b1")
    error = await refused(credit(core, "w1", "p1", "50", ref="b1"))
    assert (error.reason, error.metadata["bet_state"]) == ("ALREADY_ROLLED_BACK", "tombstone")
    assert await core.balance("p1", "USD") == Decimal("100.00")
    assert core.fast_answers() in (None, ["none"])


@rule(6)
async def cancel_of_a_settled_bet_without_reverse_payouts_is_refused(core: PathCore) -> None:
    await core.open_account("p1", "USD", "100")
    await debit(core, "b1", "p1", "100")
    await credit(core, "w1", "p1", "195", ref="b1")
    error = await refused(rollback(core, "c1", "p1", "b1"))
    assert (error.code, error.reason) == (FAILED_PRECONDITION, "ALREADY_SETTLED")
    assert error.metadata == {"transaction_id": "c1", "bet_state": "settled", "replay": "false"}
    again = await refused(rollback(core, "c1", "p1", "b1"))
    assert (again.reason, again.metadata["replay"]) == ("ALREADY_SETTLED", "true")
    bet = (await get_transaction(core, "b1")).transaction.bet
    assert (bet.state, bet.payout) == (pb.BET_STATE_SETTLED, "195.00")
    assert await core.balance("p1", "USD") == Decimal("195.00")


@rule(6)
async def cancel_with_reverse_payouts_takes_back_stake_and_win_in_one_transaction(core: PathCore) -> None:
    await core.open_account("p1", "USD", "500")
    await debit(core, "b1", "p1", "100")
    paid = await credit(core, "w1", "p1", "195", ref="b1")
    assert paid.transaction.balance_after == "595.00"
    cancel = await rollback(core, "c1", "p1", "b1", reverse_payouts=True)
    tx = cancel.transaction
    assert tx.status == pb.TRANSACTION_STATUS_COMPLETED
    assert (tx.amount, tx.balance_change, tx.balance_after) == ("100.00", "-95.00", "500.00")
    assert (tx.bet.state, tx.bet.stake, tx.bet.payout) == (pb.BET_STATE_CANCELLED, "100.00", "195.00")
    moved = await entries_of(core, tx.wallet_transaction_id)
    assert [(e["amount"], e["balance_after"]) for e in moved] == [(10000, 69500), (-19500, 50000)]
    assert await core.balance("p1", "USD") == Decimal("500.00")
    late_win = await refused(credit(core, "w2", "p1", "10", ref="b1"))
    assert late_win.reason == "ALREADY_ROLLED_BACK"
    await check_ledger(core)


# --- rule 7: a payout needs its bet ----------------------------------------------------------------


@rule(7)
async def payout_for_an_unknown_bet_is_not_found_and_not_recorded(core: PathCore) -> None:
    await core.open_account("p1", "USD", "100")
    for _ in range(2):  # the provider retries: still not found, still not recorded
        error = await refused(credit(core, "w1", "p1", "50", ref="b1", round_id="r1"))
        assert (error.code, error.reason) == (grpc.StatusCode.NOT_FOUND, "TRANSACTION_NOT_FOUND")
        assert error.metadata == {"provider": "tests", "reference_transaction_id": "b1"}
    assert await transaction_row(core, "w1", "credit") is None
    assert (await refused(get_transaction(core, "w1"))).reason == "TRANSACTION_NOT_FOUND"
    assert await core.balance("p1", "USD") == Decimal("100.00")

    await debit(core, "b1", "p1", "10")  # the bet arrives late
    paid = await credit(core, "w1", "p1", "50", ref="b1", round_id="r1")
    assert not paid.replay
    assert paid.transaction.balance_after == "140.00"
    assert paid.transaction.bet.state == pb.BET_STATE_SETTLED
    assert core.fast_answers() in (None, ["none", "none", "written", "written"])


@rule(7)
async def a_payout_settles_its_bet_and_later_payouts_add_up(core: PathCore) -> None:
    await core.open_account("p1", "USD", "100.00")
    await debit(core, "b1", "p1", "25.00")
    paid = await credit(core, "w1", "p1", "40.00", ref="b1", details={"win": True})
    assert paid.transaction.balance_after == "115.00"
    bet = paid.transaction.bet
    assert (bet.state, bet.stake, bet.payout) == (pb.BET_STATE_SETTLED, "25.00", "40.00")
    assert bet.HasField("placed_at") and bet.HasField("settled_at") and not bet.HasField("cancelled_at")
    again = await credit(core, "w2", "p1", "10.00", ref="b1")  # a second payout adds up
    assert (again.transaction.bet.payout, again.transaction.balance_after) == ("50.00", "125.00")
    lost = await credit(core, "w3", "p1", "0", ref="b1")  # a loss: no entry
    assert lost.transaction.balance_after == "125.00"
    assert await entries_of(core, lost.transaction.wallet_transaction_id) == []

    found = await get_transaction(core, "w1", kind=pb.TRANSACTION_KIND_CREDIT)
    assert found.transaction.wallet_transaction_id == paid.transaction.wallet_transaction_id
    assert found.transaction.balance_change == "40.00"
    assert json_format.MessageToDict(found.transaction.details) == {"win": True}
    assert found.transaction.bet.payout == "50.00"
    assert [t.transaction_id for t in found.related] == ["b1", "w1", "w2", "w3"]
    row = await transaction_row(core, "w1", "credit")
    (account,) = await rows(core, select(accounts.c.id))
    assert row is not None and row["account_id"] == account["id"]
    assert core.fast_answers() in (None, ["written"] * 4)
    await check_ledger(core)


@rule(7)
async def a_payout_names_its_bets_player_and_currency(core: PathCore) -> None:
    await core.open_account("p1", "USD", "100")
    await core.open_account("p2", "USD", "100")
    await core.open_account("p1", "EUR", "100")
    await debit(core, "b1", "p1", "10")
    other_player = await refused(credit(core, "w1", "p2", "5", ref="b1"))
    assert (other_player.reason, other_player.metadata) == (
        "PLAYER_MISMATCH",
        {"reference_transaction_id": "b1", "player_id": "p2"},
    )
    other_currency = await refused(credit(core, "w2", "p1", "5", "EUR", ref="b1"))
    assert (other_currency.reason, other_currency.metadata) == (
        "CURRENCY_MISMATCH",
        {"bet_currency": "USD", "currency": "EUR"},
    )
    assert [await core.balance(p, c) for p, c in (("p1", "USD"), ("p2", "USD"), ("p1", "EUR"))] == [
        Decimal("90.00"),
        Decimal("100.00"),
        Decimal("100.00"),
    ]
    assert await transaction_row(core, "w1", "credit") is None and await transaction_row(core, "w2", "credit") is None
    bet = (await get_transaction(core, "b1")).transaction.bet
    assert (bet.state, bet.payout) == (pb.BET_STATE_PLACED, "0.00")
    assert core.fast_answers() in (None, ["written", "none", "none"])
    await check_ledger(core)


@rule(7)
async def a_payout_past_the_multiple_is_held_and_paid_once_approved(core: PathCore) -> None:
    await core.open_account("p1", "USD", "100")
    await set_max_payout_multiple(core, PROVIDER, 10)
    await debit(core, "b1", "p1", "10")
    within = await credit(core, "w1", "p1", "60", ref="b1")  # the bet's payouts: 60 of at most 100
    assert within.transaction.balance_after == "150.00"
    held = await refused(credit(core, "w2", "p1", "40.01", ref="b1"))  # 100.01 in all
    assert (held.code, held.reason, held.metadata) == (
        grpc.StatusCode.ABORTED,
        "PAYOUT_HELD",
        {"transaction_id": "w2"},
    )
    again = await refused(credit(core, "w2", "p1", "40.01", ref="b1"))  # the provider re-sends
    assert again.reason == "PAYOUT_HELD"
    other = await refused(credit(core, "w2", "p1", "5", ref="b1"))  # the held key, another request
    assert (other.reason, other.metadata["held"]) == ("IDEMPOTENCY_CONFLICT", "true")
    assert await core.balance("p1", "USD") == Decimal("150.00")
    assert await transaction_row(core, "w2", "credit") is None
    (hold,) = await rows(core, select(payout_holds))
    assert (hold["status"], hold["amount"], hold["stake"], hold["paid_before"]) == ("pending", 4001, 1000, 6000)

    decided = await decide_hold(core, "w2", approve=True)
    assert (decided.status, decided.decided_by) == ("approved", "cli:tester")
    paid = await credit(core, "w2", "p1", "40.01", ref="b1")  # the next re-send is paid
    assert (paid.replay, paid.transaction.balance_after, paid.transaction.bet.payout) == (False, "190.01", "100.01")
    replay = await credit(core, "w2", "p1", "40.01", ref="b1")
    assert replay.replay and replay.transaction.wallet_transaction_id == paid.transaction.wallet_transaction_id
    # The fast path leaves every call with a held key to the general path; the replay of the paid
    # one is 'none' on SQLite, and 'taken' on PostgreSQL, whose batch finds the stored payout first.
    held_key = ["written", "written", "none", "none", "none", "none"]
    assert core.fast_answers() in (None, [*held_key, "none"], [*held_key, "taken"])
    await check_ledger(core)


@rule(7)
async def a_rejected_payout_is_refused_for_good_with_its_reason(core: PathCore) -> None:
    await core.open_account("p1", "USD", "100")
    await set_max_payout_multiple(core, PROVIDER, 2)
    await debit(core, "b1", "p1", "10")
    assert (await refused(credit(core, "w1", "p1", "20.01", ref="b1"))).reason == "PAYOUT_HELD"
    await decide_hold(core, "w1", approve=False, reason="same table, same second, every round")
    for _ in range(2):
        rejected = await refused(credit(core, "w1", "p1", "20.01", ref="b1"))
        assert (rejected.code, rejected.reason, rejected.metadata) == (
            FAILED_PRECONDITION,
            "PAYOUT_REJECTED",
            {"transaction_id": "w1", "decision_reason": "same table, same second, every round"},
        )
    assert await core.balance("p1", "USD") == Decimal("90.00")
    assert await transaction_row(core, "w1", "credit") is None
    bet = (await get_transaction(core, "b1")).transaction.bet
    assert (bet.state, bet.payout) == (pb.BET_STATE_PLACED, "0.00")
    (entry,) = await rows(core, select(admin_audit).where(admin_audit.c.action == "payout.rejected"))
    assert (entry["actor"], entry["subject"]) == ("cli:tester", f"{PROVIDER} w1")
    assert entry["details"]["status"] == "rejected"
    await check_ledger(core)


@rule(7)
async def a_held_payout_in_a_batch_refuses_the_batch_and_is_kept(core: PathCore) -> None:
    await core.open_account("p1", "USD", "100")
    await set_max_payout_multiple(core, PROVIDER, 2)
    await debit(core, "b1", "p1", "10")
    await debit(core, "b2", "p1", "10")
    batch = [credit_request("w1", "p1", "5", ref="b1"), credit_request("w2", "p1", "25", ref="b2")]
    held = await refused(credit_batch(core, batch))
    assert (held.reason, held.metadata) == ("PAYOUT_HELD", {"transaction_id": "w2", "batch_index": "1"})
    assert await core.balance("p1", "USD") == Decimal("80.00")
    assert [hold["transaction_id"] for hold in await rows(core, select(payout_holds))] == ["w2"]
    await decide_hold(core, "w2", approve=True)
    paid = await credit_batch(core, batch)
    assert [c.transaction.balance_after for c in paid.credits] == ["85.00", "110.00"]
    await check_ledger(core)


@rule(7)
async def credits_with_no_bet_past_the_days_budget_are_held_and_paid_once_approved(core: PathCore) -> None:
    await core.open_account("p1", "USD", "0")
    await set_daily_budget(core, PROVIDER, "USD", 100_00, "Pacific/Kiritimati")
    assert (await credit(core, "c1", "p1", "60")).transaction.balance_after == "60.00"
    assert (await credit(core, "c2", "p1", "40")).transaction.balance_after == "100.00"  # the budget, exactly
    assert (await credit(core, "c2", "p1", "40")).replay  # a replay is not counted again
    held = await refused(credit(core, "c3", "p1", "0.01"))
    assert (held.code, held.reason) == (grpc.StatusCode.ABORTED, "PAYOUT_HELD")
    (hold,) = await rows(core, select(payout_holds))
    assert (hold["cause"], hold["stake"], hold["paid_before"], hold["reference_id"]) == ("budget", None, 100_00, "")
    (day,) = await rows(core, select(credit_budget_days))
    assert (day["day"], day["spent"]) == (datetime.now(ZoneInfo("Pacific/Kiritimati")).date(), 100_00)
    await decide_hold(core, "c3", approve=True)
    assert (await credit(core, "c3", "p1", "0.01")).transaction.balance_after == "100.01"
    assert (await refused(credit(core, "c4", "p1", "1"))).reason == "PAYOUT_HELD"  # an approval is no budget
    assert (await credit(core, "c5", "p1", "0")).transaction.balance_after == "100.01"  # nothing to count
    assert [row["spent"] for row in await rows(core, select(credit_budget_days))] == [100_00]
    await core.open_account("p1", "EUR", "0")
    (paid,) = (await credit_batch(core, [credit_request("c6", "p1", "1000", "EUR")])).credits  # no EUR budget
    assert paid.transaction.balance_after == "1000.00"
    await check_ledger(core)


@rule(7)
async def concurrent_credits_with_no_bet_never_pass_the_budget_together(core: PathCore) -> None:
    await core.open_account("p1", "USD", "0")
    await core.open_account("p2", "USD", "0")
    await set_daily_budget(core, PROVIDER, "USD", 100_00)

    async def attempt(index: int) -> str:
        try:
            await credit(core, f"c{index}", f"p{index % 2 + 1}", "30")
        except grpc.aio.AioRpcError as error:
            return error_info(error).reason
        return "OK"

    answers = await asyncio.gather(*(attempt(i) for i in range(6)))
    assert sorted(answers) == ["OK"] * 3 + ["PAYOUT_HELD"] * 3
    assert await core.balance("p1", "USD") + await core.balance("p2", "USD") == Decimal("90.00")
    assert len(await rows(core, select(payout_holds))) == 3
    await check_ledger(core)


# --- rule 8: exact money -----------------------------------------------------------------------------


@rule(8)
async def over_precise_amounts_are_refused_never_rounded(core: PathCore) -> None:
    await core.open_account("p1", "USD", "100")
    await core.open_account("p1", "COIN", "100")
    await debit(core, "b0", "p1", "1")
    cases = [
        debit(core, "b1", "p1", "10.505"),
        debit(core, "b2", "p1", "0.001"),
        credit(core, "w1", "p1", "10.009"),
        credit(core, "w2", "p1", "1.00" + "0" * 27 + "1"),
        rollback(core, "c0", "p1", "b0", amount="1.001"),
        debit(core, "b3", "p1", "1.5", "COIN"),
    ]
    for call in cases:
        error = await refused(call)
        assert (error.code, error.reason) == (grpc.StatusCode.INVALID_ARGUMENT, "INVALID_AMOUNT")
        assert error.metadata["field"] == "amount"
    assert (await refused(debit(core, "b1", "p1", "10.505"))).metadata == {
        "field": "amount",
        "value": "10.505",
        "currency": "USD",
        "scale": "2",
    }
    assert await core.balance("p1", "USD") == Decimal("99.00")
    assert await core.balance("p1", "COIN") == Decimal(100)
    assert await transaction_count(core) == 1


@rule(8)
async def malformed_and_huge_amounts_are_refused(core: PathCore) -> None:
    await core.open_account("p1", "USD", "100")
    for amount in (
        "-1",
        "1e3",
        "NaN",
        "Infinity",
        " 1",
        "1,000",
        "0x10",
        "\u0661",
        "999999999999999999",
        "10000000000000000",
        "1" + "0" * 30,
    ):
        error = await refused(credit(core, "w1", "p1", amount))
        assert (error.code, error.reason) == (grpc.StatusCode.INVALID_ARGUMENT, "INVALID_AMOUNT"), amount
    empty = await refused(credit(core, "w1", "p1", ""))
    assert (empty.reason, empty.metadata) == ("INVALID_ARGUMENT", {"field": "amount"})
    assert await core.balance("p1", "USD") == Decimal("100.00")
    assert await transaction_count(core) == 0


@rule(8)
async def amounts_are_answered_at_the_currency_scale(core: PathCore) -> None:
    await core.open_account("p1", "USD", "100")
    await core.open_account("p1", "COIN", "100")
    usd = await debit(core, "b1", "p1", "7")
    assert (usd.transaction.amount, usd.transaction.balance_change, usd.transaction.balance_after) == (
        "7.00",
        "-7.00",
        "93.00",
    )
    assert usd.transaction.bet.stake == "7.00"
    win = await credit(core, "w1", "p1", "0.1", ref="b1")
    assert (win.transaction.amount, win.transaction.balance_after, win.transaction.bet.payout) == (
        "0.10",
        "93.10",
        "0.10",
    )
    coin = await debit(core, "b2", "p1", "3.00", "COIN")
    assert (coin.transaction.amount, coin.transaction.balance_change, coin.transaction.balance_after) == (
        "3",
        "-3",
        "97",
    )
    lost = await credit(core, "w2", "p1", "0", "COIN", ref="b2")  # a lost bet settles with 0
    assert (lost.transaction.amount, lost.transaction.balance_change) == ("0", "0")
    assert lost.transaction.bet.state == pb.BET_STATE_SETTLED
    balance = await core.stub.GetBalance(
        pb.GetBalanceRequest(player_id="p1", currency="USD"), metadata=bearer(core.admin_token)
    )
    assert balance.account.balance == "93.10"


@rule(8)
async def store_holds_integers_of_minor_units(core: PathCore) -> None:
    await core.open_account("p1", "USD", "100")
    await debit(core, "b1", "p1", "0.07")
    row = await transaction_row(core, "b1", "debit")
    assert row is not None
    assert (row["amount"], row["balance_change"], row["balance_after"]) == (7, -7, 9993)
    assert all(type(row[c]) is int for c in ("amount", "balance_change", "balance_after"))


@rule(8)
async def a_balance_beyond_the_store_is_refused_not_rounded(core: PathCore) -> None:
    """Balances stay within ±(10**18 - 1) minor units, far inside the 64-bit column: a credit
    past that is refused (never a float on SQLite, never STORE_UNAVAILABLE on PostgreSQL)."""
    await core.open_account("p1", "USD", "0")
    largest = "9999999999999999.99"  # the largest amount a USD request may carry: 10**18 - 1 cents
    await credit(core, "w0", "p1", largest)
    assert await core.balance("p1", "USD") == Decimal(largest)
    refusal = await refused(credit(core, "w1", "p1", "0.01"))
    assert refusal.code == grpc.StatusCode.INVALID_ARGUMENT
    assert refusal.reason == "INVALID_AMOUNT"
    assert refusal.metadata["limit"] == largest
    assert await core.balance("p1", "USD") == Decimal(largest)
    # Nothing was decided: once the balance has room, the same credit goes through.
    await debit(core, "b0", "p1", "1.00")
    await credit(core, "w1", "p1", "0.01")
    assert await core.balance("p1", "USD") == Decimal("9999999999999999.00")
    past = await refused(credit(core, "w2", "p1", "1.00", ref="b0"))  # a payout of a bet, likewise
    assert (past.reason, past.metadata["limit"]) == ("INVALID_AMOUNT", largest)
    bet = (await get_transaction(core, "b0")).transaction.bet
    assert (bet.state, bet.payout) == (pb.BET_STATE_PLACED, "0.00")
    assert await transaction_row(core, "w2", "credit") is None
    assert core.fast_answers() in (None, ["written", "none"])
    await check_ledger(core)


# --- rule 9: append-only ledger ----------------------------------------------------------------------


@rule(9)
async def balances_equal_the_sum_of_entries_after_random_operations(core: PathCore) -> None:
    rng = random.Random(9)
    players = ["p1", "p2", "p3"]
    for player in players:
        await core.open_account(player, "USD", str(rng.randint(0, 300)))
    await core.open_account("p1", "COIN", "50")
    bets: list[tuple[str, str]] = []
    for step in range(60):
        player = rng.choice(players)
        choice = rng.random()
        try:
            if choice < 0.4:
                bet_id = f"b{step}"
                await debit(core, bet_id, player, f"{rng.randint(0, 8000) / 100:.2f}")
                bets.append((bet_id, player))
            elif choice < 0.65 and bets:
                bet_id, owner = rng.choice(bets)
                await credit(core, f"w{step}", owner, str(rng.randint(0, 150)), ref=bet_id)
            elif choice < 0.85 and bets:
                bet_id, owner = rng.choice(bets)
                await rollback(core, f"c{step}", owner, bet_id, reverse_payouts=rng.random() < 0.5)
            elif choice < 0.9:
                await rollback(core, f"c{step}", player, f"ghost{step}")
            else:
                await debit(core, f"coin{step}", "p1", str(rng.randint(1, 30)), "COIN")
        except grpc.aio.AioRpcError as error:
            assert error.code() == FAILED_PRECONDITION, error  # only business refusals in this mix
    balances = await check_ledger(core)
    for (player, currency), minor in balances.items():
        assert await core.balance(player, currency) == Decimal(minor).scaleb(-(0 if currency == "COIN" else 2))
    assert len(balances) == 4


@rule(9)
async def every_write_chains_its_entry_to_the_accounts_head(core: PathCore) -> None:
    """Each entry carries its hash chained to the account's previous entry, and the account row the
    last one's (wallet_core.chain): debits at once on one account (one batch on PostgreSQL's fast
    path), payouts (one of 0: no entry), a deposit, a cancel with its payout reversed."""
    await core.open_account("p1", "USD", "100")
    await core.open_account("p2", "USD")
    await asyncio.gather(*(debit(core, f"b{n}", "p1", "1.25") for n in range(8)))
    await credit(core, "w0", "p1", "0", ref="b0")
    await credit(core, "w1", "p1", "7.50", ref="b1")
    await credit(core, "deposit", "p2", "3")
    await rollback(core, "c1", "p1", "b1", reverse_payouts=True)
    await refused(debit(core, "too-much", "p2", "50"))
    answers = core.fast_answers()
    if answers is not None:
        assert answers.count("written") == 10  # the debits and payouts: the fast path's entries
    await check_ledger(core)  # every entry's hash from its fields and the previous hash, and the heads
    engine = create_engine(core.database_url, pool_size=1)
    try:
        walks = await walk_chains(engine)
    finally:
        await engine.dispose()
    assert [(w.account.player_id, w.entries, w.broken) for w in walks] == [("p1", 12, None), ("p2", 1, None)]


# --- rule 10: everything reconstructable ---------------------------------------------------------------


@rule(10)
async def a_transaction_keeps_who_asked_the_ids_the_request_and_the_answer(core: PathCore) -> None:
    await core.open_account("p1", "USD", "100")
    details = {"bets": [{"area": "banker", "amount": "10.00"}], "ip": "203.0.113.7", "odds": 1.95}
    raw = '{"txn_id":"b1","amount":"10.00","sign":"9f2c"}'
    when = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)
    await debit(
        core,
        "b1",
        "p1",
        "10",
        round_id="round-1",
        game_id="baccarat",
        table_id="T7",
        details=details,
        raw_request=raw,
        event_time=when,
    )
    found = (await get_transaction(core, "b1")).transaction
    assert (found.provider, found.transaction_id, found.kind, found.player_id, found.currency) == (
        "tests",
        "b1",
        pb.TRANSACTION_KIND_DEBIT,
        "p1",
        "USD",
    )
    assert (found.round_id, found.game_id, found.table_id) == ("round-1", "baccarat", "T7")
    assert json_format.MessageToDict(found.details) == details
    assert found.event_time.ToDatetime(tzinfo=UTC) == when
    assert found.HasField("created_at")
    row = await transaction_row(core, "b1", "debit")
    assert row is not None
    assert (row["raw_request"], row["client"], row["status"], row["balance_after"]) == (
        raw,
        "tests-gateway",
        "completed",
        9000,
    )
    assert row["details"] == details

    # Acting as the provider, the admin identity is recorded as who asked.
    await debit(core, "b2", "p1", "1", provider="hrg", token=core.admin_token)
    admin_row = await transaction_row(core, "b2", "debit", provider="hrg")
    assert admin_row is not None and admin_row["client"] == "admin"


@rule(10)
async def failed_outcomes_are_stored_with_their_reason(core: PathCore) -> None:
    await core.open_account("p1", "USD", "5")
    await refused(debit(core, "b1", "p1", "10", round_id="r9", raw_request="raw-b1"))
    found = (await get_transaction(core, "b1")).transaction
    assert (found.status, found.error_reason, found.amount, found.round_id) == (
        pb.TRANSACTION_STATUS_FAILED,
        "INSUFFICIENT_FUNDS",
        "10.00",
        "r9",
    )
    row = await transaction_row(core, "b1", "debit")
    assert row is not None
    assert (row["status"], row["error_reason"], row["raw_request"]) == ("failed", "INSUFFICIENT_FUNDS", "raw-b1")
    # the balance that refused it is kept as the row's balance_after; the answer words it ("5.00")
    assert row["error_metadata"] == {"transaction_id": "b1"} and row["balance_after"] == 500


@rule(10)
async def every_committed_transaction_writes_exactly_one_event_with_its_money(core: PathCore) -> None:
    """The outbox (wallet_core.outbox): the transaction's event is written in its database
    transaction, by whichever path wrote the money: debits at once (one batch on PostgreSQL's fast
    path, one writer transaction on SQLite's), payouts, a deposit, a cancel, a tombstone, a replay
    (no second event) and a refusal (none: nothing moved)."""
    await core.open_account("p1", "USD", "100")
    await core.open_account("p2", "USD")
    await asyncio.gather(*(debit(core, f"b{n}", "p1", "1.25") for n in range(6)))
    await credit(core, "w1", "p1", "7.50", ref="b1")
    await credit(core, "w1", "p1", "7.50", ref="b1")  # a replay
    await credit(core, "deposit", "p2", "3")
    await rollback(core, "c2", "p1", "b2")
    await rollback(core, "c9", "p2", "ghost")  # a tombstone
    await refused(debit(core, "too-much", "p2", "50"))
    answers = core.fast_answers()
    if answers is not None:
        assert answers.count("written") == 7 and answers.count("refused") == 1
    await check_outbox(core)
    assert len(await rows(core, select(outbox))) == 10


# --- the table, run ----------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=str)
async def test_rule(case: Case, core: PathCore) -> None:
    await case.check(core)


def test_the_table_states_every_rule() -> None:
    assert sorted({case.rule for case in CASES}) == list(range(1, 11))
    assert len({case.check.__name__ for case in CASES}) == len(CASES)
