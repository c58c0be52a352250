CREATE OR REPLACE FUNCTION wallet_outbox_enqueue()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
-- The event of a committed transaction (the trigger leaves refusals out), in the transaction that
-- stored it: no event without its money, no money without its event, whichever path wrote it.
-- Its partition keeps one account's events with one relay (wallet_core/store/schema.py): a
-- transaction that moved no money names no account (a tombstone, a repeated cancel), and is looked up.
BEGIN
    INSERT INTO outbox (transaction_row_id, partition, created_at)
    VALUES (NEW.id, coalesce(NEW.account_id,
                             (SELECT id FROM accounts WHERE player_id = NEW.player_id AND currency = NEW.currency),
                             0) % 64, NEW.created_at);
    RETURN NULL;
END
$function$
