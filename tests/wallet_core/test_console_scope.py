"""The console's scope in the core: "read" reads every provider's records and the figures, "act" also
decides held payouts in the staff member's name; neither moves money. And the RPCs the console reads with."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import grpc
import pytest

from tests.support.core import CONSOLE_ACT_TOKEN, CONSOLE_READ_TOKEN, CoreHandle, bearer
from tests.wallet_core.helpers import credit, debit, refused, timestamp
from wallet.v1 import wallet_pb2 as pb
from wallet_core.audit import AdminAudit
from wallet_core.auth import ACTOR_HEADER
from wallet_core.config import ConfigError, CoreSettings
from wallet_core.store.database import create_engine

READ = bearer(CONSOLE_READ_TOKEN)
ACT = bearer(CONSOLE_ACT_TOKEN)


def as_staff(metadata: object, staff: str) -> list[tuple[str, str]]:
    return [*metadata, (ACTOR_HEADER, staff)]  # type: ignore[misc]


async def test_a_console_reads_every_providers_records(core: CoreHandle) -> None:
    await core.open_account("p1", "USD", "100")
    await debit(core, "b1", "p1", "10", provider="hrg", raw_request='{"txId": "b1"}')
    found = await core.stub.GetTransaction(pb.GetTransactionRequest(provider="hrg", transaction_id="b1"), metadata=READ)
    assert found.transaction.amount == "10.00"
    listed = await core.stub.ListTransactions(pb.ListTransactionsRequest(player_id="p1"), metadata=READ)
    assert [t.transaction_id for t in listed.transactions] == ["b1"]
    one_provider = pb.ListTransactionsRequest(player_id="p1", provider="hrg")
    assert len((await core.stub.ListTransactions(one_provider, metadata=READ)).transactions) == 1
    raw = await core.stub.GetRawRequest(
        pb.GetRawRequestRequest(provider="hrg", transaction_id="b1", kind=pb.TRANSACTION_KIND_DEBIT), metadata=READ
    )
    assert raw.raw_request == '{"txId": "b1"}'
    status = await core.stub.GetPlayerStatus(pb.GetPlayerStatusRequest(player_id="p1"), metadata=READ)
    assert not status.status.blocked
    balance = await core.stub.GetBalance(pb.GetBalanceRequest(player_id="p1", currency="USD"), metadata=READ)
    assert balance.account.balance == "90.00"


async def test_a_console_moves_no_money_and_opens_no_account(core: CoreHandle) -> None:
    await core.open_account("p1", "USD", "100")
    for token in (CONSOLE_READ_TOKEN, CONSOLE_ACT_TOKEN):
        answer = await refused(debit(core, "b1", "p1", "10", provider="hrg", token=token))
        assert answer.reason == "PERMISSION_DENIED"
        answer = await refused(
            core.stub.CreateAccount(pb.CreateAccountRequest(player_id="p2", currency="USD"), metadata=bearer(token))
        )
        assert answer.reason == "PERMISSION_DENIED"
    assert await core.balance("p1", "USD") == 100


async def test_a_gateway_reads_neither_other_providers_nor_the_console_rpcs(core: CoreHandle) -> None:
    gateway = bearer(core.token_for("aigame"))
    for call in (
        core.stub.ListAccounts(pb.ListAccountsRequest(player_id_prefix="p"), metadata=gateway),
        core.stub.GetFigures(pb.GetFiguresRequest(since=timestamp(datetime.now(UTC))), metadata=gateway),
        core.stub.GetRawRequest(
            pb.GetRawRequestRequest(provider="aigame", transaction_id="x", kind=pb.TRANSACTION_KIND_DEBIT),
            metadata=gateway,
        ),
        core.stub.GetTransaction(pb.GetTransactionRequest(provider="hrg", transaction_id="x"), metadata=gateway),
    ):
        assert (await refused(call)).reason == "PERMISSION_DENIED"


async def test_list_accounts_finds_players_by_prefix(core: CoreHandle) -> None:
    for player in ("demo1", "demo2", "other", "de%mo"):
        await core.open_account(player, "USD", "1")
    await core.open_account("demo1", "EUR", "2")
    found = await core.stub.ListAccounts(pb.ListAccountsRequest(player_id_prefix="demo"), metadata=READ)
    assert [(a.player_id, a.currency) for a in found.accounts] == [("demo1", "EUR"), ("demo1", "USD"), ("demo2", "USD")]
    literal = await core.stub.ListAccounts(pb.ListAccountsRequest(player_id_prefix="de%"), metadata=READ)
    assert [a.player_id for a in literal.accounts] == ["de%mo"]
    answer = await refused(core.stub.ListAccounts(pb.ListAccountsRequest(), metadata=READ))
    assert (answer.code, answer.reason) == (grpc.StatusCode.INVALID_ARGUMENT, "INVALID_ARGUMENT")


async def test_figures_answer_ggr_per_day_and_the_recorded_refusals(core: CoreHandle) -> None:
    await core.open_account("p1", "USD", "20")
    await debit(core, "b1", "p1", "10", provider="hrg")
    await credit(core, "w1", "p1", "4", provider="hrg", ref="b1")
    await refused(debit(core, "b2", "p1", "500", provider="hrg"))
    now = datetime.now(UTC)
    answer = await core.stub.GetFigures(pb.GetFiguresRequest(since=timestamp(now - timedelta(days=2))), metadata=READ)
    (day,) = answer.days
    assert (day.day, day.provider, day.currency) == (now.date().isoformat(), "hrg", "USD")
    assert (day.bet_count, day.bets, day.wins, day.ggr) == (1, "10.00", "4.00", "6.00")
    assert [(r.provider, r.reason, r.count) for r in answer.refusals] == [("hrg", "INSUFFICIENT_FUNDS", 1)]
    too_long = pb.GetFiguresRequest(since=timestamp(now - timedelta(days=400)))
    assert (await refused(core.stub.GetFigures(too_long, metadata=READ))).reason == "INVALID_ARGUMENT"


async def test_a_console_decides_a_held_payout_in_the_staff_members_name(core: CoreHandle) -> None:
    await core.open_account("p1", "USD", "10")
    await debit(core, "b1", "p1", "1", provider="hrg")
    await refused(credit(core, "w1", "p1", "100.01", provider="hrg", ref="b1"))
    (hold,) = (await core.stub.ListHeldPayouts(pb.ListHeldPayoutsRequest(), metadata=READ)).held_payouts
    decide = pb.DecideHeldPayoutRequest(hold_id=hold.hold_id, decision=pb.HOLD_STATUS_APPROVED)
    assert (await refused(core.stub.DecideHeldPayout(decide, metadata=as_staff(READ, "ann")))).reason == (
        "PERMISSION_DENIED"
    )
    # An "act" console must name the person.
    assert (await refused(core.stub.DecideHeldPayout(decide, metadata=ACT))).reason == "INVALID_ARGUMENT"
    decided = await core.stub.DecideHeldPayout(decide, metadata=as_staff(ACT, "ann"))
    assert decided.held_payout.decided_by == "console/ann"
    engine = create_engine(core.database_url, pool_size=1)
    try:
        entries = await AdminAudit(engine).entries()
    finally:
        await engine.dispose()
    assert [e.actor for e in entries if e.action.startswith("payout")] == ["console/ann"]


def test_the_console_scope_is_read_or_act() -> None:
    token = {"sha256": "0" * 64}
    settings = CoreSettings.from_mapping({"clients": [{"name": "c", "tokens": [token], "console": "act"}]})
    assert settings.clients[0].console == "act"
    with pytest.raises(ConfigError, match='console must be "read" or "act"'):
        CoreSettings.from_mapping({"clients": [{"name": "c", "tokens": [token], "console": "admin"}]})
