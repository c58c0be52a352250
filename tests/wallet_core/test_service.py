"""wallet_core.service: the gRPC translation, through the real server on both stores.

Every reason answers its gRPC code and exactly one ErrorInfo (domain wallet.v1) whose
metadata carries the dynamic values; the reading calls, the batch and the account calls.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from decimal import Decimal

import grpc
import pytest
from sqlalchemy import select

from tests.support.core import EXPIRED_AT, CoreHandle, bearer
from tests.wallet_core.helpers import (
    ErrorDetails,
    credit,
    credit_batch,
    credit_request,
    debit,
    debit_request,
    decide_hold,
    execute_sql,
    get_transaction,
    list_transactions,
    refused,
    rollback,
    rows,
    struct,
    transaction_row,
)
from wallet.v1 import wallet_pb2 as pb
from wallet_core.audit import admin_audit
from wallet_core.errors import Reason
from wallet_core.service import GRPC_CODES
from wallet_core.store.schema import entries, transactions

Code = grpc.StatusCode

# --- each reason: its code, one ErrorInfo, its metadata --------------------------------------------

Scenario = Callable[[CoreHandle], Awaitable[ErrorDetails]]


async def _invalid_argument(core: CoreHandle) -> ErrorDetails:
    await core.open_account("p1", "USD", "10")
    return await refused(debit(core, "", "p1", "1"))


async def _invalid_amount(core: CoreHandle) -> ErrorDetails:
    await core.open_account("p1", "USD", "10")
    return await refused(debit(core, "b1", "p1", "1.005"))


async def _unsupported_currency(core: CoreHandle) -> ErrorDetails:
    return await refused(debit(core, "b1", "p1", "1", "XXX"))


async def _currency_mismatch(core: CoreHandle) -> ErrorDetails:
    await core.open_account("p1", "USD", "10")
    await core.open_account("p1", "EUR", "10")
    await debit(core, "b1", "p1", "1")
    return await refused(credit(core, "w1", "p1", "2", "EUR", ref="b1"))


async def _account_not_found(core: CoreHandle) -> ErrorDetails:
    return await refused(core.balance("ghost", "USD"))


async def _account_exists(core: CoreHandle) -> ErrorDetails:
    await core.open_account("p1", "USD", "10")
    return await refused(core.open_account("p1", "USD", "10"))


async def _transaction_not_found(core: CoreHandle) -> ErrorDetails:
    return await refused(get_transaction(core, "nope"))


async def _insufficient_funds(core: CoreHandle) -> ErrorDetails:
    await core.open_account("p1", "USD", "10")
    return await refused(debit(core, "b1", "p1", "10.01"))


async def _player_blocked(core: CoreHandle) -> ErrorDetails:
    await core.open_account("p1", "USD", "10")
    await core.set_blocked("p1", True)
    return await refused(debit(core, "b1", "p1", "1"))


async def _limit_reached(core: CoreHandle) -> ErrorDetails:
    await core.open_account("p1", "USD", "10")
    await core.set_limits("p1", "USD", max_stake="0.50")
    return await refused(debit(core, "b1", "p1", "1"))


async def _already_rolled_back(core: CoreHandle) -> ErrorDetails:
    await core.open_account("p1", "USD", "10")
    await rollback(core, "c1", "p1", "b1")
    return await refused(debit(core, "b1", "p1", "1"))


async def _already_settled(core: CoreHandle) -> ErrorDetails:
    await core.open_account("p1", "USD", "10")
    await debit(core, "b1", "p1", "1")
    await credit(core, "w1", "p1", "0", ref="b1")
    return await refused(rollback(core, "c1", "p1", "b1"))


async def _idempotency_conflict(core: CoreHandle) -> ErrorDetails:
    await core.open_account("p1", "USD", "10")
    await debit(core, "b1", "p1", "1")
    return await refused(debit(core, "b1", "p1", "2"))


async def _player_mismatch(core: CoreHandle) -> ErrorDetails:
    await core.open_account("p1", "USD", "10")
    await core.open_account("p2", "USD", "10")
    await debit(core, "b1", "p1", "1")
    return await refused(credit(core, "w1", "p2", "2", ref="b1"))


async def _amount_mismatch(core: CoreHandle) -> ErrorDetails:
    await core.open_account("p1", "USD", "10")
    await debit(core, "b1", "p1", "1")
    return await refused(rollback(core, "c1", "p1", "b1", amount="2"))


async def _unauthenticated(core: CoreHandle) -> ErrorDetails:
    return await refused(core.stub.Debit(debit_request("b1", "p1", "1")))


async def _token_expired(core: CoreHandle) -> ErrorDetails:
    return await refused(debit(core, "b1", "p1", "1", token=core.expired_token_for("tests")))


async def _permission_denied(core: CoreHandle) -> ErrorDetails:
    return await refused(debit(core, "b1", "p1", "1", provider="hrg", token=core.token_for("aigame")))


async def _payout_held(core: CoreHandle) -> ErrorDetails:
    await core.open_account("p1", "USD", "10")
    await debit(core, "b1", "p1", "1", provider="aigame")  # the core's default: 100x for aigame
    return await refused(credit(core, "w1", "p1", "100.01", provider="aigame", ref="b1"))


async def _payout_rejected(core: CoreHandle) -> ErrorDetails:
    await _payout_held(core)
    await decide_hold(core, "w1", approve=False, reason="chip dumping")
    return await refused(credit(core, "w1", "p1", "100.01", provider="aigame", ref="b1"))


async def _store_unavailable(core: CoreHandle) -> ErrorDetails:
    await core.open_account("p1", "USD", "10")
    await execute_sql(core, "ALTER TABLE accounts RENAME TO accounts_offline")
    try:
        return await refused(core.balance("p1", "USD"))
    finally:
        await execute_sql(core, "ALTER TABLE accounts_offline RENAME TO accounts")


REASONS: dict[Reason, tuple[grpc.StatusCode, Scenario, dict[str, str]]] = {
    Reason.INVALID_ARGUMENT: (Code.INVALID_ARGUMENT, _invalid_argument, {"field": "transaction_id"}),
    Reason.INVALID_AMOUNT: (
        Code.INVALID_ARGUMENT,
        _invalid_amount,
        {"field": "amount", "value": "1.005", "currency": "USD", "scale": "2"},
    ),
    Reason.UNSUPPORTED_CURRENCY: (Code.INVALID_ARGUMENT, _unsupported_currency, {"currency": "XXX"}),
    Reason.CURRENCY_MISMATCH: (
        Code.FAILED_PRECONDITION,
        _currency_mismatch,
        {"bet_currency": "USD", "currency": "EUR"},
    ),
    Reason.ACCOUNT_NOT_FOUND: (Code.NOT_FOUND, _account_not_found, {"player_id": "ghost", "currency": "USD"}),
    Reason.ACCOUNT_EXISTS: (Code.ALREADY_EXISTS, _account_exists, {"player_id": "p1", "currency": "USD"}),
    Reason.TRANSACTION_NOT_FOUND: (
        Code.NOT_FOUND,
        _transaction_not_found,
        {"provider": "tests", "transaction_id": "nope"},
    ),
    Reason.INSUFFICIENT_FUNDS: (
        Code.FAILED_PRECONDITION,
        _insufficient_funds,
        {"transaction_id": "b1", "balance": "10.00", "replay": "false"},
    ),
    Reason.ALREADY_ROLLED_BACK: (
        Code.FAILED_PRECONDITION,
        _already_rolled_back,
        {"transaction_id": "b1", "bet_state": "tombstone", "replay": "false"},
    ),
    Reason.ALREADY_SETTLED: (
        Code.FAILED_PRECONDITION,
        _already_settled,
        {"transaction_id": "c1", "bet_state": "settled", "replay": "false"},
    ),
    Reason.IDEMPOTENCY_CONFLICT: (
        Code.ALREADY_EXISTS,
        _idempotency_conflict,
        {"provider": "tests", "kind": "debit", "transaction_id": "b1"},
    ),
    Reason.PLAYER_MISMATCH: (
        Code.FAILED_PRECONDITION,
        _player_mismatch,
        {"reference_transaction_id": "b1", "player_id": "p2"},
    ),
    Reason.AMOUNT_MISMATCH: (Code.FAILED_PRECONDITION, _amount_mismatch, {"amount": "2.00", "stake": "1.00"}),
    Reason.UNAUTHENTICATED: (Code.UNAUTHENTICATED, _unauthenticated, {}),
    Reason.TOKEN_EXPIRED: (
        Code.UNAUTHENTICATED,
        _token_expired,
        {"client": "tests-gateway", "not_after": EXPIRED_AT.isoformat()},
    ),
    Reason.PERMISSION_DENIED: (
        Code.PERMISSION_DENIED,
        _permission_denied,
        {"client": "aigame-gateway", "provider": "hrg"},
    ),
    Reason.STORE_UNAVAILABLE: (Code.UNAVAILABLE, _store_unavailable, {}),
    Reason.PLAYER_BLOCKED: (Code.FAILED_PRECONDITION, _player_blocked, {"transaction_id": "b1", "replay": "false"}),
    Reason.LIMIT_REACHED: (
        Code.FAILED_PRECONDITION,
        _limit_reached,
        {"transaction_id": "b1", "limit": "max_stake", "limit_value": "0.50", "replay": "false"},
    ),
    Reason.PAYOUT_HELD: (Code.ABORTED, _payout_held, {"transaction_id": "w1"}),
    Reason.PAYOUT_REJECTED: (
        Code.FAILED_PRECONDITION,
        _payout_rejected,
        {"transaction_id": "w1", "decision_reason": "chip dumping"},
    ),
}


def test_every_reason_of_the_contract_has_a_code_and_a_test() -> None:
    contract = {value.name.removeprefix("ERROR_REASON_") for value in pb.ErrorReason.DESCRIPTOR.values}
    contract.remove("UNSPECIFIED")
    assert {reason.value for reason in Reason} == contract
    assert set(GRPC_CODES) == set(Reason) == set(REASONS)
    assert {reason: GRPC_CODES[reason] for reason in Reason} == {r: code for r, (code, _, _) in REASONS.items()}


@pytest.mark.parametrize("reason", list(REASONS), ids=[r.value for r in REASONS])
async def test_each_reason_answers_its_code_and_one_error_info(core: CoreHandle, reason: Reason) -> None:
    code, scenario, metadata = REASONS[reason]
    error = await scenario(core)  # error_info checks: one ErrorInfo, domain wallet.v1, status code = call code
    assert error == ErrorDetails(code, reason.value, metadata)


# --- arguments -----------------------------------------------------------------------------------------


async def test_malformed_requests_are_invalid_argument(core: CoreHandle) -> None:
    await core.open_account("p1", "USD", "100")
    cases: list[tuple[Awaitable[object], str]] = [
        (debit(core, "b1", "", "1"), "player_id"),
        (debit(core, "b1", "p1", "1", provider="", token=core.admin_token), "provider"),
        (debit(core, "x" * 129, "p1", "1"), "transaction_id"),
        (debit(core, "b1", "p1", "1", round_id="r" * 129), "round_id"),
        (debit(core, "b1", "p1", "1", currency=""), "currency"),
        (debit(core, "b\x00", "p1", "1"), "transaction_id"),  # PostgreSQL text cannot hold NUL
        (debit(core, "b1", "p1", "1", raw_request="{\x00}"), "raw_request"),
        (credit(core, "w1", "p1", "1", details={"odds": float("nan")}), "details"),
        (rollback(core, "c1", "p1", ""), "reference_transaction_id"),
        (get_transaction(core, ""), "transaction_id"),
        (list_transactions(core), "player_id"),
        (list_transactions(core, player="p1", page_token="not-a-token"), "page_token"),
        (credit_batch(core, []), "credits"),
    ]
    for call, field in cases:
        error = await refused(call)
        assert (error.code, error.reason, error.metadata) == (
            Code.INVALID_ARGUMENT,
            "INVALID_ARGUMENT",
            {"field": field},
        )
    assert await core.balance("p1", "USD") == Decimal("100.00")
    assert await rows(core, select(transactions.c.id)) == []


async def test_the_longest_ids_are_accepted(core: CoreHandle) -> None:
    await core.open_account("p" * 128, "USD", "100")
    answer = await debit(core, "x" * 128, "p" * 128, "1", round_id="r" * 128, game_id="g" * 128, table_id="t" * 128)
    assert answer.transaction.transaction_id == "x" * 128
    assert answer.transaction.round_id == "r" * 128


# --- GetTransaction ---------------------------------------------------------------------------------


async def test_get_transaction_answers_the_bet_and_everything_linked_to_it(core: CoreHandle) -> None:
    await core.open_account("p1", "USD", "500")
    bet = await debit(core, "b1", "p1", "100", round_id="r1")
    win1 = await credit(core, "w1", "p1", "50", ref="b1", round_id="r1")
    win2 = await credit(core, "w2", "p1", "25", ref="b1", round_id="r1")
    cancel = await rollback(core, "c1", "p1", "b1", reverse_payouts=True)
    await refused(credit(core, "w3", "p1", "5", ref="b1"))  # refused after the cancel, and stored
    await debit(core, "other", "p1", "1")
    refused_row = await transaction_row(core, "w3", "credit")
    assert refused_row is not None
    expected = [
        (bet.transaction.wallet_transaction_id, "b1", pb.TRANSACTION_KIND_DEBIT, pb.TRANSACTION_STATUS_COMPLETED),
        (win1.transaction.wallet_transaction_id, "w1", pb.TRANSACTION_KIND_CREDIT, pb.TRANSACTION_STATUS_COMPLETED),
        (win2.transaction.wallet_transaction_id, "w2", pb.TRANSACTION_KIND_CREDIT, pb.TRANSACTION_STATUS_COMPLETED),
        (cancel.transaction.wallet_transaction_id, "c1", pb.TRANSACTION_KIND_ROLLBACK, pb.TRANSACTION_STATUS_COMPLETED),
        (refused_row["id"], "w3", pb.TRANSACTION_KIND_CREDIT, pb.TRANSACTION_STATUS_FAILED),
    ]
    for tx_id, kind in [
        ("b1", pb.TRANSACTION_KIND_UNSPECIFIED),
        ("w2", pb.TRANSACTION_KIND_CREDIT),
        ("c1", pb.TRANSACTION_KIND_ROLLBACK),
        ("w3", pb.TRANSACTION_KIND_UNSPECIFIED),
    ]:
        found = await get_transaction(core, tx_id, kind=kind)
        assert found.transaction.transaction_id == tx_id
        assert [(t.wallet_transaction_id, t.transaction_id, t.kind, t.status) for t in found.related] == expected
        for related in found.related:  # every one shows the bet as it is now
            assert (related.bet.transaction_id, related.bet.state) == ("b1", pb.BET_STATE_CANCELLED)
            assert (related.bet.stake, related.bet.payout) == ("100.00", "75.00")
    assert [t.balance_change for t in (await get_transaction(core, "b1")).related] == [
        "-100.00",
        "50.00",
        "25.00",
        "25.00",
        "0.00",
    ]  # the cancel: stake 100 back, wins 75 taken back


async def test_get_transaction_without_a_bet_relates_only_itself(core: CoreHandle) -> None:
    await core.open_account("p1", "USD", "10")
    bonus = await credit(core, "bonus-1", "p1", "5")
    found = await get_transaction(core, "bonus-1")
    assert found.transaction == bonus.transaction
    assert list(found.related) == [bonus.transaction]
    assert not found.transaction.HasField("bet")


async def test_get_transaction_prefers_the_debit_and_honours_kind(core: CoreHandle) -> None:
    await core.open_account("p1", "USD", "10")
    await debit(core, "same", "p1", "1")
    await credit(core, "same", "p1", "2", ref="same")
    assert (await get_transaction(core, "same")).transaction.kind == pb.TRANSACTION_KIND_DEBIT
    assert (await get_transaction(core, "same", kind=pb.TRANSACTION_KIND_CREDIT)).transaction.amount == "2.00"
    missing = await refused(get_transaction(core, "same", kind=pb.TRANSACTION_KIND_ROLLBACK))
    assert (missing.code, missing.reason) == (Code.NOT_FOUND, "TRANSACTION_NOT_FOUND")
    other_provider = await refused(get_transaction(core, "same", provider="hrg"))
    assert other_provider.metadata == {"provider": "hrg", "transaction_id": "same"}


# --- ListTransactions ------------------------------------------------------------------------------


async def test_list_transactions_by_player_pages_oldest_first(core: CoreHandle) -> None:
    await core.open_account("p1", "USD", "1000")
    await core.open_account("p2", "USD", "1000")
    await debit(core, "b1", "p1", "10", round_id="r1")
    await debit(core, "b2", "p2", "10", round_id="r1")
    await credit(core, "w1", "p1", "15", ref="b1", round_id="r1")
    await refused(debit(core, "big", "p1", "5000"))  # failed ones are listed too
    await rollback(core, "c9", "p1", "ghost")
    await debit(core, "b3", "p1", "1", provider="aigame")
    await credit(core, "bonus", "p1", "3")
    await debit(core, "b4", "p1", "2", round_id="r2")
    await credit(core, "w2", "p2", "20", ref="b2", round_id="r1")
    expected = [
        r["id"]
        for r in await rows(
            core, select(transactions.c.id).where(transactions.c.player_id == "p1").order_by(transactions.c.id)
        )
    ]
    assert len(expected) == 7

    pages: list[list[int]] = []
    token = ""
    while True:
        page = await list_transactions(core, player="p1", page_size=3, page_token=token)
        pages.append([t.wallet_transaction_id for t in page.transactions])
        assert all(t.player_id == "p1" for t in page.transactions)
        token = page.next_page_token
        if not token:
            break
        assert len(pages) < 5
    assert [len(p) for p in pages] == [3, 3, 1]
    assert [i for p in pages for i in p] == expected

    everything = await list_transactions(core, player="p1")  # default page size holds all seven
    assert [t.wallet_transaction_id for t in everything.transactions] == expected
    assert everything.next_page_token == ""
    assert [t.transaction_id for t in everything.transactions] == ["b1", "w1", "big", "c9", "b3", "bonus", "b4"]
    assert everything.transactions[2].status == pb.TRANSACTION_STATUS_FAILED


async def test_list_transactions_by_round_and_provider(core: CoreHandle) -> None:
    await core.open_account("p1", "USD", "1000")
    await core.open_account("p2", "USD", "1000")
    await debit(core, "a1", "p1", "10", provider="aigame", round_id="r1")
    await debit(core, "h1", "p2", "10", provider="hrg", round_id="r1")
    await debit(core, "a2", "p2", "10", provider="aigame", round_id="r1")
    await debit(core, "a3", "p1", "10", provider="aigame", round_id="r2")
    await credit(core, "a1", "p1", "30", provider="aigame", ref="a1", round_id="r1")

    by_round = await list_transactions(core, round_id="r1")
    assert [(t.provider, t.transaction_id, t.kind) for t in by_round.transactions] == [
        ("aigame", "a1", pb.TRANSACTION_KIND_DEBIT),
        ("hrg", "h1", pb.TRANSACTION_KIND_DEBIT),
        ("aigame", "a2", pb.TRANSACTION_KIND_DEBIT),
        ("aigame", "a1", pb.TRANSACTION_KIND_CREDIT),
    ]

    first = await list_transactions(core, round_id="r1", provider="aigame", page_size=2, token=core.token_for("aigame"))
    assert [t.transaction_id for t in first.transactions] == ["a1", "a2"]
    assert first.next_page_token
    second = await list_transactions(
        core,
        round_id="r1",
        provider="aigame",
        page_size=2,
        page_token=first.next_page_token,
        token=core.token_for("aigame"),
    )
    assert [(t.transaction_id, t.kind) for t in second.transactions] == [("a1", pb.TRANSACTION_KIND_CREDIT)]
    assert second.next_page_token == ""

    both = await list_transactions(core, player="p1", round_id="r1")
    assert [t.transaction_id for t in both.transactions] == ["a1", "a1"]

    denied = await refused(list_transactions(core, round_id="r1", provider="hrg", token=core.token_for("aigame")))
    assert denied.reason == "PERMISSION_DENIED"
    no_provider = await refused(list_transactions(core, round_id="r1", token=core.token_for("aigame")))
    assert (no_provider.reason, no_provider.metadata) == ("INVALID_ARGUMENT", {"field": "provider"})


# --- CreditBatch ---------------------------------------------------------------------------------------


async def test_credit_batch_is_all_or_none_and_exactly_once(core: CoreHandle) -> None:
    await core.open_account("p1", "USD", "100")
    await debit(core, "b1", "p1", "10")
    await debit(core, "b2", "p1", "20")
    good = credit_request("w1", "p1", "15", ref="b1")
    bad = credit_request("w2", "p1", "30", ref="missing")

    error = await refused(credit_batch(core, [good, bad]))
    assert (error.code, error.reason) == (Code.NOT_FOUND, "TRANSACTION_NOT_FOUND")
    assert error.metadata == {
        "provider": "tests",
        "reference_transaction_id": "missing",
        "batch_index": "1",
        "transaction_id": "w2",
    }
    assert await core.balance("p1", "USD") == Decimal("70.00")
    assert await transaction_row(core, "w1", "credit") is None
    assert (await get_transaction(core, "b1")).transaction.bet.state == pb.BET_STATE_PLACED

    fixed = credit_request("w2", "p1", "30", ref="b2")
    applied = await credit_batch(core, [good, fixed])
    assert [(c.replay, c.transaction.transaction_id, c.transaction.balance_after) for c in applied.credits] == [
        (False, "w1", "85.00"),
        (False, "w2", "115.00"),
    ]
    again = await credit_batch(core, [good, fixed])
    assert [(c.replay, c.transaction.balance_after) for c in again.credits] == [(True, "85.00"), (True, "115.00")]
    assert [c.transaction.wallet_transaction_id for c in again.credits] == [
        c.transaction.wallet_transaction_id for c in applied.credits
    ]
    single = await credit(core, "w1", "p1", "15", ref="b1")  # one of them alone is a replay too
    assert single.replay
    assert await core.balance("p1", "USD") == Decimal("115.00")
    entry_rows = await rows(core, select(entries.c.amount).order_by(entries.c.id))
    assert [r["amount"] for r in entry_rows] == [10000, -1000, -2000, 1500, 3000]


async def test_credit_batch_refuses_a_cancelled_bet_and_stores_nothing(core: CoreHandle) -> None:
    await core.open_account("p1", "USD", "100")
    await debit(core, "b1", "p1", "10")
    await debit(core, "b2", "p1", "10")
    await rollback(core, "c2", "p1", "b2")
    error = await refused(
        credit_batch(core, [credit_request("w1", "p1", "5", ref="b1"), credit_request("w2", "p1", "5", ref="b2")])
    )
    assert (error.code, error.reason) == (Code.FAILED_PRECONDITION, "ALREADY_ROLLED_BACK")
    assert error.metadata == {
        "reference_transaction_id": "b2",
        "bet_state": "cancelled",
        "batch_index": "1",
        "transaction_id": "w2",
    }
    assert await core.balance("p1", "USD") == Decimal("90.00")
    assert await transaction_row(core, "w1", "credit") is None
    assert await transaction_row(core, "w2", "credit") is None


async def test_credit_batch_repeating_a_refused_credit_is_refused(core: CoreHandle) -> None:
    """A credit refused (and stored) earlier, resent inside a batch: the batch must not
    answer it as a success, nor apply the others."""
    await core.open_account("p1", "USD", "100")
    await debit(core, "b1", "p1", "10")
    await rollback(core, "c1", "p1", "b1")
    await refused(credit(core, "w1", "p1", "5", ref="b1"))  # stored ALREADY_ROLLED_BACK
    error = await refused(
        credit_batch(core, [credit_request("w1", "p1", "5", ref="b1"), credit_request("w2", "p1", "7")])
    )
    assert (error.code, error.reason) == (Code.FAILED_PRECONDITION, "ALREADY_ROLLED_BACK")
    assert error.metadata == {"transaction_id": "w1", "bet_state": "cancelled", "replay": "true", "batch_index": "0"}
    assert await core.balance("p1", "USD") == Decimal("100.00")
    assert await transaction_row(core, "w2", "credit") is None


async def test_credit_batch_refuses_a_repeated_id(core: CoreHandle) -> None:
    await core.open_account("p1", "USD", "100")
    error = await refused(credit_batch(core, [credit_request("w1", "p1", "5"), credit_request("w1", "p1", "5")]))
    assert (error.reason, error.metadata) == ("INVALID_ARGUMENT", {"field": "credits"})
    assert await core.balance("p1", "USD") == Decimal("100.00")


# --- accounts ----------------------------------------------------------------------------------------


async def test_create_account(core: CoreHandle) -> None:
    created = await core.stub.CreateAccount(
        pb.CreateAccountRequest(player_id="p1", currency="USD", initial_balance="25.5"),
        metadata=bearer(core.admin_token),
    )
    account = created.account
    assert (account.player_id, account.currency, account.balance) == ("p1", "USD", "25.50")
    assert account.wallet_id > 0 and account.HasField("created_at")
    answered = await core.stub.GetBalance(
        pb.GetBalanceRequest(player_id="p1", currency="USD", provider="tests"), metadata=bearer(core.token_for("tests"))
    )
    assert answered.account == account

    empty = await core.stub.CreateAccount(
        pb.CreateAccountRequest(player_id="p1", currency="COIN"), metadata=bearer(core.admin_token)
    )
    assert empty.account.balance == "0"
    opening = await rows(core, select(entries.c.account_id, entries.c.transaction_id, entries.c.amount))
    opened = [(r["account_id"], r["transaction_id"], r["amount"]) for r in opening]
    assert opened == [(account.wallet_id, None, 2550)]  # a zero opening makes no entry

    exists = await refused(core.open_account("p1", "USD", "99"))
    assert (exists.code, exists.reason) == (Code.ALREADY_EXISTS, "ACCOUNT_EXISTS")
    assert await core.balance("p1", "USD") == Decimal("25.50")

    for currency, balance, reason in [
        ("COIN", "1.5", "INVALID_AMOUNT"),
        ("USD", "-1", "INVALID_AMOUNT"),
        ("XXX", "1", "UNSUPPORTED_CURRENCY"),
        ("", "1", "UNSUPPORTED_CURRENCY"),
    ]:
        error = await refused(core.open_account("p9", currency, balance))
        assert error.reason == reason
    over_precise = await refused(core.open_account("p9", "USD", "0.001"))
    assert over_precise.metadata == {"field": "initial_balance", "value": "0.001", "currency": "USD", "scale": "2"}
    assert (await refused(core.balance("p9", "USD"))).reason == "ACCOUNT_NOT_FOUND"


async def test_create_account_concurrently_opens_one(core: CoreHandle) -> None:
    async def attempt() -> str:
        try:
            await core.open_account("p1", "USD", "10")
        except grpc.aio.AioRpcError as error:
            return str(error.code().name)
        return "OK"

    outcomes = await asyncio.gather(*(attempt() for _ in range(8)))
    assert sorted(outcomes) == ["ALREADY_EXISTS"] * 7 + ["OK"]
    assert await core.balance("p1", "USD") == Decimal("10.00")


async def test_unsupported_currency_everywhere(core: CoreHandle) -> None:
    await core.open_account("p1", "USD", "10")
    for call in (
        debit(core, "b1", "p1", "1", "XXX"),
        credit(core, "w1", "p1", "1", "XXX"),
        rollback(core, "c1", "p1", "b1", "XXX"),
        core.balance("p1", "XXX"),
    ):
        error = await refused(call)
        assert (error.code, error.reason, error.metadata) == (
            Code.INVALID_ARGUMENT,
            "UNSUPPORTED_CURRENCY",
            {"currency": "XXX"},
        )


async def test_account_not_found_for_money_calls(core: CoreHandle) -> None:
    await core.open_account("p1", "USD", "10")
    for call in (debit(core, "b1", "p1", "1", "EUR"), credit(core, "w1", "ghost", "1")):
        error = await refused(call)
        assert (error.code, error.reason) == (Code.NOT_FOUND, "ACCOUNT_NOT_FOUND")
    assert await rows(core, select(transactions.c.id)) == []


async def test_currency_mismatch_moves_nothing(core: CoreHandle) -> None:
    await core.open_account("p1", "USD", "100")
    await core.open_account("p1", "EUR", "100")
    await debit(core, "b1", "p1", "10")
    for call in (credit(core, "w1", "p1", "50", "EUR", ref="b1"), rollback(core, "c1", "p1", "b1", "EUR")):
        error = await refused(call)
        assert (error.code, error.reason, error.metadata) == (
            Code.FAILED_PRECONDITION,
            "CURRENCY_MISMATCH",
            {"bet_currency": "USD", "currency": "EUR"},
        )
    assert (await core.balance("p1", "USD"), await core.balance("p1", "EUR")) == (Decimal(90), Decimal(100))
    assert (await get_transaction(core, "b1")).transaction.bet.state == pb.BET_STATE_PLACED
    cancel = await rollback(core, "c1", "p1", "b1", "")  # no currency: the bet's
    assert (cancel.transaction.currency, cancel.transaction.balance_after) == ("USD", "100.00")


async def test_player_mismatch_moves_nothing(core: CoreHandle) -> None:
    await core.open_account("p1", "USD", "100")
    await core.open_account("p2", "USD", "100")
    await debit(core, "b1", "p1", "10")
    for call in (credit(core, "w1", "p2", "50", ref="b1"), rollback(core, "c1", "p2", "b1")):
        error = await refused(call)
        assert (error.code, error.reason, error.metadata) == (
            Code.FAILED_PRECONDITION,
            "PLAYER_MISMATCH",
            {"reference_transaction_id": "b1", "player_id": "p2"},
        )
    assert (await core.balance("p1", "USD"), await core.balance("p2", "USD")) == (Decimal(90), Decimal(100))
    assert (await get_transaction(core, "b1")).transaction.bet.state == pb.BET_STATE_PLACED


async def test_details_struct_round_trips(core: CoreHandle) -> None:
    await core.open_account("p1", "USD", "10")
    details = {"cards": ["AS", "KH"], "nested": {"ok": True, "none": None}, "n": 3.0}
    answer = await debit(core, "b1", "p1", "1", details=details)
    assert answer.transaction.details == struct(details)
    assert (await get_transaction(core, "b1")).transaction.details == struct(details)


async def test_the_admin_lists_and_decides_held_payouts_over_grpc(core: CoreHandle) -> None:
    await _payout_held(core)  # w1: 100.01 on a stake of 1 (aigame: 100x)
    admin = bearer(core.admin_token)
    listed = await core.stub.ListHeldPayouts(pb.ListHeldPayoutsRequest(), metadata=admin)
    (held,) = listed.held_payouts
    assert (held.provider, held.transaction_id, held.player_id, held.amount, held.stake, held.paid_before) == (
        "aigame",
        "w1",
        "p1",
        "100.01",
        "1.00",
        "0.00",
    )
    assert (held.status, held.reference_transaction_id, held.HasField("decided_at")) == (
        pb.HOLD_STATUS_PENDING,
        "b1",
        False,
    )
    unclear = await refused(
        core.stub.DecideHeldPayout(pb.DecideHeldPayoutRequest(hold_id=held.hold_id), metadata=admin)
    )
    assert (unclear.reason, unclear.metadata) == ("INVALID_ARGUMENT", {"field": "decision"})
    not_admin = await refused(
        core.stub.DecideHeldPayout(
            pb.DecideHeldPayoutRequest(hold_id=held.hold_id, decision=pb.HOLD_STATUS_APPROVED),
            metadata=bearer(core.token_for("aigame")),
        )
    )
    assert not_admin.reason == "PERMISSION_DENIED"
    decided = await core.stub.DecideHeldPayout(
        pb.DecideHeldPayoutRequest(hold_id=held.hold_id, decision=pb.HOLD_STATUS_APPROVED), metadata=admin
    )
    assert (decided.held_payout.status, decided.held_payout.decided_by) == (pb.HOLD_STATUS_APPROVED, "admin")
    assert decided.held_payout.HasField("decided_at")
    assert not (await core.stub.ListHeldPayouts(pb.ListHeldPayoutsRequest(), metadata=admin)).held_payouts
    approved = pb.ListHeldPayoutsRequest(status=pb.HOLD_STATUS_APPROVED)
    assert len((await core.stub.ListHeldPayouts(approved, metadata=admin)).held_payouts) == 1
    paid = await credit(core, "w1", "p1", "100.01", provider="aigame", ref="b1")
    assert paid.transaction.balance_after == "109.01"
    audited = await rows(core, select(admin_audit).where(admin_audit.c.action == "payout.approved"))
    assert [(entry["actor"], entry["subject"]) for entry in audited] == [("admin", "aigame w1")]
    again = await refused(
        core.stub.DecideHeldPayout(
            pb.DecideHeldPayoutRequest(hold_id=held.hold_id, decision=pb.HOLD_STATUS_REJECTED, reason="late"),
            metadata=admin,
        )
    )
    assert again.reason == "TRANSACTION_NOT_FOUND"
