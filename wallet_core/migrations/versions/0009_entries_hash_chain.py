"""Entries chained by hash, the head on the account row: a ledger that shows tampering

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-24 09:00:00

``entries.chain_hash`` holds each entry's hash, chained to the account's previous entry, and
``accounts.chain_head`` the hash of its last one (``wallet_core.chain`` defines the bytes). The
upgrade adds both columns and back-fills every ledger there is, account by account in entry order,
with its own frozen copy of ``wallet_core.chain.entry_hash`` (a migration imports nothing from the
application, which may change after it; the tests check that a back-filled chain is the chain live
writes make). On PostgreSQL it installs
the hash function and the batch functions that keep the chain: the files of ``wallet_core/store/sql/``
as they were then, frozen below (0012 reads the files now).

Stop the cores for this upgrade (docs/operations.md, "Chains and anchors"): a core before it
writes entries without a hash (its general path, SQLite's writer), which ``wallet verify`` then
names as broken links. ``chain_hash`` stays nullable so that such a core's write still succeeds,
and ``chain_head`` has the empty chain's head as its default for the accounts it opens.

The overloads of 0002/0005 (15 arguments, for cores before 0007) stay as they were: such a core
cannot be serving once the cores are stopped for this one.

The downgrade puts back 0008's functions (its frozen text), drops the hash function and both
columns.
"""

from __future__ import annotations

import hashlib
import importlib
import struct
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

BACK_FILL_ROWS = 5000
"""Entries read and hashed a round trip, in (account, id) order."""

GENESIS = bytes(32)
_FIELDS = struct.Struct(">qqqqq")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)

_EMPTY_HEAD = {
    "postgresql": f"'\\x{GENESIS.hex()}'::bytea",
    "sqlite": f"X'{GENESIS.hex()}'",
}


def entry_hash(
    previous: bytes, account_id: int, transaction_id: int | None, amount: int, balance_after: int, created_at: datetime
) -> bytes:
    """wallet_core.chain.entry_hash as this revision defines it (its docstring gives the 72 bytes)."""
    micros = (created_at - _EPOCH) // _MICROSECOND
    return hashlib.sha256(
        previous + _FIELDS.pack(account_id, transaction_id or 0, amount, balance_after, micros)
    ).digest()


def upgrade() -> None:
    bind = op.get_bind()
    head_default = sa.text(_EMPTY_HEAD[bind.dialect.name])
    op.add_column("accounts", sa.Column("chain_head", sa.LargeBinary(), nullable=False, server_default=head_default))
    op.add_column("entries", sa.Column("chain_hash", sa.LargeBinary(), nullable=True))
    back_fill(bind)
    if bind.dialect.name == "postgresql":
        for text in FUNCTIONS.values():
            op.execute(text)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        before = importlib.import_module("wallet_core.migrations.versions.0008_functions_from_sql_files")
        op.execute(before.DEBIT_BATCH)
        op.execute(before.PAYOUT_BATCH)
        op.execute("DROP FUNCTION wallet_entry_hash(bytea, bigint, bigint, bigint, bigint, timestamptz)")
    op.drop_column("entries", "chain_hash")
    op.drop_column("accounts", "chain_head")


def back_fill(bind: sa.Connection) -> None:
    """Every account's chain, from its first entry on, and its head."""
    heads: dict[int, bytes] = {}
    after = (0, 0)
    while rows := bind.execute(
        sa.text(
            "SELECT account_id, id, transaction_id, amount, balance_after, created_at FROM entries "
            "WHERE account_id > :account OR (account_id = :account AND id > :id) "
            "ORDER BY account_id, id LIMIT :rows"
        ),
        {"account": after[0], "id": after[1], "rows": BACK_FILL_ROWS},
    ).all():
        hashed = []
        for account_id, entry_id, transaction_id, amount, balance_after, created_at in rows:
            previous = heads.get(account_id, GENESIS)
            heads[account_id] = entry_hash(
                previous, account_id, transaction_id, amount, balance_after, _utc(created_at)
            )
            hashed.append({"id": entry_id, "hash": heads[account_id]})
        bind.execute(sa.text("UPDATE entries SET chain_hash = :hash WHERE id = :id"), hashed)
        after = (rows[-1][0], rows[-1][1])
    if heads:
        bind.execute(
            sa.text("UPDATE accounts SET chain_head = :head WHERE id = :id"),
            [{"id": account_id, "head": head} for account_id, head in heads.items()],
        )


def _utc(value: datetime | str) -> datetime:
    """A created_at as read through a plain SQL text query: SQLite answers its stored text."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


ENTRY_HASH = r"""CREATE OR REPLACE FUNCTION wallet_entry_hash(previous bytea, account_id bigint, transaction_id bigint, amount bigint, balance_after bigint, created_at timestamp with time zone)
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
"""  # noqa: E501 (the body as installed, to the letter)

DEBIT_BATCH = r"""CREATE OR REPLACE FUNCTION wallet_debit_batch(amounts bigint[], player_ids text[], currency_codes text[], providers text[], transaction_ids text[], created_ats timestamp with time zone[], request_hashes text[], round_ids text[], game_ids text[], table_ids text[], reference_ids text[], details_texts text[], raw_requests text[], clients text[], event_times timestamp with time zone[], packed_raw_requests bytea[])
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
--   'none'     not the usual case (no account, a bet with this key, a balance past its range):
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
            -- The transaction's id first: the entry's chain hash names it, and the account's first
            -- write below moves the head on with the balance (one write of the row, not two).
            stored_id := nextval(transaction_id_sequence);
            -- Rule 4, no overdraft: the check and the write are one UPDATE ... WHERE balance >= amount,
            -- whose row lock the batch then holds; an account's later debits in this batch are decided
            -- under that lock against the balance kept below.
            IF h IS NULL THEN
                UPDATE accounts SET balance = balance - amounts[i],
                    chain_head = wallet_entry_hash(chain_head, id, stored_id, -amounts[i], balance - amounts[i],
                                                   created_ats[i])
                WHERE player_id = player_ids[i] AND currency = currency_codes[i] AND balance >= amounts[i]
                RETURNING id, balance, chain_head INTO stored_account, stored_balance, head;
                covered := FOUND;
                IF NOT covered THEN
                    -- Not covered, or no account: read the balance under the account's lock, as the
                    -- general path does, so that the refusal states the balance that refused it.
                    SELECT id, balance, chain_head INTO stored_account, stored_balance, head FROM accounts
                    WHERE player_id = player_ids[i] AND currency = currency_codes[i]
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
"""  # noqa: E501 (the body as installed, to the letter)

PAYOUT_BATCH = r"""CREATE OR REPLACE FUNCTION wallet_payout_batch(amounts bigint[], player_ids text[], currency_codes text[], providers text[], transaction_ids text[], created_ats timestamp with time zone[], request_hashes text[], round_ids text[], game_ids text[], table_ids text[], reference_ids text[], details_texts text[], raw_requests text[], clients text[], event_times timestamp with time zone[], packed_raw_requests bytea[])
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
--              currency's bet, no account, a balance past its range: nothing written, the general
--              path decides it (rules 6 and 7 refuse it there).
-- Each item runs in its own sub-block, so that an item's failure undoes that item alone.
DECLARE
    head bytea;
    transaction_id_sequence regclass := pg_get_serial_sequence('transactions', 'id');
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
                -- The transaction's id first: the entry's chain hash names it, and the head moves on
                -- with the balance, in one write of the row (a payout of 0 has no entry: no move).
                stored_id := nextval(transaction_id_sequence);
                UPDATE accounts SET balance = balance + amounts[i],
                    chain_head = CASE WHEN amounts[i] = 0 THEN chain_head
                        ELSE wallet_entry_hash(chain_head, id, stored_id, amounts[i], balance + amounts[i],
                                               created_ats[i]) END
                WHERE player_id = player_ids[i] AND currency = currency_codes[i]
                RETURNING id, balance, chain_head INTO stored_account, stored_balance, head;
                IF NOT FOUND THEN
                    RAISE no_data_found;  -- no account: undo the bet's update too
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
"""  # noqa: E501 (the body as installed, to the letter)


FUNCTIONS = {
    "wallet_entry_hash.sql": ENTRY_HASH,
    "wallet_debit_batch.sql": DEBIT_BATCH,
    "wallet_payout_batch.sql": PAYOUT_BATCH,
}
"""The functions this revision installs, in this order (the batch functions call the hash): the files
of wallet_core/store/sql/ as they were, frozen here for good (0012 reads the files now)."""
