CREATE OR REPLACE FUNCTION wallet_outbox_enqueue()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
-- The event of a committed transaction (the trigger leaves refusals out), in the transaction that
-- stored it: no event without its money, no money without its event, whichever path wrote it.
-- Its partition keeps one account's events with one relay (wallet_core/store/schema.py).
BEGIN
    INSERT INTO outbox (transaction_row_id, partition, created_at)
    VALUES (NEW.id, coalesce(NEW.account_id, 0) % 64, NEW.created_at);
    RETURN NULL;
END
$function$
