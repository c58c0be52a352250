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

This revision read the files when it ran; since 0009 took the reading over, it installs the
text it read, frozen below (docs/operations.md, "Changing a PostgreSQL function").
The downgrade puts back 0007's functions, from its own frozen copy below.
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(DEBIT_BATCH)
        op.execute(PAYOUT_BATCH)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PREVIOUS_DEBIT_BATCH)
        op.execute(PREVIOUS_PAYOUT_BATCH)


# The files as this revision installed them (wallet_core/store/sql/ until 0009), to the letter.
DEBIT_BATCH = """CREATE OR REPLACE FUNCTION wallet_debit_batch(amounts bigint[], player_ids text[], currency_codes text[], providers text[], transaction_ids text[], created_ats timestamp with time zone[], request_hashes text[], round_ids text[], game_ids text[], table_ids text[], reference_ids text[], details_texts text[], raw_requests text[], clients text[], event_times timestamp with time zone[], packed_raw_requests bytea[])
 RETURNS TABLE(outcome text, stored_id bigint, stored_account bigint, stored_balance bigint, stored_bet bigint)
 LANGUAGE plpgsql
AS $function$
-- The usual debit of each item, in the order given, in the caller's one transaction (one commit
-- for the batch; store/group_commit.py sends it). Outcomes, one row an item:
--   'written'  the stake taken, the bet placed, the transaction and its entry stored;
--   'refused'  the balance does not cover it: the refusal stored with the balance that refused it;
--   'taken'    a unique key exists (a replay, a conflicting id, a cancel's tombstone): nothing
--              written, the ledger's general path answers it (ledger.py);
--   'none'     not the usual case (no account, a bet with this key, a balance past its range):
--              nothing written, the general path decides it.
-- Each item runs in its own sub-block, so that an item's failure undoes that item alone.
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
            -- Rule 4, no overdraft: the check and the write are one UPDATE ... WHERE balance >= amount,
            -- whose row lock the batch then holds; an account's later debits in this batch are decided
            -- under that lock against the balance kept below.
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
                -- Rules 1 and 5: a bet's key is unique, so a repeat of this bet, or a bet whose cancel came
                -- first (its tombstone), fails here ('taken'): the general path answers the replay, the
                -- conflict (rule 2) or the late bet's refusal.
                INSERT INTO bets (provider, transaction_id, player_id, currency, state, stake, payout, placed_at)
                VALUES (providers[i], transaction_ids[i], player_ids[i], currency_codes[i], 'placed', amounts[i], 0,
                        created_ats[i])
                RETURNING id INTO stored_bet;
                -- Rule 1: the request's key (provider, kind, transaction_id) is unique as well.
                INSERT INTO transactions (
                    provider, kind, transaction_id, request_hash, status, account_id, bet_id, player_id, currency,
                    amount, balance_change, balance_after, round_id, game_id, table_id, reference_id, details,
                    raw_request, client, event_time, created_at, raw_request_packed)
                VALUES (providers[i], 'debit', transaction_ids[i], request_hashes[i], 'completed', stored_account,
                        stored_bet, player_ids[i], currency_codes[i], amounts[i], -amounts[i], stored_balance,
                        round_ids[i], game_ids[i], table_ids[i], reference_ids[i], details_texts[i]::json,
                        raw_requests[i], clients[i], event_times[i], created_ats[i], packed_raw_requests[i])
                RETURNING id INTO stored_id;
                -- Rule 9: the balance changes with an entry that records the balance after it.
                INSERT INTO entries (account_id, transaction_id, amount, balance_after, created_at)
                VALUES (stored_account, stored_id, -amounts[i], stored_balance, created_ats[i]);
                outcome := 'written';
            ELSIF stored_account IS NOT NULL AND stored_balance < amounts[i] AND NOT EXISTS (
                    SELECT 1 FROM bets WHERE provider = providers[i] AND transaction_id = transaction_ids[i]) THEN
                -- Rule 3, a decided failure stays decided: the refusal is stored under the request's key,
                -- with the balance that refused it; a retry finds it ('taken') and gets the same refusal.
                INSERT INTO transactions (
                    provider, kind, transaction_id, request_hash, status, error_reason, error_metadata,
                    account_id, player_id, currency, amount, balance_change, balance_after, round_id,
                    game_id, table_id, reference_id, details, raw_request, client, event_time, created_at,
                    raw_request_packed)
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
                -- Rule 8: a balance that would leave its range (the CHECK) is not written; the general
                -- path refuses it.
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
$function$
"""  # noqa: E501 (the body as installed, to the letter)

PAYOUT_BATCH = """CREATE OR REPLACE FUNCTION wallet_payout_batch(amounts bigint[], player_ids text[], currency_codes text[], providers text[], transaction_ids text[], created_ats timestamp with time zone[], request_hashes text[], round_ids text[], game_ids text[], table_ids text[], reference_ids text[], details_texts text[], raw_requests text[], clients text[], event_times timestamp with time zone[], packed_raw_requests bytea[])
 RETURNS TABLE(outcome text, stored_id bigint, stored_account bigint, stored_balance bigint, stored_bet bigint, bet_stake bigint, bet_payout bigint, bet_placed_at timestamp with time zone, bet_settled_at timestamp with time zone, bet_cancelled_at timestamp with time zone)
 LANGUAGE plpgsql
AS $function$
-- The usual payout of each item: a new credit for a placed or settled bet of the same player and
-- currency, in the order given, in the caller's one transaction (store/group_commit.py sends it).
-- Outcomes, one row an item:
--   'written'  the bet settled (its payout grows), the balance credited, the transaction and its
--              entry stored (no entry for a payout of 0);
--   'taken'    a unique key exists (a replay or a conflicting id): nothing written, the ledger's
--              general path answers it (ledger.py);
--   'none'     not the usual case: no such bet, a cancelled bet or a tombstone, another player's or
--              currency's bet, no account, a balance past its range: nothing written, the general
--              path decides it (rules 6 and 7 refuse it there).
-- Each item runs in its own sub-block, so that an item's failure undoes that item alone.
BEGIN
    -- Every bet first, in one order: never wait for a bet while holding an account.
    PERFORM 1 FROM bets
    WHERE (provider, transaction_id) IN (SELECT p, t FROM unnest(providers, reference_ids) AS paid (p, t))
    ORDER BY id FOR UPDATE;
    FOR i IN 1 .. coalesce(array_length(amounts, 1), 0) LOOP
        outcome := 'none';
        BEGIN
            -- Rules 6 and 7: only a placed or settled bet of this player and currency is paid; a
            -- cancelled bet, a tombstone or no bet at all leaves the item to the general path.
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
                -- Rule 1, exactly once: the key (provider, kind, transaction_id) is unique, so a repeat
                -- fails here ('taken') and the general path answers it as a replay or a conflict (rule 2).
                INSERT INTO transactions (
                    provider, kind, transaction_id, request_hash, status, account_id, bet_id, player_id, currency,
                    amount, balance_change, balance_after, round_id, game_id, table_id, reference_id, details,
                    raw_request, client, event_time, created_at, raw_request_packed)
                VALUES (providers[i], 'credit', transaction_ids[i], request_hashes[i], 'completed', stored_account,
                        stored_bet, player_ids[i], currency_codes[i], amounts[i], amounts[i], stored_balance,
                        round_ids[i], game_ids[i], table_ids[i], reference_ids[i], details_texts[i]::json,
                        raw_requests[i], clients[i], event_times[i], created_ats[i], packed_raw_requests[i])
                RETURNING id INTO stored_id;
                -- Rule 9: the balance changes with an entry that records the balance after it; a loss
                -- moves nothing: no entry.
                IF amounts[i] <> 0 THEN
                    INSERT INTO entries (account_id, transaction_id, amount, balance_after, created_at)
                    VALUES (stored_account, stored_id, amounts[i], stored_balance, created_ats[i]);
                END IF;
                outcome := 'written';
            END IF;
        EXCEPTION
            WHEN unique_violation THEN
                outcome := 'taken';
            WHEN check_violation OR no_data_found THEN
                -- Rule 8: a balance past its range (the CHECK) is not written; the general path refuses it.
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
$function$
"""  # noqa: E501 (the body as installed, to the letter)

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
