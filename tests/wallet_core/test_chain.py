"""The entry hash (``wallet_core.chain``): its bytes as documented, and PostgreSQL's
``wallet_entry_hash`` (store/sql/wallet_entry_hash.sql) computing the same ones."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta, timezone

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from wallet_core import chain

MOMENT = datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)


def test_the_hash_is_sha256_of_the_documented_72_bytes() -> None:
    previous = bytes(range(32))
    fields = (
        (7).to_bytes(8, "big", signed=True)  # account
        + (0).to_bytes(8, "big", signed=True)  # no transaction: an opening balance
        + (-250).to_bytes(8, "big", signed=True)  # amount
        + (1000).to_bytes(8, "big", signed=True)  # balance after
        + (1_767_323_045_678_901).to_bytes(8, "big", signed=True)  # created_at, µs since the epoch
    )
    expected = hashlib.sha256(previous + fields).hexdigest()
    assert expected == "3aecf2d1cddc163c7697261d4768c15221e458b658a27681d70ddf9f464229b2"
    assert chain.entry_hash(previous, 7, None, -250, 1000, MOMENT).hex() == expected


def test_every_field_and_the_previous_hash_change_the_hash() -> None:
    base = (chain.GENESIS, 7, 3, -250, 1000, MOMENT)
    variants = [
        (bytes([1]) + chain.GENESIS[1:], 7, 3, -250, 1000, MOMENT),
        (chain.GENESIS, 8, 3, -250, 1000, MOMENT),
        (chain.GENESIS, 7, 4, -250, 1000, MOMENT),
        (chain.GENESIS, 7, None, -250, 1000, MOMENT),
        (chain.GENESIS, 7, 3, 250, 1000, MOMENT),
        (chain.GENESIS, 7, 3, -250, 1001, MOMENT),
        (chain.GENESIS, 7, 3, -250, 1000, MOMENT + timedelta(microseconds=1)),
    ]
    hashes = {chain.entry_hash(*values) for values in [base, *variants]}
    assert len(hashes) == len(variants) + 1


def test_a_moment_is_the_same_whatever_its_offset() -> None:
    elsewhere = MOMENT.astimezone(timezone(timedelta(hours=-3, minutes=-30)))
    assert chain.entry_hash(chain.GENESIS, 1, 2, 3, 4, elsewhere) == chain.entry_hash(chain.GENESIS, 1, 2, 3, 4, MOMENT)


CASES = [
    (chain.GENESIS, 1, None, 10_000, 10_000, MOMENT),
    (bytes(range(32)), 7, 3, -250, 1000, MOMENT),
    (bytes([255] * 32), 2**62, 2**62 + 5, -(10**18) + 1, 10**18 - 1, datetime(2031, 7, 1, tzinfo=UTC)),
    (chain.GENESIS, 3, 9, 0, -5, datetime(1969, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)),
    (chain.GENESIS, 3, 9, 1, 1, datetime(2026, 3, 29, 1, 30, 0, 1, tzinfo=UTC)),
]


async def test_postgresql_computes_the_same_hash(postgres_database: str | None) -> None:
    if postgres_database is None:
        pytest.skip("PostgreSQL not reachable")
    dsn = make_url(postgres_database).set(drivername="postgresql").render_as_string(hide_password=False)
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute("SET TIME ZONE 'America/Sao_Paulo'")  # the session's zone changes nothing
        for values in CASES:
            computed = await connection.fetchval("SELECT wallet_entry_hash($1, $2, $3, $4, $5, $6)", *values)
            assert bytes(computed) == chain.entry_hash(*values), values
    finally:
        await connection.close()
