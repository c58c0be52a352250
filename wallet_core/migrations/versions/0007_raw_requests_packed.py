"""Raw requests stored deflated against a sample of their provider's requests

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-21 14:40:00

The raw request was half a transaction's row. ``transactions.raw_request_packed`` holds it
deflated against a sample of the same provider's requests, kept in ``raw_request_samples``, and
``raw_request`` is then '' (``wallet_core.store.raw_requests`` says why and how). Rows stored
before stay as they are: a reader takes the text when ``raw_request_packed`` is NULL.

PostgreSQL: the batch functions get an overload with the packed requests as a 16th argument, so
that cores of either revision work on this schema during a rolling deploy: an old core calls the
functions of 0002/0005, which store text, as it always did. (An old core's answers never include
a raw request, so the rows a new core packed do not reach them.)

The downgrade writes every packed request back as text before it drops the column.
"""

from __future__ import annotations

import zlib

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

ITEMS = """amounts bigint[], player_ids text[], currency_codes text[], providers text[], transaction_ids text[],
    created_ats timestamptz[], request_hashes text[], round_ids text[], game_ids text[], table_ids text[],
    reference_ids text[], details_texts text[], raw_requests text[], clients text[], event_times timestamptz[],
    packed_raw_requests bytea[]"""
"""The arguments of the overloads this revision adds (its downgrade drops them by these)."""

DEBIT_BATCH = """
CREATE OR REPLACE FUNCTION wallet_debit_batch(
    amounts bigint[], player_ids text[], currency_codes text[], providers text[], transaction_ids text[],
    created_ats timestamptz[], request_hashes text[], round_ids text[], game_ids text[], table_ids text[],
    reference_ids text[], details_texts text[], raw_requests text[], clients text[], event_times timestamptz[],
    packed_raw_requests bytea[]
) RETURNS TABLE (
    outcome text, stored_id bigint, stored_account bigint, stored_balance bigint, stored_bet bigint)
LANGUAGE plpgsql AS $$
DECLARE
    -- The accounts this batch holds locked: key (player and currency, length-prefixed so that no
    -- two pairs share one), id, balance after the batch's debits so far, balance the row holds.
    held_keys text[] := '{}';
    held_ids bigint[] := '{}';
    held_balances bigint[] := '{}';
    held_written bigint[] := '{}';
    key text;
    h int;
    covered boolean;
BEGIN
    FOR i IN 1 .. coalesce(array_length(amounts, 1), 0) LOOP
        outcome := 'none';
        stored_bet := NULL;
        key := length(player_ids[i]) || ':' || player_ids[i] || currency_codes[i];
        h := array_position(held_keys, key);
        BEGIN
            IF h IS NULL THEN
                UPDATE accounts SET balance = balance - amounts[i]
                WHERE player_id = player_ids[i] AND currency = currency_codes[i] AND balance >= amounts[i]
                RETURNING id, balance INTO stored_account, stored_balance;
                covered := FOUND;
                IF NOT covered THEN
                    -- Not covered, or no account: read the balance under the account's lock, as the
                    -- general path does, so that the refusal states the balance that refused it.
                    SELECT id, balance INTO stored_account, stored_balance FROM accounts
                    WHERE player_id = player_ids[i] AND currency = currency_codes[i]
                    FOR UPDATE;
                END IF;
            ELSE
                stored_account := held_ids[h];
                covered := held_balances[h] >= amounts[i];
                stored_balance := CASE WHEN covered THEN held_balances[h] - amounts[i] ELSE held_balances[h] END;
            END IF;
            IF covered THEN
                INSERT INTO bets (provider, transaction_id, player_id, currency, state, stake, payout, placed_at)
                VALUES (providers[i], transaction_ids[i], player_ids[i], currency_codes[i], 'placed', amounts[i], 0,
                        created_ats[i])
                RETURNING id INTO stored_bet;
                INSERT INTO transactions (
                    provider, kind, transaction_id, request_hash, status, account_id, bet_id, player_id, currency,
                    amount, balance_change, balance_after, round_id, game_id, table_id, reference_id, details,
                    raw_request, client, event_time, created_at, raw_request_packed)
                VALUES (providers[i], 'debit', transaction_ids[i], request_hashes[i], 'completed', stored_account,
                        stored_bet, player_ids[i], currency_codes[i], amounts[i], -amounts[i], stored_balance,
                        round_ids[i], game_ids[i], table_ids[i], reference_ids[i], details_texts[i]::json,
                        raw_requests[i], clients[i], event_times[i], created_ats[i], packed_raw_requests[i])
                RETURNING id INTO stored_id;
                INSERT INTO entries (account_id, transaction_id, amount, balance_after, created_at)
                VALUES (stored_account, stored_id, -amounts[i], stored_balance, created_ats[i]);
                outcome := 'written';
            ELSIF stored_account IS NOT NULL AND stored_balance < amounts[i] AND NOT EXISTS (
                    SELECT 1 FROM bets WHERE provider = providers[i] AND transaction_id = transaction_ids[i]) THEN
                INSERT INTO transactions (
                        provider, kind, transaction_id, request_hash, status, error_reason, error_metadata,
                        account_id, player_id, currency, amount, balance_change, balance_after, round_id,
                        game_id, table_id, reference_id, details, raw_request, client, event_time, created_at, raw_request_packed)
                    VALUES (providers[i], 'debit', transaction_ids[i], request_hashes[i], 'failed',
                            'INSUFFICIENT_FUNDS', json_build_object('transaction_id', transaction_ids[i]),
                            stored_account, player_ids[i], currency_codes[i], amounts[i], 0, stored_balance,
                            round_ids[i], game_ids[i], table_ids[i], reference_ids[i], details_texts[i]::json,
                            raw_requests[i], clients[i], event_times[i], created_ats[i], packed_raw_requests[i])
                    RETURNING id INTO stored_id;
                outcome := 'refused';
            END IF;
            -- Last in the block: an item undone by an exception changes nothing kept.
            IF stored_account IS NOT NULL THEN
                IF h IS NULL THEN
                    held_keys := held_keys || key;
                    held_ids := held_ids || stored_account;
                    held_balances := held_balances || stored_balance;
                    held_written := held_written || stored_balance;
                ELSE
                    held_balances[h] := stored_balance;
                END IF;
            END IF;
        EXCEPTION
            WHEN unique_violation THEN
                outcome := 'taken';
            WHEN check_violation THEN
                outcome := 'none';
        END;
        IF outcome NOT IN ('written', 'refused') THEN
            stored_id := NULL; stored_account := NULL; stored_balance := NULL; stored_bet := NULL;
        END IF;
        RETURN NEXT;
    END LOOP;
    -- One write per account, after its last debit of the batch: the balance the entries end at.
    FOR h IN 1 .. coalesce(array_length(held_ids, 1), 0) LOOP
        IF held_balances[h] <> held_written[h] THEN
            UPDATE accounts SET balance = held_balances[h] WHERE id = held_ids[h];
        END IF;
    END LOOP;
END
$$
"""  # noqa: E501 (the body as installed, to the letter)

PAYOUT_BATCH = """
CREATE OR REPLACE FUNCTION wallet_payout_batch(
    amounts bigint[], player_ids text[], currency_codes text[], providers text[], transaction_ids text[],
    created_ats timestamptz[], request_hashes text[], round_ids text[], game_ids text[], table_ids text[],
    reference_ids text[], details_texts text[], raw_requests text[], clients text[], event_times timestamptz[],
    packed_raw_requests bytea[]
) RETURNS TABLE (
    outcome text, stored_id bigint, stored_account bigint, stored_balance bigint, stored_bet bigint,
    bet_stake bigint, bet_payout bigint, bet_placed_at timestamptz, bet_settled_at timestamptz,
    bet_cancelled_at timestamptz)
LANGUAGE plpgsql AS $$
BEGIN
    -- Every bet first, in one order: never wait for a bet while holding an account.
    PERFORM 1 FROM bets
    WHERE (provider, transaction_id) IN (SELECT p, t FROM unnest(providers, reference_ids) AS paid (p, t))
    ORDER BY id FOR UPDATE;
    FOR i IN 1 .. coalesce(array_length(amounts, 1), 0) LOOP
        outcome := 'none';
        BEGIN
            UPDATE bets SET state = 'settled', payout = payout + amounts[i], settled_at = created_ats[i]
            WHERE provider = providers[i] AND transaction_id = reference_ids[i] AND player_id = player_ids[i]
                AND currency = currency_codes[i] AND state IN ('placed', 'settled')
            RETURNING id, stake, payout, placed_at, settled_at, cancelled_at
            INTO stored_bet, bet_stake, bet_payout, bet_placed_at, bet_settled_at, bet_cancelled_at;
            IF FOUND THEN
                UPDATE accounts SET balance = balance + amounts[i]
                WHERE player_id = player_ids[i] AND currency = currency_codes[i]
                RETURNING id, balance INTO stored_account, stored_balance;
                IF NOT FOUND THEN
                    RAISE no_data_found;  -- no account: undo the bet's update too
                END IF;
                INSERT INTO transactions (
                    provider, kind, transaction_id, request_hash, status, account_id, bet_id, player_id, currency,
                    amount, balance_change, balance_after, round_id, game_id, table_id, reference_id, details,
                    raw_request, client, event_time, created_at, raw_request_packed)
                VALUES (providers[i], 'credit', transaction_ids[i], request_hashes[i], 'completed', stored_account,
                        stored_bet, player_ids[i], currency_codes[i], amounts[i], amounts[i], stored_balance,
                        round_ids[i], game_ids[i], table_ids[i], reference_ids[i], details_texts[i]::json,
                        raw_requests[i], clients[i], event_times[i], created_ats[i], packed_raw_requests[i])
                RETURNING id INTO stored_id;
                IF amounts[i] <> 0 THEN  -- a loss moves nothing: no entry
                    INSERT INTO entries (account_id, transaction_id, amount, balance_after, created_at)
                    VALUES (stored_account, stored_id, amounts[i], stored_balance, created_ats[i]);
                END IF;
                outcome := 'written';
            END IF;
        EXCEPTION
            WHEN unique_violation THEN
                outcome := 'taken';
            WHEN check_violation OR no_data_found THEN
                outcome := 'none';
        END;
        IF outcome <> 'written' THEN
            stored_id := NULL; stored_account := NULL; stored_balance := NULL; stored_bet := NULL;
            bet_stake := NULL; bet_payout := NULL; bet_placed_at := NULL; bet_settled_at := NULL;
            bet_cancelled_at := NULL;
        END IF;
        RETURN NEXT;
    END LOOP;
END
$$
"""


def upgrade() -> None:
    op.create_table(
        "raw_request_samples",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("provider", sa.String(length=32), nullable=False),
        sa.Column("sample", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.add_column("transactions", sa.Column("raw_request_packed", sa.LargeBinary(), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(DEBIT_BATCH)
        op.execute(PAYOUT_BATCH)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute(f"DROP FUNCTION wallet_payout_batch({ITEMS})")
        op.execute(f"DROP FUNCTION wallet_debit_batch({ITEMS})")
    samples = {
        sample_id: bytes(sample)
        for sample_id, sample in bind.execute(sa.text("SELECT id, sample FROM raw_request_samples"))
    }
    while rows := bind.execute(
        sa.text(
            "SELECT id, raw_request_packed FROM transactions WHERE raw_request_packed IS NOT NULL "
            "ORDER BY id LIMIT 1000"
        )
    ).all():
        bind.execute(
            sa.text("UPDATE transactions SET raw_request = :raw, raw_request_packed = NULL WHERE id = :id"),
            [{"id": row_id, "raw": _unpacked(bytes(packed), samples)} for row_id, packed in rows],
        )
    op.drop_column("transactions", "raw_request_packed")
    op.drop_table("raw_request_samples")


def _unpacked(packed: bytes, samples: dict[int, bytes]) -> str:
    """A request packed in this revision's format, as text: a byte of format (1), the sample's id
    (unsigned LEB128), then a raw deflate stream against that sample. Frozen here, as the format
    was when this revision was written (``wallet_core.store.raw_requests`` reads it today)."""
    if packed[:1] != b"\x01":
        raise ValueError(f"unknown raw request format {packed[:1]!r}")
    sample_id, shift, start = 0, 0, 1
    while packed[start] & 0x80:
        sample_id |= (packed[start] & 0x7F) << shift
        shift, start = shift + 7, start + 1
    sample_id |= packed[start] << shift
    inflate = zlib.decompressobj(-15, zdict=samples[sample_id])
    raw = inflate.decompress(packed[start + 1 :]) + inflate.flush()
    if not inflate.eof:
        raise ValueError("a packed raw request is cut short")
    return raw.decode()
