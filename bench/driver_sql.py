"""The SQL of the database baseline (bench.driver): the core's debit written straight for asyncpg."""

UPDATE = """UPDATE accounts SET balance = balance - $3
WHERE player_id = $1 AND currency = $2 AND balance >= $3 RETURNING id, balance"""
TRANSACTION = """INSERT INTO transactions (provider, kind, transaction_id, request_hash, status, account_id, bet_id,
 player_id, currency, amount, balance_change, balance_after, round_id, game_id, table_id, reference_id, details,
 raw_request, client, event_time, created_at)
VALUES ($1, 'debit', $2, $3, 'completed', $4, $5, $6, $7, $8, -$8::bigint, $9, $10, $11, $12, '', $13, $14,
 'bench-driver', $15, $16) RETURNING id"""
ENTRY = """INSERT INTO entries (account_id, transaction_id, amount, balance_after, created_at)
VALUES ($1, $2, -$3::bigint, $4, $5)"""
FIND_TRANSACTION = "SELECT * FROM transactions WHERE provider = $1 AND kind = 'debit' AND transaction_id = $2"
FIND_BET = "SELECT * FROM bets WHERE provider = $1 AND transaction_id = $2 FOR UPDATE"
BET = """INSERT INTO bets (provider, transaction_id, player_id, currency, state, stake, payout, placed_at)
VALUES ($1, $2, $3, $4, 'placed', $5, 0, $6) RETURNING id"""
ONE_STATEMENT = """WITH a AS (
  UPDATE accounts SET balance = balance - $5 WHERE player_id = $3 AND currency = $4 AND balance >= $5
  RETURNING id, balance),
b AS (
  INSERT INTO bets (provider, transaction_id, player_id, currency, state, stake, payout, placed_at)
  SELECT $1, $2, $3, $4, 'placed', $5, 0, $13 FROM a RETURNING id),
t AS (
  INSERT INTO transactions (provider, kind, transaction_id, request_hash, status, account_id, bet_id, player_id,
   currency, amount, balance_change, balance_after, round_id, game_id, table_id, reference_id, details,
   raw_request, client, event_time, created_at)
  SELECT $1, 'debit', $2, $6, 'completed', a.id, b.id, $3, $4, $5, -$5::bigint, a.balance, $7, $8, $9, '', $10,
   $11, 'bench-driver', $12, $13 FROM a, b RETURNING id, account_id, balance_after)
INSERT INTO entries (account_id, transaction_id, amount, balance_after, created_at)
SELECT t.account_id, t.id, -$5::bigint, t.balance_after, $13 FROM t RETURNING id"""

GROUP_COMMIT = """WITH d AS (
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])
    AS d(tx_id, player, request_hash, details, raw)),
a AS (
  UPDATE accounts SET balance = accounts.balance - $6 FROM d
  WHERE accounts.player_id = d.player AND accounts.currency = $7 AND accounts.balance >= $6
  RETURNING accounts.id, accounts.balance, d.tx_id, d.player, d.request_hash, d.details, d.raw),
b AS (
  INSERT INTO bets (provider, transaction_id, player_id, currency, state, stake, payout, placed_at)
  SELECT $8, tx_id, player, $7, 'placed', $6, 0, $9 FROM a RETURNING id, transaction_id),
t AS (
  INSERT INTO transactions (provider, kind, transaction_id, request_hash, status, account_id, bet_id, player_id,
   currency, amount, balance_change, balance_after, round_id, game_id, table_id, reference_id, details,
   raw_request, client, event_time, created_at)
  SELECT $8, 'debit', a.tx_id, a.request_hash, 'completed', a.id, b.id, a.player, $7, $6, -$6::bigint, a.balance,
   $10, $11, $12, '', a.details::json, a.raw, 'bench-driver', $13, $9
  FROM a JOIN b ON b.transaction_id = a.tx_id RETURNING id, account_id, balance_after)
INSERT INTO entries (account_id, transaction_id, amount, balance_after, created_at)
SELECT account_id, id, -$6::bigint, balance_after, $9 FROM t RETURNING id"""
