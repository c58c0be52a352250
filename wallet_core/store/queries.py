"""The SQL statements of the ledger, each a small function over one open connection.

No money rule lives here: ``wallet_core.ledger`` decides, these read and write.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import (
    JSON,
    BindParameter,
    ColumnElement,
    Dialect,
    TypeDecorator,
    and_,
    bindparam,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from wallet_core import chain
from wallet_core.domain import Account, Bet, BetState, Kind, Status, Transaction
from wallet_core.store import raw_requests
from wallet_core.store.schema import MAX_BALANCE, accounts, bets, currencies, entries, raw_request_samples, transactions


class Row(Protocol):
    """A row read by SQLAlchemy, asyncpg or sqlite3 (as a dict): its columns by name."""

    def __getitem__(self, name: str, /) -> Any: ...


def utc(value: datetime | str | None) -> datetime | None:
    """SQLite hands back naive datetimes (text, to its own driver): everything stored is UTC."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def now() -> datetime:
    return datetime.now(UTC)


class _JsonText(TypeDecorator[str]):
    """A JSON column's value given as its stored text already: bound as it is (each dialect's JSON
    bind takes the text), not serialised a second time."""

    impl = JSON
    cache_ok = True

    def bind_processor(self, dialect: Dialect) -> None:
        return None


def json_column_text(text: str) -> BindParameter[str]:
    """``text`` (JSON, as ``database.json_text`` writes it) for a JSON column of an insert."""
    return bindparam(None, text, type_=_JsonText())


# --- currencies ----------------------------------------------------------------------


async def load_currencies(conn: AsyncConnection) -> dict[str, int]:
    rows = await conn.execute(select(currencies.c.code, currencies.c.scale))
    return {code: scale for code, scale in rows}


async def add_currency(conn: AsyncConnection, code: str, scale: int) -> None:
    await conn.execute(insert(currencies).values(code=code, scale=scale))


# --- accounts --------------------------------------------------------------------------


def _account(row: RowMapping) -> Account:
    created = utc(row["created_at"])
    assert created is not None
    return Account(row["id"], row["player_id"], row["currency"], row["balance"], created)


async def find_account(conn: AsyncConnection, player_id: str, currency: str) -> Account | None:
    row = (
        (await conn.execute(select(accounts).where(accounts.c.player_id == player_id, accounts.c.currency == currency)))
        .mappings()
        .first()
    )
    return _account(row) if row else None


async def player_accounts(conn: AsyncConnection, player_id: str) -> list[Account]:
    rows = await conn.execute(select(accounts).where(accounts.c.player_id == player_id).order_by(accounts.c.id))
    return [_account(r) for r in rows.mappings()]


async def accounts_by_prefix(conn: AsyncConnection, prefix: str, limit: int) -> list[Account]:
    # autoescape: a % or _ in the prefix means itself. (SQLite's LIKE ignores ASCII case: a person's search.)
    query = select(accounts).where(accounts.c.player_id.startswith(prefix, autoescape=True))
    rows = await conn.execute(query.order_by(accounts.c.player_id, accounts.c.currency).limit(limit))
    return [_account(r) for r in rows.mappings()]


async def all_accounts_with_entry_sums(conn: AsyncConnection) -> list[tuple[Account, int, int | None]]:
    """Every account with the sum of its entries and the balance_after of its last entry."""
    sums = (
        select(
            entries.c.account_id,
            func.coalesce(func.sum(entries.c.amount), 0).label("total"),
            func.max(entries.c.id).label("last_id"),
        )
        .group_by(entries.c.account_id)
        .subquery()
    )
    last = entries.alias("last_entry")
    rows = await conn.execute(
        select(accounts, func.coalesce(sums.c.total, 0).label("total"), last.c.balance_after.label("last_after"))
        .outerjoin(sums, sums.c.account_id == accounts.c.id)
        .outerjoin(last, last.c.id == sums.c.last_id)
        .order_by(accounts.c.id)
    )
    return [(_account(r), int(r["total"]), r["last_after"]) for r in rows.mappings()]


async def insert_account(
    conn: AsyncConnection, player_id: str, currency: str, balance: int, *, controlled: bool = False
) -> Account:
    created = now()
    account_id = (
        await conn.execute(
            insert(accounts)
            .values(
                player_id=player_id,
                currency=currency,
                balance=balance,
                created_at=created,
                chain_head=chain.GENESIS,
                controlled=controlled,
            )
            .returning(accounts.c.id)
        )
    ).scalar_one()
    return Account(account_id, player_id, currency, balance, created)


async def take_if_covered(conn: AsyncConnection, player_id: str, currency: str, amount: int) -> tuple[int, int] | None:
    """Atomically subtract ``amount`` if the balance covers it: the check and the write are
    one statement (rule 4). Returns (account id, balance after), or None."""
    row = (
        await conn.execute(
            update(accounts)
            .where(accounts.c.player_id == player_id, accounts.c.currency == currency, accounts.c.balance >= amount)
            .values(balance=accounts.c.balance - amount)
            .returning(accounts.c.id, accounts.c.balance)
        )
    ).first()
    return (row[0], row[1]) if row else None


async def add_to_balance(conn: AsyncConnection, player_id: str, currency: str, amount: int) -> tuple[int, int] | None:
    """Atomically add a signed ``amount`` if the result stays within ±MAX_BALANCE.
    Returns (account id, balance after), or None (no account, or the limit)."""
    row = (
        await conn.execute(
            update(accounts)
            .where(
                accounts.c.player_id == player_id,
                accounts.c.currency == currency,
                (accounts.c.balance + amount).between(-MAX_BALANCE, MAX_BALANCE),
            )
            .values(balance=accounts.c.balance + amount)
            .returning(accounts.c.id, accounts.c.balance)
        )
    ).first()
    return (row[0], row[1]) if row else None


async def append_entry(
    conn: AsyncConnection, account_id: int, transaction_id: int | None, amount: int, balance_after: int
) -> None:
    """The account's next entry, chained to its head, and the head moved on to it. Called after
    this transaction wrote the account's balance: under that row's lock (SQLite: its write lock)."""
    head = bytes((await conn.execute(select(accounts.c.chain_head).where(accounts.c.id == account_id))).scalar_one())
    created = now()
    chained = chain.entry_hash(head, account_id, transaction_id, amount, balance_after, created)
    await conn.execute(
        insert(entries).values(
            account_id=account_id,
            transaction_id=transaction_id,
            amount=amount,
            balance_after=balance_after,
            created_at=created,
            chain_hash=chained,
        )
    )
    await conn.execute(update(accounts).where(accounts.c.id == account_id).values(chain_head=chained))


# --- bets ------------------------------------------------------------------------------------


def bet_of(row: Row, prefix: str = "") -> Bet:
    """The bet of a row of ``bets``, its columns named ``prefix`` + column (a join's)."""
    return Bet(
        id=row[prefix + "id"],
        provider=row[prefix + "provider"],
        transaction_id=row[prefix + "transaction_id"],
        player_id=row[prefix + "player_id"],
        currency=row[prefix + "currency"],
        state=BetState(row[prefix + "state"]),
        stake=row[prefix + "stake"],
        payout=row[prefix + "payout"],
        placed_at=utc(row[prefix + "placed_at"]),
        settled_at=utc(row[prefix + "settled_at"]),
        cancelled_at=utc(row[prefix + "cancelled_at"]),
    )


async def find_bet(conn: AsyncConnection, provider: str, transaction_id: str, *, lock: bool = False) -> Bet | None:
    query = select(bets).where(bets.c.provider == provider, bets.c.transaction_id == transaction_id)
    if lock:
        query = query.with_for_update()  # ignored by SQLite, whose BEGIN IMMEDIATE already serializes
    row = (await conn.execute(query)).mappings().first()
    return bet_of(row) if row else None


async def bet_by_id(conn: AsyncConnection, bet_id: int) -> Bet | None:
    row = (await conn.execute(select(bets).where(bets.c.id == bet_id))).mappings().first()
    return bet_of(row) if row else None


async def insert_bet(
    conn: AsyncConnection,
    provider: str,
    transaction_id: str,
    player_id: str,
    currency: str,
    state: BetState,
    stake: int,
) -> Bet:
    """Insert a bet (or a tombstone). A concurrent insert of the same key raises
    IntegrityError, and the request is retried to see the winner's row."""
    at = now()
    placed = at if state is BetState.PLACED else None
    cancelled = at if state is BetState.TOMBSTONE else None
    bet_id = (
        await conn.execute(
            insert(bets)
            .values(
                provider=provider,
                transaction_id=transaction_id,
                player_id=player_id,
                currency=currency,
                state=state.value,
                stake=stake,
                payout=0,
                placed_at=placed,
                settled_at=None,
                cancelled_at=cancelled,
            )
            .returning(bets.c.id)
        )
    ).scalar_one()
    return Bet(bet_id, provider, transaction_id, player_id, currency, state, stake, 0, placed, None, cancelled)


async def settle_bet(conn: AsyncConnection, bet_id: int, payout: int) -> Bet:
    """Mark the bet settled, add ``payout`` to it, and answer it as it now stands."""
    row = (
        (
            await conn.execute(
                update(bets)
                .where(bets.c.id == bet_id)
                .values(
                    state=BetState.SETTLED.value,
                    payout=bets.c.payout + payout,
                    settled_at=now(),
                )
                .returning(*bets.c)
            )
        )
        .mappings()
        .one()
    )
    return bet_of(row)


async def cancel_bet(conn: AsyncConnection, bet_id: int) -> Bet:
    """Mark the bet cancelled and answer it as it now stands (with its cancelled_at)."""
    row = (
        (
            await conn.execute(
                update(bets)
                .where(bets.c.id == bet_id)
                .values(
                    state=BetState.CANCELLED.value,
                    cancelled_at=now(),
                )
                .returning(*bets.c)
            )
        )
        .mappings()
        .one()
    )
    return bet_of(row)


# --- transactions ----------------------------------------------------------------------


def transaction_of(row: Row, bet: Bet | None = None) -> Transaction:
    """The transaction of a row of ``transactions``, read through SQLAlchemy or a driver alone
    (asyncpg hands JSON back as text)."""
    created = utc(row["created_at"])
    assert created is not None
    return Transaction(
        id=row["id"],
        provider=row["provider"],
        transaction_id=row["transaction_id"],
        kind=Kind(row["kind"]),
        status=Status(row["status"]),
        player_id=row["player_id"],
        currency=row["currency"],
        amount=row["amount"],
        balance_change=row["balance_change"],
        balance_after=row["balance_after"],
        round_id=row["round_id"],
        game_id=row["game_id"],
        table_id=row["table_id"],
        reference_id=row["reference_id"],
        details=_json(row["details"]) or {},
        event_time=utc(row["event_time"]),
        created_at=created,
        request_hash=row["request_hash"],
        error_reason=row["error_reason"],
        error_metadata=_json(row["error_metadata"]),
        account_id=row["account_id"],
        bet_id=row["bet_id"],
        bet=bet,
    )


def _json(value: str | dict[str, Any] | None) -> Any:
    return json.loads(value) if isinstance(value, str) else value


async def find_transaction(conn: AsyncConnection, provider: str, kind: Kind, transaction_id: str) -> Transaction | None:
    row = (
        (
            await conn.execute(
                select(transactions).where(
                    transactions.c.provider == provider,
                    transactions.c.kind == kind.value,
                    transactions.c.transaction_id == transaction_id,
                )
            )
        )
        .mappings()
        .first()
    )
    if row is None:
        return None
    bet = await bet_by_id(conn, row["bet_id"]) if row["bet_id"] is not None else None
    return transaction_of(row, bet)


async def bet_transactions(conn: AsyncConnection, bet_id: int) -> list[Transaction]:
    bet = await bet_by_id(conn, bet_id)
    rows = await conn.execute(select(transactions).where(transactions.c.bet_id == bet_id).order_by(transactions.c.id))
    return [transaction_of(r, bet) for r in rows.mappings()]


async def list_transactions(
    conn: AsyncConnection, *, player_id: str, round_id: str, provider: str, after_id: int, limit: int
) -> list[Transaction]:
    query = select(transactions).where(transactions.c.id > after_id)
    if player_id:
        query = query.where(transactions.c.player_id == player_id)
    if round_id:
        query = query.where(transactions.c.round_id == round_id)
    if provider:
        query = query.where(transactions.c.provider == provider)
    rows = await conn.execute(query.order_by(transactions.c.id).limit(limit))
    return await transactions_with_bets(conn, list(rows.mappings()))


async def transactions_with_bets(conn: AsyncConnection, found: list[RowMapping]) -> list[Transaction]:
    """Rows of ``transactions`` as transactions, each with its bet (one query for all the bets)."""
    bet_ids = {r["bet_id"] for r in found if r["bet_id"] is not None}
    bets_by_id: dict[int, Bet] = {}
    if bet_ids:
        found_bets = await conn.execute(select(bets).where(bets.c.id.in_(bet_ids)))
        bets_by_id = {r["id"]: bet_of(r) for r in found_bets.mappings()}
    return [transaction_of(r, bets_by_id.get(r["bet_id"])) for r in found]


async def insert_transaction(conn: AsyncConnection, values: dict[str, Any]) -> tuple[int, datetime]:
    created = now()
    tx_id = (
        await conn.execute(insert(transactions).values(**values, created_at=created).returning(transactions.c.id))
    ).scalar_one()
    return tx_id, created


async def stored_raw_request(conn: AsyncConnection, provider: str, kind: Kind, transaction_id: str) -> str | None:
    """A transaction's raw request as received (rule 10), packed or not; None: no such transaction."""
    row = (
        await conn.execute(
            select(transactions.c.raw_request, transactions.c.raw_request_packed).where(
                transactions.c.provider == provider,
                transactions.c.kind == kind.value,
                transactions.c.transaction_id == transaction_id,
            )
        )
    ).first()
    if row is None:
        return None
    text, packed = row
    if packed is None:
        return str(text)
    sample_id = raw_requests.sample_of(packed)
    sample = (
        await conn.execute(select(raw_request_samples.c.sample).where(raw_request_samples.c.id == sample_id))
    ).scalar_one_or_none()
    return raw_requests.unpack(packed, {sample_id: sample} if sample is not None else {})


# --- raw request samples ---------------------------------------------------------------


async def newest_samples(conn: AsyncConnection) -> dict[str, tuple[int, bytes]]:
    """Each provider's newest sample: provider -> (id, sample)."""
    newest = select(func.max(raw_request_samples.c.id)).group_by(raw_request_samples.c.provider)
    rows = await conn.execute(select(raw_request_samples).where(raw_request_samples.c.id.in_(newest)))
    return {r["provider"]: (r["id"], bytes(r["sample"])) for r in rows.mappings()}


async def insert_sample(conn: AsyncConnection, provider: str, sample: bytes) -> int:
    return int(
        (
            await conn.execute(
                insert(raw_request_samples)
                .values(
                    provider=provider,
                    sample=sample,
                    created_at=now(),
                )
                .returning(raw_request_samples.c.id)
            )
        ).scalar_one()
    )


bet_debit = transactions.alias("bet_debit")
"""The transactions table again, as the debit that placed a bet (joined with ``debit_of_bet``)."""


def debit_of_bet(bet_id: ColumnElement[int]) -> ColumnElement[bool]:
    """``bet_debit`` is the completed debit of the bet: at most one row, the debit's key and the
    bet's key being both unique."""
    return and_(
        bet_debit.c.bet_id == bet_id, bet_debit.c.kind == Kind.DEBIT.value, bet_debit.c.status == Status.COMPLETED.value
    )
