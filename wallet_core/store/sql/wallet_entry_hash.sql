CREATE OR REPLACE FUNCTION wallet_entry_hash(previous bytea, account_id bigint, transaction_id bigint, amount bigint, balance_after bigint, created_at timestamp with time zone)
 RETURNS bytea
 LANGUAGE sql
 IMMUTABLE
AS $function$
-- An entry's chain hash, the bytes wallet_core/chain.py defines: SHA-256 of the previous hash and five
-- signed 64-bit big-endian integers (int8send): account, transaction (0 for none), amount, balance
-- after, created_at in microseconds since the Unix epoch (extract gives numeric: exact).
SELECT sha256(previous || int8send(account_id) || int8send(coalesce(transaction_id, 0)) || int8send(amount)
              || int8send(balance_after) || int8send((extract(epoch FROM created_at) * 1000000)::bigint))
$function$
