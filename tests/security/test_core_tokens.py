"""Core tokens are scoped per provider and role (README, "Authentication"): a gateway's token can act
for its own provider only, and never open accounts or read another provider's money.

Seen from both sides: each gateway's token used directly against the core (what a stolen gateway
token can do), and a gateway holding another gateway's token (a misconfigured or compromised
deployment), whose every money request is answered with the dialect's "our fault" code and moves
nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

import grpc
import pytest

from tests.gateways.aigame.conftest import running_aigame
from tests.gateways.hrg.conftest import running_hrg
from tests.gateways.sud.conftest import running_sud
from tests.support.core import CoreHandle, bearer
from wallet.v1 import wallet_pb2 as pb

GATEWAYS = ("aigame", "hrg", "sud")
PLAYER = "token-player"


def _money(provider: str) -> dict[str, Any]:
    return {
        "provider": provider,
        "transaction_id": f"{provider}-t1",
        "player_id": PLAYER,
        "currency": "USD",
        "amount": "1.00",
    }


Call = Callable[[CoreHandle, str, str], Awaitable[object]]
CALLS: dict[str, Call] = {
    "Debit": lambda core, token, other: core.stub.Debit(pb.DebitRequest(**_money(other)), metadata=bearer(token)),
    "Credit": lambda core, token, other: core.stub.Credit(pb.CreditRequest(**_money(other)), metadata=bearer(token)),
    "CreditBatch": lambda core, token, other: core.stub.CreditBatch(
        pb.CreditBatchRequest(credits=[pb.CreditRequest(**_money(other))]), metadata=bearer(token)
    ),
    "Rollback": lambda core, token, other: core.stub.Rollback(
        pb.RollbackRequest(**_money(other), reference_transaction_id=f"{other}-t0"), metadata=bearer(token)
    ),
    "GetBalance": lambda core, token, other: core.stub.GetBalance(
        pb.GetBalanceRequest(provider=other, player_id=PLAYER, currency="USD"), metadata=bearer(token)
    ),
    "GetTransaction": lambda core, token, other: core.stub.GetTransaction(
        pb.GetTransactionRequest(provider=other, transaction_id=f"{other}-t0"), metadata=bearer(token)
    ),
    "ListTransactions": lambda core, token, other: core.stub.ListTransactions(
        pb.ListTransactionsRequest(provider=other, player_id=PLAYER), metadata=bearer(token)
    ),
    "ListStaleBets": lambda core, token, other: core.stub.ListStaleBets(
        pb.ListStaleBetsRequest(provider=other), metadata=bearer(token)
    ),
    "RecordReconciliation": lambda core, token, other: core.stub.RecordReconciliation(
        pb.RecordReconciliationRequest(provider=other, transaction_id=f"{other}-t0", action="review", actor="x"),
        metadata=bearer(token),
    ),
    "CreateAccount": lambda core, token, other: core.stub.CreateAccount(
        pb.CreateAccountRequest(player_id=f"new-{other}", currency="USD", initial_balance="1000"),
        metadata=bearer(token),
    ),
}


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("gateway", GATEWAYS)
@pytest.mark.parametrize("method", CALLS)
async def test_a_gateway_token_cannot_act_for_another_provider_or_open_accounts(
    core: CoreHandle, gateway: str, method: str
) -> None:
    await core.open_account(PLAYER, "USD", "100.00")
    await core.stub.Debit(
        pb.DebitRequest(**{**_money("tests"), "transaction_id": "tests-t0"}), metadata=bearer(core.admin_token)
    )
    for other in (provider for provider in (*GATEWAYS, "tests") if provider != gateway):
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await CALLS[method](core, core.token_for(gateway), other)
        assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED, (other, refused.value.details())
    assert await core.balance(PLAYER, "USD") == Decimal("99.00")


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("method", ["ListStaleBets", "RecordReconciliation"])
async def test_a_gateway_token_cannot_reconcile_even_its_own_provider(core: CoreHandle, method: str) -> None:
    for gateway in GATEWAYS:
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await CALLS[method](core, core.token_for(gateway), gateway)
        assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_a_reconcile_token_cannot_take_stakes_or_act_for_another_provider(core: CoreHandle) -> None:
    await core.open_account(PLAYER, "USD", "100.00")
    for method in ("Debit", "ListStaleBets", "RecordReconciliation"):
        for other in ("aigame", "hrg"):
            if method != "Debit" and other == "aigame":
                continue  # its own provider: allowed
            with pytest.raises(grpc.aio.AioRpcError) as refused:
                await CALLS[method](core, core.reconcile_token_for("aigame"), other)
            assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED, (method, other)
    assert await core.balance(PLAYER, "USD") == Decimal("100.00")


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_a_gateway_token_acts_for_its_own_provider(core: CoreHandle) -> None:
    await core.open_account(PLAYER, "USD", "100.00")
    for gateway in GATEWAYS:
        await CALLS["Debit"](core, core.token_for(gateway), gateway)
    assert await core.balance(PLAYER, "USD") == Decimal("97.00")


async def test_a_gateway_holding_another_gateways_token_moves_nothing(core: CoreHandle) -> None:
    async with running_aigame(core, token=core.token_for("hrg")) as aigame:
        user = await aigame.player("100.00")
        assert await aigame.code("bet", aigame.vendor.bet(user, "b1", "1.00")) == 800100
        assert await aigame.code("refund", aigame.vendor.refund(user, "b1", "1.00")) == 800100
        assert await aigame.balance_of(user) == Decimal("100.00")
    async with running_hrg(core, token=core.token_for("sud")) as hrg:
        user = await hrg.player("100.00")
        assert await hrg.code("place_bet", hrg.vendor.place_bet(user, "TX-1", "1.00")) == "9999"
        assert await hrg.code("cancel_bet", hrg.vendor.cancel_bet(user, "TX-1")) == "9999"
        assert await hrg.balance_of(user) == Decimal("100.00")
    async with running_sud(core, token=core.token_for("aigame")) as sud:
        user = await sud.player("100.00")
        assert (await sud.update_score(sud.vendor.update_score(user, "o1", 100, 2)))["ret_code"] == 1999
        assert await sud.balance_of(user) == Decimal("100.00")
