"""PostgreSQL: wallet_debit_batch writes each account's balance once per batch, not once per debit

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-21 10:40:00

A busy player's debits arrive together, and a batch held one of his account row's versions per
debit: 30 debits, 30 versions of one row in one transaction. Under two core processes each
batch's versions stayed on the row's chain while the other process's batch was open, and every
later debit on that row walked the chain: PostgreSQL spent 360-560 µs of CPU a debit on the hot
player instead of about 145. Now the first debit of an account in a batch locks the row as
before (the covering UPDATE, or the refusal's SELECT ... FOR UPDATE); the batch keeps that
account's balance, decides the account's later debits against it under the lock it holds (rule
4), and writes the final balance with one UPDATE at the end. Entries and transactions keep every
debit's own balance_after, as before. An item that fails (a key already taken) leaves the kept
balance as it was, since it is set only when the item's block completes.
The debit's signature, its outcomes and its result columns are those of 0003; so a core of either
revision works with either function.
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

DEBIT_BATCH = """
CREATE OR REPLACE FUNCTION wallet_debit_batch(
    amounts bigint[], player_ids text[], currency_codes text[], providers text[], transaction_ids text[],
    created_ats timestamptz[], request_hashes text[], round_ids text[], game_ids text[], table_ids text[],
    reference_ids text[], details_texts text[], raw_requests text[], clients text[], event_times timestamptz[]
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
                    raw_request, client, event_time, created_at)
                VALUES (providers[i], 'debit', transaction_ids[i], request_hashes[i], 'completed', stored_account,
                        stored_bet, player_ids[i], currency_codes[i], amounts[i], -amounts[i], stored_balance,
                        round_ids[i], game_ids[i], table_ids[i], reference_ids[i], details_texts[i]::json,
                        raw_requests[i], clients[i], event_times[i], created_ats[i])
                RETURNING id INTO stored_id;
                INSERT INTO entries (account_id, transaction_id, amount, balance_after, created_at)
                VALUES (stored_account, stored_id, -amounts[i], stored_balance, created_ats[i]);
                outcome := 'written';
            ELSIF stored_account IS NOT NULL AND stored_balance < amounts[i] AND NOT EXISTS (
                    SELECT 1 FROM bets WHERE provider = providers[i] AND transaction_id = transaction_ids[i]) THEN
                INSERT INTO transactions (
                        provider, kind, transaction_id, request_hash, status, error_reason, error_metadata,
                        account_id, player_id, currency, amount, balance_change, balance_after, round_id,
                        game_id, table_id, reference_id, details, raw_request, client, event_time, created_at)
                    VALUES (providers[i], 'debit', transaction_ids[i], request_hashes[i], 'failed',
                            'INSUFFICIENT_FUNDS', json_build_object('transaction_id', transaction_ids[i]),
                            stored_account, player_ids[i], currency_codes[i], amounts[i], 0, stored_balance,
                            round_ids[i], game_ids[i], table_ids[i], reference_ids[i], details_texts[i]::json,
                            raw_requests[i], clients[i], event_times[i], created_ats[i])
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
"""

# 0003's, for the downgrade.
PREVIOUS_DEBIT_BATCH = """
CREATE OR REPLACE FUNCTION wallet_debit_batch(
    amounts bigint[], player_ids text[], currency_codes text[], providers text[], transaction_ids text[],
    created_ats timestamptz[], request_hashes text[], round_ids text[], game_ids text[], table_ids text[],
    reference_ids text[], details_texts text[], raw_requests text[], clients text[], event_times timestamptz[]
) RETURNS TABLE (
    outcome text, stored_id bigint, stored_account bigint, stored_balance bigint, stored_bet bigint)
LANGUAGE plpgsql AS $$
BEGIN
    FOR i IN 1 .. coalesce(array_length(amounts, 1), 0) LOOP
        outcome := 'none';
        stored_bet := NULL;
        BEGIN
            UPDATE accounts SET balance = balance - amounts[i]
            WHERE player_id = player_ids[i] AND currency = currency_codes[i] AND balance >= amounts[i]
            RETURNING id, balance INTO stored_account, stored_balance;
            IF FOUND THEN
                INSERT INTO bets (provider, transaction_id, player_id, currency, state, stake, payout, placed_at)
                VALUES (providers[i], transaction_ids[i], player_ids[i], currency_codes[i], 'placed', amounts[i], 0,
                        created_ats[i])
                RETURNING id INTO stored_bet;
                INSERT INTO transactions (
                    provider, kind, transaction_id, request_hash, status, account_id, bet_id, player_id, currency,
                    amount, balance_change, balance_after, round_id, game_id, table_id, reference_id, details,
                    raw_request, client, event_time, created_at)
                VALUES (providers[i], 'debit', transaction_ids[i], request_hashes[i], 'completed', stored_account,
                        stored_bet, player_ids[i], currency_codes[i], amounts[i], -amounts[i], stored_balance,
                        round_ids[i], game_ids[i], table_ids[i], reference_ids[i], details_texts[i]::json,
                        raw_requests[i], clients[i], event_times[i], created_ats[i])
                RETURNING id INTO stored_id;
                INSERT INTO entries (account_id, transaction_id, amount, balance_after, created_at)
                VALUES (stored_account, stored_id, -amounts[i], stored_balance, created_ats[i]);
                outcome := 'written';
            ELSE
                -- Not covered, or no account: read the balance under the account's lock, as the
                -- general path does, so that the refusal states the balance that refused it.
                SELECT id, balance INTO stored_account, stored_balance FROM accounts
                WHERE player_id = player_ids[i] AND currency = currency_codes[i]
                FOR UPDATE;
                IF FOUND AND stored_balance < amounts[i] AND NOT EXISTS (
                        SELECT 1 FROM bets WHERE provider = providers[i] AND transaction_id = transaction_ids[i]) THEN
                    INSERT INTO transactions (
                        provider, kind, transaction_id, request_hash, status, error_reason, error_metadata,
                        account_id, player_id, currency, amount, balance_change, balance_after, round_id,
                        game_id, table_id, reference_id, details, raw_request, client, event_time, created_at)
                    VALUES (providers[i], 'debit', transaction_ids[i], request_hashes[i], 'failed',
                            'INSUFFICIENT_FUNDS', json_build_object('transaction_id', transaction_ids[i]),
                            stored_account, player_ids[i], currency_codes[i], amounts[i], 0, stored_balance,
                            round_ids[i], game_ids[i], table_ids[i], reference_ids[i], details_texts[i]::json,
                            raw_requests[i], clients[i], event_times[i], created_ats[i])
                    RETURNING id INTO stored_id;
                    outcome := 'refused';
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
END
$$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(DEBIT_BATCH)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PREVIOUS_DEBIT_BATCH)
