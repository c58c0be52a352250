"""PostgreSQL: wallet_debit_batch also stores the refusal of a debit the balance does not cover

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21 09:40:00

Before, an uncovered debit left its item unwritten ('none') and the ledger's general path decided
it again in a transaction of its own: about four times a taken debit's work, and all of it on the
one account a busy player's debits queue on. Now the batch decides it as the general path does,
under the account's lock, and stores the refusal (rule 3: a decided failure stays decided):
- 'refused': the account exists, its balance is below the amount, and no bet has this key (a
  cancel's tombstone, or a debit already placed: the general path decides those). The failed
  transaction keeps the balance it saw in ``balance_after`` and the error's ``transaction_id`` in
  ``error_metadata``; the ledger words the answer (the balance as a decimal) from those, for this
  refusal and every replay of it, so money is formatted in one place.
Every other outcome is as in 0002. The debit's signature and its result columns are unchanged.
Deploying: a core older than this revision, still serving while it is applied, takes 'refused'
for "not the usual case" and finds the stored refusal on its general path: the same refusal,
answered as a replay and without the balance in its metadata, until that core is replaced.
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
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

# 0002's, for the downgrade.
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


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(DEBIT_BATCH)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PREVIOUS_DEBIT_BATCH)
