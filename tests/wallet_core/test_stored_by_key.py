"""A fast path's ``find``, the one read that answers a replay, reads what the ledger's own query
reads (``queries.find_transaction``) for every kind of stored transaction, on both stores."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.support.ledger import bet, cancel, open_ledger, payout
from wallet_core.bootstrap import fast_path_for
from wallet_core.domain import Kind, MoneyRequest
from wallet_core.errors import WalletError
from wallet_core.store import queries as q
from wallet_core.store.raw_requests import RawRequests


async def test_find_reads_what_the_general_path_reads(database_url: str) -> None:
    async with open_ledger(database_url) as ledger:
        await ledger.create_account("p1", "USD", "10")
        await bet(ledger, "tests", "b1", "p1", "USD", "2.50", "r1")
        await payout(ledger, "tests", "b1", "p1", "USD", "7.25", "r1", payout_id="w1")
        refused = MoneyRequest.prepare(
            ledger.currencies,
            Kind.DEBIT,
            "tests",
            "b2",
            "p1",
            "USD",
            "1000",
            details={"table": "T1", "results": [1, 2]},
            event_time=datetime(2026, 12, 6, 12, 0, 1, 250000, tzinfo=UTC),
        )
        with pytest.raises(WalletError, match="balance"):
            await ledger.debit(refused)  # INSUFFICIENT_FUNDS, stored
        await cancel(ledger, "tests", "b3", "p1", "USD", amount="1")  # a tombstone: no debit under b3
        keys = [(Kind.DEBIT, "b1"), (Kind.CREDIT, "w1"), (Kind.DEBIT, "b2"), (Kind.ROLLBACK, "b3"), (Kind.DEBIT, "b3")]
        fast = fast_path_for(ledger.engine, 2, RawRequests({}, None))
        assert fast is not None
        found = {}
        try:
            for kind, transaction_id in keys:
                async with ledger.engine.connect() as conn:
                    expected = await q.find_transaction(conn, "tests", kind, transaction_id)
                found[transaction_id, kind] = await fast.find("tests", kind, transaction_id)
                assert found[transaction_id, kind] == expected, (kind, transaction_id)
        finally:
            await fast.close()
    stored_refusal = found["b2", Kind.DEBIT]
    assert stored_refusal is not None and stored_refusal.bet is None
    assert stored_refusal.details == {"table": "T1", "results": [1, 2]}
    assert stored_refusal.event_time == datetime(2026, 12, 6, 12, 0, 1, 250000, tzinfo=UTC)
    assert stored_refusal.error_metadata == {"transaction_id": "b2"}
    paid = found["w1", Kind.CREDIT]
    assert paid is not None and paid.bet is not None and (paid.bet.transaction_id, paid.bet.payout) == ("b1", 725)
    assert found["b3", Kind.DEBIT] is None  # the tombstone's debit key holds no transaction
