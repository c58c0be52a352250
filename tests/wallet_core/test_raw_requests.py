"""Raw requests stored packed against a sample of their provider's requests: every one reads back
exactly as received (rule 10), on both stores, whichever path wrote it."""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import func, select

from tests.support.core import TEST_CURRENCIES
from tests.support.ledger import open_ledger
from wallet_core.domain import Kind, MoneyRequest
from wallet_core.errors import Reason, WalletError
from wallet_core.ledger import Ledger
from wallet_core.store.raw_requests import (
    MAX_SAMPLE_BYTES,
    RawRequests,
    UnreadableRawRequest,
    pack,
    sample_of,
    unpack,
)
from wallet_core.store.schema import raw_request_samples, transactions

SAMPLE = b'{"agent_id":"a1","user_id":"u1","bet_txn_id":"67453d0c23c36d2571d40817","bet_amount":"1.00","sign":"'


def _body(transaction_id: str, player: str = "p1", amount: str = "1.00") -> str:
    """A body shaped like a provider's: field names repeat from one request to the next."""
    return json.dumps(
        {
            "agent_id": "a1",
            "user_id": player,
            "game_id": "101",
            "round_id": 41,
            "bet_txn_id": transaction_id,
            "bet_amount": amount,
            "currency": "USD",
            "timestamp": 1732000000000,
            "sign": "28ff980c8f5aae7815439c9faaf91523",
        },
        separators=(",", ":"),
    )


# --- the stored form -------------------------------------------------------------------


def test_a_packed_request_reads_back_exactly_and_is_smaller() -> None:
    raw = _body("67453d0c23c36d2571d40818") + " é ✓ \U0001f3b2"  # text as received, any characters
    packed = pack(raw, 7, SAMPLE)
    assert unpack(packed, {7: SAMPLE}) == raw
    assert len(packed) < len(raw.encode()) * 0.7
    assert (packed[0], sample_of(packed)) == (1, 7)


@pytest.mark.parametrize("sample_id", [0, 127, 128, 300, 2**40])
def test_the_sample_id_is_read_back_at_any_size(sample_id: int) -> None:
    packed = pack("x" * 50, sample_id, SAMPLE)
    assert sample_of(packed) == sample_id
    assert unpack(packed, {sample_id: SAMPLE}) == "x" * 50


def test_the_stored_form_of_format_1_never_changes() -> None:
    """Rows packed today must read back for as long as the ledger is kept: this blob was packed
    by the first version of the format, and must still unpack."""
    blob = bytes.fromhex("0105abc6b0a324b518a4cc08a4ac1600")
    assert unpack(blob, {5: SAMPLE}) == '{"agent_id":"a1","test":"2.00"}'


def test_a_request_as_long_as_the_largest_sample_is_packed_against_all_of_it() -> None:
    """The packing's window holds a whole sample: a request that repeats one of MAX_SAMPLE_BYTES
    is stored in a few bytes (a window that reached only part of the sample would store the rest)."""
    sample = "".join(_body(hashlib.sha256(bytes([i])).hexdigest()[:24]) for i in range(40)).encode()[:MAX_SAMPLE_BYTES]
    packed = pack(sample.decode(), 1, sample)
    assert len(packed) < 64  # (a 4 KB window, which misses the sample's first bytes: 338)
    assert unpack(packed, {1: sample}) == sample.decode()


def test_a_request_longer_than_the_packing_window_reads_back() -> None:
    raw = "".join(_body(f"{i:024x}", player=f"p{i * 7919 % 10007}") for i in range(400))  # about 80 KB
    packed = pack(raw, 2, SAMPLE)
    assert unpack(packed, {2: SAMPLE}) == raw
    assert len(packed) < len(raw) / 4


def test_what_cannot_be_read_back_says_why() -> None:
    packed = pack(_body("b1"), 3, SAMPLE)
    with pytest.raises(UnreadableRawRequest, match="sample 3 is missing"):
        unpack(packed, {})
    with pytest.raises(UnreadableRawRequest, match="does not inflate"):
        unpack(packed, {3: b"another sample entirely"})
    with pytest.raises(UnreadableRawRequest, match="cut short"):
        unpack(packed[:-4], {3: SAMPLE})
    with pytest.raises(UnreadableRawRequest, match="unknown raw request format"):
        unpack(b"\x02" + packed[1:], {3: SAMPLE})
    with pytest.raises(UnreadableRawRequest, match="sample id is cut short"):
        sample_of(b"\x01\x80")


# --- RawRequests: which requests are packed, and the samples ---------------------------


class Samples:
    """A sample store in memory that counts its saves, or fails them."""

    def __init__(self) -> None:
        self.saved: list[tuple[str, bytes]] = []
        self.failing = False

    async def save(self, provider: str, sample: bytes) -> int:
        await asyncio.sleep(0.01)  # concurrent first requests arrive while it is saved
        if self.failing:
            raise ConnectionError("the store is down")
        self.saved.append((provider, sample))
        return len(self.saved)


async def test_a_providers_first_request_becomes_its_sample_once_and_the_rest_are_packed() -> None:
    samples = Samples()
    raw_requests = RawRequests({}, samples.save)
    first = await asyncio.gather(*(raw_requests.columns("aigame", _body(f"b{i}")) for i in range(20)))
    assert samples.saved == [("aigame", _body("b0").encode())]  # one save for the twenty
    assert all(text == "" and packed is not None for text, packed in first)
    text, packed = await raw_requests.columns("aigame", _body("b20"))
    assert text == "" and packed is not None
    assert unpack(packed, {1: samples.saved[0][1]}) == _body("b20")
    await raw_requests.columns("hrg", '{"txId":"T1"}')
    assert [provider for provider, _ in samples.saved] == ["aigame", "hrg"]  # each provider its own


async def test_a_sample_that_cannot_be_saved_leaves_requests_as_text_and_is_tried_again() -> None:
    samples = Samples()
    samples.failing = True
    raw_requests = RawRequests({}, samples.save)
    assert await raw_requests.columns("aigame", _body("b1")) == (_body("b1"), None)
    samples.failing = False
    text, packed = await raw_requests.columns("aigame", _body("b2"))
    assert (text, samples.saved) == ("", [("aigame", _body("b2").encode())])
    assert packed is not None and unpack(packed, {1: _body("b2").encode()}) == _body("b2")


async def test_requests_packing_would_not_shrink_stay_text() -> None:
    samples = Samples()
    raw_requests = RawRequests({"aigame": (1, SAMPLE)}, samples.save)
    assert await raw_requests.columns("aigame", "") == ("", None)  # and no sample is made of nothing
    assert await raw_requests.columns("aigame", "x") == ("x", None)
    assert raw_requests.columns_now("other", _body("b1")) == (_body("b1"), None)  # no sample: text, no save
    assert samples.saved == []


async def test_a_sample_is_at_most_its_first_4_kb() -> None:
    raw = '{"a":"' + "y" * 10_000 + '"}'
    raw_requests = RawRequests({}, Samples().save)
    await raw_requests.columns("p", raw)
    text, packed = raw_requests.columns_now("p", raw)
    assert text == "" and packed is not None
    assert unpack(packed, {1: raw.encode()[:4096]}) == raw


# --- through the ledger, on each store ---------------------------------------------------


@pytest.fixture
async def ledger(database_url: str) -> AsyncIterator[Ledger]:
    async with open_ledger(database_url) as opened:
        await opened.create_account("p1", "USD", "100.00")
        yield opened


def _debit(transaction_id: str, amount: str = "1.00") -> MoneyRequest:
    return MoneyRequest.prepare(
        TEST_CURRENCIES,
        Kind.DEBIT,
        "aigame",
        transaction_id,
        "p1",
        "USD",
        amount,
        raw_request=_body(transaction_id, amount=amount),
    )


async def _stored(ledger: Ledger) -> dict[str, tuple[str, bytes | None]]:
    async with ledger.engine.connect() as conn:
        rows = await conn.execute(
            select(transactions.c.transaction_id, transactions.c.raw_request, transactions.c.raw_request_packed)
        )
        return {tx: (text, packed) for tx, text, packed in rows}


async def test_every_path_stores_raw_requests_that_read_back_as_received(ledger: Ledger) -> None:
    await ledger.debit(_debit("b1"))  # the fast path: aigame's sample is saved first
    await ledger.debit(_debit("b2"))
    with pytest.raises(WalletError) as refused:
        await ledger.debit(_debit("b3", amount="500.00"))  # stored refused (rule 3)
    assert refused.value.reason is Reason.INSUFFICIENT_FUNDS
    await ledger.credit(
        MoneyRequest.prepare(
            TEST_CURRENCIES,
            Kind.CREDIT,
            "aigame",
            "b2",
            "p1",
            "USD",
            "3.00",
            reference_id="b2",
            raw_request=_body("b2", amount="3.00"),
        )
    )
    await ledger.rollback(
        MoneyRequest.prepare(
            TEST_CURRENCIES, Kind.ROLLBACK, "aigame", "b1", "p1", "USD", "", reference_id="b1", raw_request=_body("b1")
        )
    )  # the general path
    stored = await _stored(ledger)
    assert set(stored) == {"b1", "b2", "b3"} and all(text == "" and packed for text, packed in stored.values())
    for kind, tx, amount in [
        (Kind.DEBIT, "b1", "1.00"),
        (Kind.DEBIT, "b2", "1.00"),
        (Kind.DEBIT, "b3", "500.00"),
        (Kind.CREDIT, "b2", "3.00"),
        (Kind.ROLLBACK, "b1", "1.00"),
    ]:
        assert await ledger.raw_request("aigame", kind, tx) == _body(tx, amount=amount)


async def test_a_core_started_later_packs_with_the_sample_it_finds(ledger: Ledger, database_url: str) -> None:
    await ledger.debit(_debit("b1"))
    async with open_ledger(database_url) as restarted:
        await restarted.debit(_debit("b2"))
        assert await restarted.raw_request("aigame", Kind.DEBIT, "b2") == _body("b2")
        async with restarted.engine.connect() as conn:
            assert await conn.scalar(select(func.count()).select_from(raw_request_samples)) == 1


async def test_rows_stored_as_text_before_packing_still_read_back(ledger: Ledger) -> None:
    async with ledger.engine.begin() as conn:
        await conn.execute(
            transactions.insert().values(
                provider="aigame",
                kind="debit",
                transaction_id="old",
                request_hash="h",
                status="completed",
                player_id="p1",
                currency="USD",
                amount=100,
                balance_change=-100,
                round_id="",
                game_id="",
                table_id="",
                reference_id="",
                details={},
                raw_request='{"stored":"before 0007"}',
                client="c",
                created_at=func.now(),
            )
        )
    assert await ledger.raw_request("aigame", Kind.DEBIT, "old") == '{"stored":"before 0007"}'
    with pytest.raises(WalletError) as missing:
        await ledger.raw_request("aigame", Kind.CREDIT, "old")
    assert missing.value.reason is Reason.TRANSACTION_NOT_FOUND
