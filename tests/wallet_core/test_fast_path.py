"""Each store's fast path (PostgreSQL's group commit, SQLite's writer thread): it does the usual
debit (a covered new bet, or the stored refusal of an uncovered one) and the usual payout (a new
payout of a placed or settled bet) and leaves every other case untouched for the ledger's general
path."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from tests.support.core import TEST_CURRENCIES
from wallet_core.bootstrap import open_ledger
from wallet_core.domain import Kind, MoneyRequest
from wallet_core.errors import Reason, WalletError
from wallet_core.ledger import Ledger
from wallet_core.store.currencies import sync_currencies
from wallet_core.store.database import create_engine
from wallet_core.store.fast_path import FastPath, Refused, UniqueKeyTaken
from wallet_core.store.group_commit import GroupCommit
from wallet_core.store.sqlite_writer import SqliteWriter
from wallet_core.verify import find_mismatches


@pytest.fixture
async def ledger(database_url: str) -> AsyncIterator[Ledger]:
    engine = create_engine(database_url)
    await sync_currencies(engine, TEST_CURRENCIES)
    opened = await open_ledger(engine)
    yield opened
    await opened.close()


def _debit(transaction_id: str, amount: str = "25.00", player: str = "p1") -> MoneyRequest:
    return MoneyRequest.prepare(TEST_CURRENCIES, Kind.DEBIT, "tests", transaction_id, player, "USD", amount,
                                round_id="r1", game_id="g1", table_id="t1", details={"bet_detail": {"Banker": 10}},
                                raw_request="{}", client="tests", event_time=datetime.now(UTC))


def _payout(transaction_id: str, bet: str, amount: str = "40.00", player: str = "p1",
            currency: str = "USD") -> MoneyRequest:
    return MoneyRequest.prepare(TEST_CURRENCIES, Kind.CREDIT, "tests", transaction_id, player, currency, amount,
                                reference_id=bet, details={"win": True}, client="tests")


def _cancel(transaction_id: str, bet: str) -> MoneyRequest:
    return MoneyRequest.prepare(TEST_CURRENCIES, Kind.ROLLBACK, "tests", transaction_id, "p1", "", "",
                                reference_id=bet)


@pytest.fixture
async def fast(database_url: str, ledger: Ledger) -> AsyncIterator[FastPath]:
    """The store's fast path, beside (not inside) the ledger's own."""
    path: FastPath
    if database_url.startswith("sqlite"):
        path = SqliteWriter(make_url(database_url).database or "")
    else:
        path = GroupCommit(database_url, pool_size=2)
    yield path
    await path.close()


async def test_debit_places_a_covered_bet_and_leaves_the_rest(ledger: Ledger, fast: FastPath) -> None:
    await ledger.create_account("p1", "USD", "100.00")
    placed = await fast.debit(_debit("b1", "25.00"), datetime.now(UTC))
    assert placed is not None and not isinstance(placed, Refused)
    written, bet = placed
    assert written.balance_after == 7500
    assert written.account_id == (await ledger.account("p1", "USD")).id
    refused = await fast.debit(_debit("b2", "75.01"), datetime.now(UTC))  # not covered: the refusal stored
    assert refused == Refused(written.transaction_id + 1, written.account_id, 7500)
    assert await fast.debit(_debit("b3", "0.01", player="nobody"), datetime.now(UTC)) is None  # no account
    with pytest.raises(UniqueKeyTaken):
        await fast.debit(_debit("b1", "25.00"), datetime.now(UTC))  # the general path answers the replay
    await ledger.rollback(_cancel("c9", "b9"))
    with pytest.raises(UniqueKeyTaken):
        await fast.debit(_debit("b9", "1.00"), datetime.now(UTC))  # a tombstone's id

    with pytest.raises(UniqueKeyTaken):
        await fast.debit(_debit("b2", "75.01"), datetime.now(UTC))  # the general path answers the replay
    ledger_bet = await ledger.debit(_debit("b4", "1.00"))  # a tombstone or a bet with the key: the general path's
    await ledger.rollback(_cancel("c4", "b4"))
    assert await fast.debit(_debit("b4", "10000.00"), datetime.now(UTC)) is None
    assert ledger_bet.transaction.balance_after == 7400

    assert (await ledger.account("p1", "USD")).balance == 7500
    found, related = await ledger.transaction("tests", "b1", Kind.DEBIT)
    assert found.id == written.transaction_id and found.balance_after == 7500
    assert found.details == {"bet_detail": {"Banker": 10}}
    assert found.bet is not None and found.bet.id == bet.id and found.bet.stake == 2500
    assert [t.id for t in related] == [written.transaction_id]
    assert await find_mismatches(ledger.engine) == (1, [])


async def test_payout_settles_the_bet_and_pays(ledger: Ledger, fast: FastPath) -> None:
    await ledger.create_account("p1", "USD", "100.00")
    await ledger.debit(_debit("b1"))
    paid = await fast.payout(_payout("w1", "b1", "40.00"), datetime.now(UTC))
    assert paid is not None
    written, bet = paid
    assert written.balance_after == 11500
    assert (bet.state.value, bet.stake, bet.payout) == ("settled", 2500, 4000)
    assert bet.placed_at is not None and bet.settled_at is not None and bet.cancelled_at is None

    again = await fast.payout(_payout("w2", "b1", "10.00"), datetime.now(UTC))  # a second payout adds up
    assert again is not None and again[1].payout == 5000 and again[0].balance_after == 12500
    nothing = await fast.payout(_payout("w3", "b1", "0"), datetime.now(UTC))  # a loss: no entry
    assert nothing is not None and nothing[0].balance_after == 12500

    found, related = await ledger.transaction("tests", "w1", Kind.CREDIT)
    assert found.id == written.transaction_id and found.balance_change == 4000 and found.details == {"win": True}
    assert found.bet is not None and found.bet.payout == 5000
    assert [t.transaction_id for t in related] == ["b1", "w1", "w2", "w3"]
    assert await find_mismatches(ledger.engine) == (1, [])


async def test_payout_leaves_every_other_case_to_the_general_path(ledger: Ledger, fast: FastPath) -> None:
    await ledger.create_account("p1", "USD", "100.00")
    await ledger.create_account("p2", "USD", "100.00")
    await ledger.create_account("p1", "EUR", "100.00")
    await ledger.debit(_debit("b1"))
    await ledger.debit(_debit("b2"))
    await ledger.rollback(_cancel("c2", "b2"))
    await ledger.rollback(_cancel("c3", "b3"))  # a tombstone
    await fast.payout(_payout("w1", "b1", "1.00"), datetime.now(UTC))
    before = await find_mismatches(ledger.engine)
    balances = [(await ledger.account(p, c)).balance for p, c in (("p1", "USD"), ("p2", "USD"), ("p1", "EUR"))]

    at = datetime.now(UTC)
    assert await fast.payout(_payout("w2", "nobet", "1.00"), at) is None
    assert await fast.payout(_payout("w3", "b2", "1.00"), at) is None  # cancelled
    assert await fast.payout(_payout("w4", "b3", "1.00"), at) is None  # tombstone
    assert await fast.payout(_payout("w5", "b1", "1.00", player="p2"), at) is None  # another player's bet
    assert await fast.payout(_payout("w6", "b1", "1.00", currency="EUR"), at) is None  # another currency
    assert await fast.payout(_payout("w7", "b1", "9999999999999999.99"), at) is None  # past the balance's limit
    with pytest.raises(UniqueKeyTaken):
        await fast.payout(_payout("w1", "b1", "1.00"), at)  # the general path answers the replay

    assert [(await ledger.account(p, c)).balance for p, c in (("p1", "USD"), ("p2", "USD"), ("p1", "EUR"))] \
        == balances
    bet = (await ledger.transaction("tests", "b1", Kind.DEBIT))[0].bet
    assert bet is not None and bet.payout == 100
    for refused in ("w2", "w3", "w4", "w5", "w6", "w7"):
        with pytest.raises(WalletError) as raised:
            await ledger.transaction("tests", refused, Kind.CREDIT)
        assert raised.value.reason is Reason.TRANSACTION_NOT_FOUND
    assert await find_mismatches(ledger.engine) == before


async def test_an_uncovered_debit_is_refused_and_stored_as_the_general_path_stores_it(
        ledger: Ledger, monkeypatch: pytest.MonkeyPatch) -> None:
    general = Ledger(ledger.engine, ledger.currencies)  # no fast path
    await ledger.create_account("p1", "USD", "10.00")
    general_path_calls = []
    original = Ledger._debit

    async def spy(self: Ledger, *args: Any, **kwargs: Any) -> Any:
        general_path_calls.append((self is general, args[1].transaction_id))
        return await original(self, *args, **kwargs)

    monkeypatch.setattr(Ledger, "_debit", spy)
    answers: dict[str, list[WalletError]] = {}
    for name, which in (("fast", ledger), ("general", general)):
        answers[name] = []
        for _ in range(2):  # the refusal, then its replay
            with pytest.raises(WalletError) as refused:
                await which.debit(_debit(name, "10.01"))
            answers[name].append(refused.value)
    for name in ("fast", "general"):
        first, again = answers[name]
        assert first.reason is again.reason is Reason.INSUFFICIENT_FUNDS
        assert first.metadata == {"transaction_id": name, "balance": "10.00", "replay": "false"}
        assert again.metadata == {**first.metadata, "replay": "true"}

    # the fast ledger's replay is the only one of its calls that took the general path
    assert general_path_calls == [(False, "fast"), (True, "general"), (True, "general")]
    fast = asdict((await ledger.transaction("tests", "fast", Kind.DEBIT))[0])
    slow = asdict((await ledger.transaction("tests", "general", Kind.DEBIT))[0])
    for row in (fast, slow):
        assert row.pop("transaction_id") in ("fast", "general")
        for varying in ("id", "created_at", "event_time"):
            row.pop(varying)
        row["error_metadata"] = {k: v for k, v in row["error_metadata"].items() if k != "transaction_id"}
    assert fast == slow
    assert slow["status"].value == "failed" and slow["balance_after"] == 1000 and slow["bet"] is None
    assert (await ledger.account("p1", "USD")).balance == 1000
    assert await find_mismatches(ledger.engine) == (1, [])


@pytest.mark.parametrize("kind", [Kind.DEBIT, Kind.CREDIT])
async def test_the_ledger_takes_it_for_the_usual_case(ledger: Ledger, monkeypatch: pytest.MonkeyPatch,
                                                      kind: Kind) -> None:
    await ledger.create_account("p1", "USD", "10.00")
    await ledger.debit(_debit("b0", "1.00"))
    general_path_calls = []
    name = "_debit" if kind is Kind.DEBIT else "_credit"
    original = getattr(Ledger, name)

    async def spy(self: Ledger, *args: Any, **kwargs: Any) -> Any:
        general_path_calls.append(args[1].transaction_id)
        return await original(self, *args, **kwargs)

    monkeypatch.setattr(Ledger, name, spy)
    request = _debit("b1", "4.00") if kind is Kind.DEBIT else _payout("w1", "b0", "4.00")
    first = await ledger.debit(request) if kind is Kind.DEBIT else await ledger.credit(request)
    again = await ledger.debit(request) if kind is Kind.DEBIT else await ledger.credit(request)
    assert not first.replay and again.replay and again.transaction.id == first.transaction.id
    assert first.transaction == again.transaction  # the fast path answers what the store holds
    assert general_path_calls == [request.transaction_id]  # only the replay went the general way
    assert (await ledger.account("p1", "USD")).balance == (500 if kind is Kind.DEBIT else 1300)
