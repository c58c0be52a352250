CREATE OR REPLACE FUNCTION wallet_debit_batch(amounts bigint[], player_ids text[], currency_codes text[], providers text[], transaction_ids text[], created_ats timestamp with time zone[], request_hashes text[], round_ids text[], game_ids text[], table_ids text[], reference_ids text[], details_texts text[], raw_requests text[], clients text[], event_times timestamp with time zone[], packed_raw_requests bytea[])
 RETURNS TABLE(outcome text, stored_id bigint, stored_account bigint, stored_balance bigint, stored_bet bigint)
 LANGUAGE plpgsql
AS $function$
-- The usual debit of each item, in the order given, in the caller's one transaction (one commit
-- for the batch; store/group_commit.py sends it). Outcomes, one row an item:
--   'written'  the stake taken, the bet placed, the transaction and its entry stored, the entry
--              chained to the account's head (wallet_core/chain.py);
--   'refused'  the balance does not cover it: the refusal stored with the balance that refused it;
--   'taken'    a unique key exists (a replay, a conflicting id, a cancel's tombstone): nothing
--              written, the ledger's general path answers it (ledger.py);
--   'none'     not the usual case (no account, a controlled account, a bet with this key, a balance
--              past its range):
--              nothing written, the general path decides it.
-- Each item runs in its own sub-block, so that an item's failure undoes that item alone.
DECLARE
    -- The accounts this batch holds locked: key (player and currency, length-prefixed so that no
    -- two pairs share one), id, balance and chain head after the batch's debits so far, chain head
    -- the row holds (every entry moves the head on: a head unchanged is a row unchanged).
    held_keys text[] := '{}';
    held_ids bigint[] := '{}';
    held_balances bigint[] := '{}';
    held_heads bytea[] := '{}';
    held_written bytea[] := '{}';
    key text;
    h int;
    covered boolean;
    head bytea;
    transaction_id_sequence regclass := pg_get_serial_sequence('transactions', 'id');
BEGIN
    FOR i IN 1 .. coalesce(array_length(amounts, 1), 0) LOOP
        outcome := 'none';
        stored_bet := NULL;
        key := length(player_ids[i]) || ':' || player_ids[i] || currency_codes[i];
        h := array_position(held_keys, key);
        BEGIN
            -- Rule 1 before anything is locked or written: a request whose key is stored (a replay, a
            -- conflicting id, a stored refusal) is the ledger's to answer ('taken'), and a batch of
            -- such requests stays read-only: no row lock, no WAL, no commit to flush.
            IF EXISTS (SELECT 1 FROM transactions WHERE provider = providers[i] AND kind = 'debit'
                    AND transaction_id = transaction_ids[i]) THEN
                RAISE unique_violation;
            END IF;
            -- The transaction's id first: the entry's chain hash names it, and the account's first
            -- write below moves the head on with the balance (one write of the row, not two).
            stored_id := nextval(transaction_id_sequence);
            -- Rule 4, no overdraft: the check and the write are one UPDATE ... WHERE balance >= amount,
            -- whose row lock the batch then holds; an account's later debits in this batch are decided
            -- under that lock against the balance kept below. A controlled account (its player blocked)
            -- is not the usual case: neither written nor refused here, the general path decides it.
            IF h IS NULL THEN
                UPDATE accounts SET balance = balance - amounts[i],
                    chain_head = wallet_entry_hash(chain_head, id, stored_id, -amounts[i], balance - amounts[i],
                                                   created_ats[i])
                WHERE player_id = player_ids[i] AND currency = currency_codes[i] AND balance >= amounts[i]
                    AND NOT controlled
                RETURNING id, balance, chain_head INTO stored_account, stored_balance, head;
                covered := FOUND;
                IF NOT covered THEN
                    -- Not covered, or no account: read the balance under the account's lock, as the
                    -- general path does, so that the refusal states the balance that refused it.
                    SELECT id, balance, chain_head INTO stored_account, stored_balance, head FROM accounts
                    WHERE player_id = player_ids[i] AND currency = currency_codes[i] AND NOT controlled
                    FOR UPDATE;
                END IF;
            ELSE
                stored_account := held_ids[h];
                covered := held_balances[h] >= amounts[i];
                stored_balance := CASE WHEN covered THEN held_balances[h] - amounts[i] ELSE held_balances[h] END;
                head := CASE WHEN covered
                    THEN wallet_entry_hash(held_heads[h], stored_account, stored_id, -amounts[i], stored_balance,
                                           created_ats[i])
                    ELSE held_heads[h] END;
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
                    id, provider, kind, transaction_id, request_hash, status, account_id, bet_id, player_id,
                    currency, amount, balance_change, balance_after, round_id, game_id, table_id, reference_id,
                    details, raw_request, client, event_time, created_at, raw_request_packed)
                VALUES (stored_id, providers[i], 'debit', transaction_ids[i], request_hashes[i], 'completed',
                        stored_account, stored_bet, player_ids[i], currency_codes[i], amounts[i], -amounts[i],
                        stored_balance, round_ids[i], game_ids[i], table_ids[i], reference_ids[i],
                        details_texts[i]::json, raw_requests[i], clients[i], event_times[i], created_ats[i],
                        packed_raw_requests[i]);
                -- Rule 9: the balance changes with an entry that records the balance after it, chained to
                -- the account's previous entry.
                INSERT INTO entries (account_id, transaction_id, amount, balance_after, created_at, chain_hash)
                VALUES (stored_account, stored_id, -amounts[i], stored_balance, created_ats[i], head);
                outcome := 'written';
            ELSIF stored_account IS NOT NULL AND stored_balance < amounts[i] AND NOT EXISTS (
                    SELECT 1 FROM bets WHERE provider = providers[i] AND transaction_id = transaction_ids[i]) THEN
                -- Rule 3, a decided failure stays decided: the refusal is stored under the request's key,
                -- with the balance that refused it; a retry finds it ('taken') and gets the same refusal.
                INSERT INTO transactions (
                    id, provider, kind, transaction_id, request_hash, status, error_reason, error_metadata,
                    account_id, player_id, currency, amount, balance_change, balance_after, round_id,
                    game_id, table_id, reference_id, details, raw_request, client, event_time, created_at,
                    raw_request_packed)
                VALUES (stored_id, providers[i], 'debit', transaction_ids[i], request_hashes[i], 'failed',
                        'INSUFFICIENT_FUNDS', json_build_object('transaction_id', transaction_ids[i]),
                        stored_account, player_ids[i], currency_codes[i], amounts[i], 0, stored_balance,
                        round_ids[i], game_ids[i], table_ids[i], reference_ids[i], details_texts[i]::json,
                        raw_requests[i], clients[i], event_times[i], created_ats[i], packed_raw_requests[i]);
                outcome := 'refused';
            END IF;
            -- Last in the block: an item undone by an exception changes nothing kept.
            IF stored_account IS NOT NULL THEN
                IF h IS NULL THEN
                    held_keys := held_keys || key;
                    held_ids := held_ids || stored_account;
                    held_balances := held_balances || stored_balance;
                    held_heads := held_heads || head;
                    held_written := held_written || head;
                ELSE
                    held_balances[h] := stored_balance;
                    held_heads[h] := head;
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
    -- One write per account, after its last debit of the batch: the balance and the chain head the
    -- entries end at.
    FOR h IN 1 .. coalesce(array_length(held_ids, 1), 0) LOOP
        IF held_heads[h] <> held_written[h] THEN
            UPDATE accounts SET balance = held_balances[h], chain_head = held_heads[h] WHERE id = held_ids[h];
        END IF;
    END LOOP;
END
$function$
