"""wallet_core.auth through the server: who may call, and for which provider."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from decimal import Decimal

import grpc
import pytest

from tests.support.core import EXPIRED_AT, CoreHandle, bearer
from tests.wallet_core.helpers import (
    credit,
    credit_batch,
    credit_request,
    debit,
    debit_request,
    get_transaction,
    list_transactions,
    refused,
    rollback,
    transaction_count,
)
from wallet.v1 import wallet_pb2 as pb

Metadata = Sequence[tuple[str, str]]
Call = Callable[[CoreHandle, Metadata], Awaitable[object]]

CALLS: dict[str, Call] = {
    "CreateAccount": lambda core, md: core.stub.CreateAccount(
        pb.CreateAccountRequest(player_id="p9", currency="USD"), metadata=md
    ),
    "GetBalance": lambda core, md: core.stub.GetBalance(
        pb.GetBalanceRequest(provider="tests", player_id="p1", currency="USD"), metadata=md
    ),
    "Debit": lambda core, md: core.stub.Debit(debit_request("b1", "p1", "1"), metadata=md),
    "Credit": lambda core, md: core.stub.Credit(credit_request("w1", "p1", "1"), metadata=md),
    "CreditBatch": lambda core, md: core.stub.CreditBatch(
        pb.CreditBatchRequest(credits=[credit_request("w1", "p1", "1")]), metadata=md
    ),
    "Rollback": lambda core, md: core.stub.Rollback(
        pb.RollbackRequest(provider="tests", transaction_id="c1", player_id="p1", reference_transaction_id="b1"),
        metadata=md,
    ),
    "GetTransaction": lambda core, md: core.stub.GetTransaction(
        pb.GetTransactionRequest(provider="tests", transaction_id="b1"), metadata=md
    ),
    "ListTransactions": lambda core, md: core.stub.ListTransactions(
        pb.ListTransactionsRequest(provider="tests", player_id="p1"), metadata=md
    ),
}

BAD_CREDENTIALS: dict[str, Metadata] = {
    "none": (),
    "unknown token": bearer("not-a-token-of-this-core"),
    "empty bearer": (("authorization", "Bearer "),),
    "not bearer": (("authorization", "Basic dGVzdHM6dGVzdHM="),),
    "lowercase scheme": (("authorization", f"bearer {'test-tests-token-0123456789'}"),),
    "token prefix": bearer("test-tests-token-012345678"),
    "token plus a character": bearer("test-tests-token-0123456789x"),
}


@pytest.mark.parametrize("method", list(CALLS))
async def test_no_or_wrong_token_is_unauthenticated(core: CoreHandle, method: str) -> None:
    await core.open_account("p1", "USD", "100")
    for name, credentials in BAD_CREDENTIALS.items():
        error = await refused(CALLS[method](core, credentials))
        assert (error.code, error.reason, error.metadata) == (grpc.StatusCode.UNAUTHENTICATED, "UNAUTHENTICATED", {}), (
            name
        )
    assert await core.balance("p1", "USD") == Decimal("100.00")
    assert await transaction_count(core) == 0


async def test_a_gateway_may_not_act_for_another_provider(core: CoreHandle) -> None:
    await core.open_account("p1", "USD", "100")
    await debit(core, "b1", "p1", "10", provider="hrg")
    aigame = core.token_for("aigame")
    calls: list[Awaitable[object]] = [
        debit(core, "b2", "p1", "10", provider="hrg", token=aigame),
        credit(core, "w1", "p1", "50", provider="hrg", ref="b1", token=aigame),
        rollback(core, "c1", "p1", "b1", provider="hrg", token=aigame),  # a cancel too: the gateway is not hrg's
        credit_batch(
            core,
            [credit_request("w2", "p1", "5", provider="aigame"), credit_request("w3", "p1", "5", provider="hrg")],
            token=aigame,
        ),
        get_transaction(core, "b1", provider="hrg", token=aigame),
        list_transactions(core, player="p1", provider="hrg", token=aigame),
        core.stub.GetBalance(
            pb.GetBalanceRequest(provider="hrg", player_id="p1", currency="USD"), metadata=bearer(aigame)
        ),
    ]
    for call in calls:
        error = await refused(call)
        assert (error.code, error.reason, error.metadata) == (
            grpc.StatusCode.PERMISSION_DENIED,
            "PERMISSION_DENIED",
            {"client": "aigame-gateway", "provider": "hrg"},
        )
    assert await core.balance("p1", "USD") == Decimal("90.00")
    assert await transaction_count(core) == 1
    bet = (await get_transaction(core, "b1", provider="hrg")).transaction.bet
    assert (bet.state, bet.payout) == (pb.BET_STATE_PLACED, "0.00")


async def test_a_gateway_must_name_its_provider_to_read(core: CoreHandle) -> None:
    await core.open_account("p1", "USD", "100")
    error = await refused(
        core.stub.GetBalance(
            pb.GetBalanceRequest(player_id="p1", currency="USD"), metadata=bearer(core.token_for("aigame"))
        )
    )
    assert (error.reason, error.metadata) == ("INVALID_ARGUMENT", {"field": "provider"})
    answer = await core.stub.GetBalance(
        pb.GetBalanceRequest(provider="aigame", player_id="p1", currency="USD"),
        metadata=bearer(core.token_for("aigame")),
    )
    assert answer.account.balance == "100.00"


async def test_a_gateway_may_not_open_accounts(core: CoreHandle) -> None:
    for provider in ("aigame", "hrg", "sud", "cashier", "tests"):
        error = await refused(
            core.stub.CreateAccount(
                pb.CreateAccountRequest(player_id="p1", currency="USD", initial_balance="1000"),
                metadata=bearer(core.token_for(provider)),
            )
        )
        assert (error.code, error.reason, error.metadata) == (
            grpc.StatusCode.PERMISSION_DENIED,
            "PERMISSION_DENIED",
            {"client": f"{provider}-gateway"},
        )
    assert (await refused(core.balance("p1", "USD"))).reason == "ACCOUNT_NOT_FOUND"


async def test_admin_may_act_for_any_provider(core: CoreHandle) -> None:
    await core.open_account("p1", "USD", "100")
    admin = core.admin_token
    for provider in ("aigame", "hrg", "sud", "cashier", "somebody-new"):
        placed = await debit(core, "b1", "p1", "10", provider=provider, token=admin)
        assert (placed.transaction.provider, placed.replay) == (provider, False)
        paid = await credit(core, "w1", "p1", "4", provider=provider, ref="b1", token=admin)
        assert paid.transaction.bet.state == pb.BET_STATE_SETTLED
        found = await get_transaction(core, "b1", provider=provider, token=admin)
        assert len(found.related) == 2
    listed = await list_transactions(core, player="p1")  # the admin may list across providers
    assert len(listed.transactions) == 10
    assert await core.balance("p1", "USD") == Decimal("70.00")


@pytest.mark.parametrize("method", list(CALLS))
async def test_an_expired_token_is_refused_with_its_own_reason_and_moves_nothing(core: CoreHandle, method: str) -> None:
    await core.open_account("p1", "USD", "100")
    error = await refused(CALLS[method](core, bearer(core.expired_token_for("tests"))))
    assert (error.code, error.reason, error.metadata) == (
        grpc.StatusCode.UNAUTHENTICATED,
        "TOKEN_EXPIRED",
        {"client": "tests-gateway", "not_after": EXPIRED_AT.isoformat()},
    )
    assert await core.balance("p1", "USD") == Decimal("100.00")
    assert await transaction_count(core) == 0


async def test_the_same_clients_current_token_still_works(core: CoreHandle) -> None:
    await core.open_account("p1", "USD", "100")
    placed = await debit(core, "b1", "p1", "10", token=core.token_for("tests"))
    assert placed.transaction.provider == "tests"
    assert await core.balance("p1", "USD") == Decimal("90.00")
