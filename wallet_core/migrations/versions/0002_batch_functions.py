"""PostgreSQL: wallet_debit_batch and wallet_payout_batch, the group commit of the usual case

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 07:40:00

The functions behind ``wallet_core.store.group_commit``: the usual debit (a new bet the balance
covers) or the usual payout (a new credit for a placed or settled bet of the same player and
currency) for each item, in the order given, in the caller's one transaction (one commit for the
batch). An item that is not the usual case writes nothing and says so, and the ledger's general
path decides it:
- 'written': the money moved, the bet was opened or settled, the transaction and its entry stored;
- 'none': not the usual case: the balance does not cover a debit, no account, no such bet (or it
  is cancelled, or another player's or currency's), or the balance would leave its range;
- 'taken': a unique key exists (a replay, a conflicting id, a cancel's tombstone).
Each item runs in its own sub-block, so that an item's failure undoes that item alone (PostgreSQL
keeps up to 64 subtransactions per transaction in memory: batches stay within that).
Locks: a debit locks its account; a payout its bet, then its account, as the general path does.
wallet_payout_batch locks every bet of the batch first, in one order, so that it never waits for
a bet while holding an account (a cancel holds its bet and waits for the account).
A new column of ``transactions`` needs a migration that replaces these functions.
SQLite has no such functions: its writer thread batches in Python (``store.sqlite_writer``).
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

DEBIT_BATCH = """
CREATE FUNCTION wallet_debit_batch(
    amounts bigint[], player_ids text[], currency_codes text[], providers text[], transaction_ids text[],
    created_ats timestamptz[], request_hashes text[], round_ids text[], game_ids text[], table_ids text[],
    reference_ids text[], details_texts text[], raw_requests text[], clients text[], event_times timestamptz[]
) RETURNS TABLE (
    outcome text, stored_id bigint, stored_account bigint, stored_balance bigint, stored_bet bigint)
LANGUAGE plpgsql AS $$
BEGIN
    FOR i IN 1 .. coalesce(array_length(amounts, 1), 0) LOOP
        outcome := 'none';
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
            END IF;
        EXCEPTION
            WHEN unique_violation THEN
                outcome := 'taken';
            WHEN check_violation THEN
                outcome := 'none';
        END;
        IF outcome <> 'written' THEN
            stored_id := NULL; stored_account := NULL; stored_balance := NULL; stored_bet := NULL;
        END IF;
        RETURN NEXT;
    END LOOP;
END
$$
"""

PAYOUT_BATCH = """
CREATE FUNCTION wallet_payout_batch(
    amounts bigint[], player_ids text[], currency_codes text[], providers text[], transaction_ids text[],
    created_ats timestamptz[], request_hashes text[], round_ids text[], game_ids text[], table_ids text[],
    reference_ids text[], details_texts text[], raw_requests text[], clients text[], event_times timestamptz[]
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
                    raw_request, client, event_time, created_at)
                VALUES (providers[i], 'credit', transaction_ids[i], request_hashes[i], 'completed', stored_account,
                        stored_bet, player_ids[i], currency_codes[i], amounts[i], amounts[i], stored_balance,
                        round_ids[i], game_ids[i], table_ids[i], reference_ids[i], details_texts[i]::json,
                        raw_requests[i], clients[i], event_times[i], created_ats[i])
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
    if op.get_bind().dialect.name == "postgresql":
        op.execute(DEBIT_BATCH)
        op.execute(PAYOUT_BATCH)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION wallet_payout_batch")
        op.execute("DROP FUNCTION wallet_debit_batch")
