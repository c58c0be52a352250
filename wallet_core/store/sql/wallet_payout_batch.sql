CREATE OR REPLACE FUNCTION wallet_payout_batch(amounts bigint[], player_ids text[], currency_codes text[], providers text[], transaction_ids text[], created_ats timestamp with time zone[], request_hashes text[], round_ids text[], game_ids text[], table_ids text[], reference_ids text[], details_texts text[], raw_requests text[], clients text[], event_times timestamp with time zone[], packed_raw_requests bytea[])
 RETURNS TABLE(outcome text, stored_id bigint, stored_account bigint, stored_balance bigint, stored_bet bigint, bet_stake bigint, bet_payout bigint, bet_placed_at timestamp with time zone, bet_settled_at timestamp with time zone, bet_cancelled_at timestamp with time zone)
 LANGUAGE plpgsql
AS $function$
-- The usual payout of each item: a new credit for a placed or settled bet of the same player and
-- currency, in the order given, in the caller's one transaction (store/group_commit.py sends it).
-- Outcomes, one row an item:
--   'written'  the bet settled (its payout grows), the balance credited, the transaction and its
--              entry stored (no entry for a payout of 0), the entry chained to the account's head
--              (wallet_core/chain.py);
--   'taken'    a unique key exists (a replay or a conflicting id): nothing written, the ledger's
--              general path answers it (ledger.py);
--   'none'     not the usual case: no such bet, a cancelled bet or a tombstone, another player's or
--              currency's bet, no account, a balance past its range, a payout past its provider's
--              multiple of the stake or one held for review: nothing written, the general path
--              decides it (rules 6 and 7 refuse it there; wallet_core/holds.py holds it).
-- Each item runs in its own sub-block, so that an item's failure undoes that item alone.
DECLARE
    head bytea;
    transaction_id_sequence regclass := pg_get_serial_sequence('transactions', 'id');
BEGIN
    -- Every bet first, in one order: never wait for a bet while holding an account. A payout whose
    -- key is stored already (a replay) locks nothing: the loop leaves it to the ledger.
    PERFORM 1 FROM bets
    WHERE (provider, transaction_id) IN (
        SELECT p, t FROM unnest(providers, reference_ids, transaction_ids) AS paid (p, t, k)
        WHERE NOT EXISTS (SELECT 1 FROM transactions x WHERE x.provider = p AND x.kind = 'credit'
            AND x.transaction_id = k))
    ORDER BY id FOR UPDATE;
    FOR i IN 1 .. coalesce(array_length(amounts, 1), 0) LOOP
        outcome := 'none';
        BEGIN
            -- Rule 1 before anything is locked or written: a request whose key is stored (a replay or
            -- a conflicting id) is the ledger's to answer ('taken').
            IF EXISTS (SELECT 1 FROM transactions WHERE provider = providers[i] AND kind = 'credit'
                    AND transaction_id = transaction_ids[i]) THEN
                RAISE unique_violation;
            END IF;
            -- Rules 6 and 7: only a placed or settled bet of this player and currency is paid; a
            -- cancelled bet, a tombstone or no bet at all leaves the item to the general path.
            UPDATE bets SET state = 'settled', payout = payout + amounts[i], settled_at = created_ats[i]
            WHERE provider = providers[i] AND transaction_id = reference_ids[i] AND player_id = player_ids[i]
                AND currency = currency_codes[i] AND state IN ('placed', 'settled')
                -- A payout past its provider's multiple of the stake, or one held already, is not the
                -- usual case: the general path holds it for review, or pays it once approved.
                AND NOT EXISTS (SELECT 1 FROM payout_limits l WHERE l.provider = providers[i]
                    AND bets.payout + amounts[i] > bets.stake * l.max_payout_multiple)
                AND NOT EXISTS (SELECT 1 FROM payout_holds h WHERE h.provider = providers[i]
                    AND h.transaction_id = transaction_ids[i])
            RETURNING id, stake, payout, placed_at, settled_at, cancelled_at
            INTO stored_bet, bet_stake, bet_payout, bet_placed_at, bet_settled_at, bet_cancelled_at;
            IF FOUND THEN
                -- The transaction's id first: the entry's chain hash names it, and the head moves on
                -- with the balance, in one write of the row (a payout of 0 has no entry: no move).
                stored_id := nextval(transaction_id_sequence);
                UPDATE accounts SET balance = balance + amounts[i],
                    chain_head = CASE WHEN amounts[i] = 0 THEN chain_head
                        ELSE wallet_entry_hash(chain_head, id, stored_id, amounts[i], balance + amounts[i],
                                               created_ats[i]) END
                -- A controlled account (its player's limits count the day's net loss) is not the
                -- usual case: the general path pays it.
                WHERE player_id = player_ids[i] AND currency = currency_codes[i] AND NOT controlled
                RETURNING id, balance, chain_head INTO stored_account, stored_balance, head;
                IF NOT FOUND THEN
                    RAISE no_data_found;  -- no account, or a controlled one: undo the bet's update too
                END IF;
                -- Rule 1, exactly once: the key (provider, kind, transaction_id) is unique, so a repeat
                -- fails here ('taken') and the general path answers it as a replay or a conflict (rule 2).
                INSERT INTO transactions (
                    id, provider, kind, transaction_id, request_hash, status, account_id, bet_id, player_id,
                    currency, amount, balance_change, balance_after, round_id, game_id, table_id, reference_id,
                    details, raw_request, client, event_time, created_at, raw_request_packed)
                VALUES (stored_id, providers[i], 'credit', transaction_ids[i], request_hashes[i], 'completed',
                        stored_account, stored_bet, player_ids[i], currency_codes[i], amounts[i], amounts[i],
                        stored_balance, round_ids[i], game_ids[i], table_ids[i], reference_ids[i],
                        details_texts[i]::json, raw_requests[i], clients[i], event_times[i], created_ats[i],
                        packed_raw_requests[i]);
                -- Rule 9: the balance changes with an entry that records the balance after it, chained to
                -- the account's previous entry; a loss moves nothing: no entry.
                IF amounts[i] <> 0 THEN
                    INSERT INTO entries (account_id, transaction_id, amount, balance_after, created_at, chain_hash)
                    VALUES (stored_account, stored_id, amounts[i], stored_balance, created_ats[i], head);
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
