"""PostgreSQL's one-statement debit: it places a covered new bet, and leaves every other case
(no cover, no account, a known id, a tombstone) untouched for the ledger's general path."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.support.core import TEST_CURRENCIES
from wallet_core.domain import Kind, MoneyRequest
from wallet_core.ledger import Ledger
from wallet_core.store.currencies import sync_currencies
from wallet_core.store.database import create_engine
from wallet_core.store.one_statement_debit import OneStatementDebit, UniqueKeyTaken
from wallet_core.verify import find_mismatches


@pytest.fixture
async def ledger(database_url: str) -> AsyncIterator[Ledger]:
    if not database_url.startswith("postgresql"):
        pytest.skip("the one-statement debit is PostgreSQL's")
    engine = create_engine(database_url)
    await sync_currencies(engine, TEST_CURRENCIES)
    opened = await Ledger.open(engine)
    yield opened
    await opened.close()


def _args(transaction_id: str, amount: int, player: str = "p1") -> dict[str, Any]:
    return dict(amount=amount, player_id=player, currency="USD", provider="tests", transaction_id=transaction_id,
                created_at=datetime.now(UTC), request_hash="h", round_id="r1", game_id="g1", table_id="t1",
                reference_id="", details={"bet_detail": {"Banker": 10}}, raw_request="{}", client="tests",
                event_time=datetime.now(UTC))


async def test_places_a_covered_bet_and_leaves_the_rest(ledger: Ledger, database_url: str) -> None:
    await ledger.create_account("p1", "USD", "100.00")
    fast = OneStatementDebit(database_url, pool_size=2)
    try:
        placed = await fast(**_args("b1", 2500))
        assert placed is not None
        tx_id, account_id, balance_after, bet_id = placed
        assert balance_after == 7500
        assert account_id == (await ledger.account("p1", "USD")).id
        assert await fast(**_args("b2", 7501)) is None  # not covered: nothing written
        assert await fast(**_args("b3", 1, player="nobody")) is None  # no account
        with pytest.raises(UniqueKeyTaken):
            await fast(**_args("b1", 2500))  # the same id again: the general path answers the replay
        await ledger.rollback(MoneyRequest(kind=Kind.ROLLBACK, provider="tests", transaction_id="c9", player_id="p1",
                                           currency="USD", amount="", reference_id="b9"))
        with pytest.raises(UniqueKeyTaken):
            await fast(**_args("b9", 100))  # a tombstone's id
    finally:
        await fast.close()
    assert (await ledger.account("p1", "USD")).balance == 7500
    found, related = await ledger.transaction("tests", "b1", Kind.DEBIT)
    assert found.id == tx_id and found.balance_after == 7500 and found.details == {"bet_detail": {"Banker": 10}}
    assert found.bet is not None and found.bet.id == bet_id and found.bet.stake == 2500
    assert [t.id for t in related] == [tx_id]
    assert await find_mismatches(ledger.engine) == (1, [])


async def test_the_ledger_takes_it_for_a_new_covered_bet(ledger: Ledger, monkeypatch: pytest.MonkeyPatch) -> None:
    await ledger.create_account("p1", "USD", "10.00")
    general_path_calls = []
    original = Ledger._debit

    async def spy(self: Ledger, *args: Any) -> Any:
        general_path_calls.append(args[1].transaction_id)
        return await original(self, *args)

    monkeypatch.setattr(Ledger, "_debit", spy)
    request = MoneyRequest(kind=Kind.DEBIT, provider="tests", transaction_id="b1", player_id="p1",
                           currency="USD", amount="4.00")
    first = await ledger.debit(request)
    again = await ledger.debit(request)
    assert not first.replay and again.replay and again.transaction.id == first.transaction.id
    assert general_path_calls == ["b1"]  # only the replay went the general way
    assert (await ledger.account("p1", "USD")).balance == 600
