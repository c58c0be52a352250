"""PostgreSQL: the batch functions from wallet_core/store/sql/, the files a reader opens

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-22 09:00:00

The functions the core calls (the overloads of 0007, with the packed raw requests) are installed
from ``wallet_core/store/sql/wallet_debit_batch.sql`` and ``wallet_payout_batch.sql``, one function
a file, written as ``pg_get_functiondef`` prints it: what runs at head is those files, to the
letter. Their bodies are 0007's with comments naming the rule each step keeps; nothing they do
changed. The overloads of 0002/0005 (15 arguments, raw requests as text) stay as those revisions
froze them, for a core before 0007 still serving during a rolling deploy.

This revision reads the files when it runs, and refuses a file whose SHA-256 is not the one
recorded below: a changed file needs a new migration, which takes the reading over; this one then
gets its files' text pasted in, frozen (docs/operations.md, "Changing a PostgreSQL function").
The downgrade puts back 0007's functions, from its own frozen copy below.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

SQL_FILES = Path(__file__).resolve().parents[2] / "store" / "sql"
CHECKSUMS = {
    "wallet_debit_batch.sql": "39088f007f29ac295dc52f81afa1c49906c1a4d9da55b05097ab3d5d89e85fef",
    "wallet_payout_batch.sql": "633f9cd81301443dfe7ef08b710c10dec294449d48b3d17ab6f350ffaa9c7d3e",
}
"""Each file this revision installs, and the SHA-256 of the text it installs."""


def function_text(name: str) -> str:
    """The file's text, if it is still the text this revision recorded."""
    text = (SQL_FILES / name).read_bytes()
    if hashlib.sha256(text).hexdigest() != CHECKSUMS[name]:
        raise RuntimeError(
            f"{SQL_FILES / name} is not the text migration 0008 installs: a changed function "
            "needs a new migration (docs/operations.md, 'Changing a PostgreSQL function')"
        )
    return text.decode()


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name in CHECKSUMS:
            op.execute(function_text(name))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PREVIOUS_DEBIT_BATCH)
        op.execute(PREVIOUS_PAYOUT_BATCH)


# 0007's functions, for the downgrade.
PREVIOUS_DEBIT_BATCH = """
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

PREVIOUS_PAYOUT_BATCH = """
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
