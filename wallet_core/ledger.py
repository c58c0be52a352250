"""The money rules of the wallet (../shared/wallet-rules.md), in one place.

Requests come prepared (``domain.MoneyRequest.prepare``: checked, amount in minor units, hash
taken); the store's adapters come from ``bootstrap``.

Every public method is one database transaction (``store.database.in_transaction``):
- exactly once: a request's key is (provider, kind, transaction_id); a repeat answers the
  stored transaction as a replay, a repeat that differs is IDEMPOTENCY_CONFLICT;
- decided failures (insufficient funds, a blocked player, a limit reached, a cancelled or settled
  bet) are stored, so a retry gets the same refusal; undecided ones (store down) are never stored;
- no overdraft: the balance check and the write are one UPDATE ... WHERE balance >= amount (the
  fast path's later debits of one account in a batch: under the lock that UPDATE took);
- a bet and its cancel meet on one ``bets`` row, so whichever comes first decides;
- balances change only with an entry that records the balance after it, chained to the
  account's previous entry (``chain``), the head written under the balance's row lock.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from wallet_core import holds, limits, money
from wallet_core.domain import (
    MAX_ID_LENGTH,
    Account,
    Bet,
    BetState,
    Kind,
    MoneyRequest,
    Outcome,
    Status,
    Transaction,
    require,
    scale_of,
)
from wallet_core.errors import Reason, WalletError, account_not_found
from wallet_core.store import player_blocks
from wallet_core.store import queries as q
from wallet_core.store.database import dispose, in_transaction
from wallet_core.store.fast_path import FastPath, FastPathFailed, Refused, UniqueKeyTaken, Written
from wallet_core.store.raw_requests import RawRequests
from wallet_core.store.schema import MAX_BALANCE

log = logging.getLogger(__name__)

MAX_PAGE_SIZE = 500
UTC_ZONE = ZoneInfo("UTC")

T = TypeVar("T")


class Ledger:
    """The rules over one store: ``engine`` for the general path, and the store's adapters it is
    given (``bootstrap.open_ledger`` picks them): a fast path for the usual debit and payout (none:
    every request takes the general path), and how raw requests are kept."""

    def __init__(
        self,
        engine: AsyncEngine,
        currencies: dict[str, int],
        fast_path: FastPath | None = None,
        raw_requests: RawRequests | None = None,
        limits_zone: ZoneInfo = UTC_ZONE,
    ) -> None:
        self.engine = engine
        self.limits_zone = limits_zone  # the calendar day of players' daily loss limits
        self.currencies = dict(currencies)
        self._fast_path = fast_path
        self._raw_requests = raw_requests or RawRequests({}, sample_saver(engine))

    async def close(self) -> None:
        if self._fast_path is not None:
            await self._fast_path.close()
        await dispose(self.engine)

    # --- reading ---------------------------------------------------------------------

    def scale(self, currency: str) -> int:
        return scale_of(self.currencies, currency)

    async def account(self, player_id: str, currency: str) -> Account:
        self.scale(currency)
        account = await self._run(lambda conn: q.find_account(conn, player_id, currency))
        if account is None:
            raise account_not_found(player_id, currency)
        return account

    async def accounts(self, player_id: str) -> list[Account]:
        return await self._run(lambda conn: q.player_accounts(conn, player_id))

    async def accounts_by_prefix(self, prefix: str, limit: int) -> list[Account]:
        """The accounts of the players whose id starts with ``prefix``, by player id then currency."""
        return await self._run(lambda conn: q.accounts_by_prefix(conn, prefix, limit))

    async def transaction(
        self, provider: str, transaction_id: str, kind: Kind | None
    ) -> tuple[Transaction, list[Transaction]]:
        """One stored transaction and every transaction of its bet (oldest first)."""

        async def work(conn: AsyncConnection) -> tuple[Transaction, list[Transaction]]:
            for candidate in [kind] if kind else list(Kind):
                found = await q.find_transaction(conn, provider, candidate, transaction_id)
                if found is not None:
                    related = await q.bet_transactions(conn, found.bet_id) if found.bet_id else [found]
                    return found, related
            raise WalletError(
                Reason.TRANSACTION_NOT_FOUND,
                f"no transaction {transaction_id!r} from {provider!r}",
                provider=provider,
                transaction_id=transaction_id,
            )

        return await self._run(work)

    async def raw_request(self, provider: str, kind: Kind, transaction_id: str) -> str:
        """A transaction's raw request as the provider sent it (rule 10), packed in the store or not."""
        raw = await self._run(lambda conn: q.stored_raw_request(conn, provider, kind, transaction_id))
        if raw is None:
            raise WalletError(
                Reason.TRANSACTION_NOT_FOUND,
                f"no {kind.value} {transaction_id!r} from {provider!r}",
                provider=provider,
                transaction_id=transaction_id,
            )
        return raw

    async def list_transactions(
        self, *, player_id: str, round_id: str, provider: str, after_id: int, page_size: int
    ) -> list[Transaction]:
        if not player_id and not round_id:
            raise WalletError(Reason.INVALID_ARGUMENT, "give a player_id or a round_id", field="player_id")
        limit = page_limit(page_size)
        return await self._run(
            lambda conn: q.list_transactions(
                conn, player_id=player_id, round_id=round_id, provider=provider, after_id=after_id, limit=limit
            )
        )

    # --- accounts ----------------------------------------------------------------------

    async def create_account(self, player_id: str, currency: str, initial_balance: str = "0") -> Account:
        require("player_id", player_id, MAX_ID_LENGTH)
        opening = money.to_minor(
            money.parse_amount(initial_balance or "0", field="initial_balance"),
            currency,
            self.scale(currency),
            field="initial_balance",
        )

        async def work(conn: AsyncConnection) -> Account:
            await player_blocks.serialize_player(conn, player_id)  # a block meanwhile flags this account too
            if await q.find_account(conn, player_id, currency) is not None:
                raise WalletError(
                    Reason.ACCOUNT_EXISTS,
                    f"{player_id!r} already has a {currency} account",
                    player_id=player_id,
                    currency=currency,
                )
            blocked = await player_blocks.find_block(conn, player_id) is not None
            account = await q.insert_account(conn, player_id, currency, opening, controlled=blocked)
            if opening:
                await q.append_entry(conn, account.id, None, opening, opening)
            return account

        return await self._run(work)

    # --- money -------------------------------------------------------------------------

    async def debit(self, request: MoneyRequest) -> Outcome:
        if self._fast_path is not None:
            placed = await self._fast(self._fast_path.debit, request)
            if placed is not None:
                return self._answered(placed)
        return await self._decided(lambda conn: self._debit(conn, request))

    async def credit(self, request: MoneyRequest) -> Outcome:
        if self._fast_path is not None and request.reference_id:
            paid = await self._fast(self._fast_path.payout, request)
            if paid is not None:
                return self._answered(paid)
        try:
            return await self._decided(lambda conn: self._credit(conn, request))
        except holds.PayoutToHold as held:
            await holds.record(self.engine, held)
            raise

    async def credit_batch(self, requests: list[MoneyRequest]) -> list[Outcome]:
        """All or none: one refusal rolls back every credit of the batch, and nothing is stored."""
        if not requests:
            raise WalletError(Reason.INVALID_ARGUMENT, "a batch needs at least one credit", field="credits")
        keys = [(r.provider, r.transaction_id) for r in requests]
        if len(set(keys)) != len(keys):
            raise WalletError(Reason.INVALID_ARGUMENT, "a batch repeats a transaction_id", field="credits")

        async def work(conn: AsyncConnection) -> list[Outcome]:
            outcomes = []
            for index, request in enumerate(requests):
                try:
                    outcome = await self._credit(conn, request, record_failures=False)
                    if outcome.transaction.status is Status.FAILED:
                        # A repeat of a credit refused (and stored) earlier: its refusal refuses the batch.
                        raise self._refusal(outcome)
                except WalletError as error:
                    error.metadata["batch_index"] = str(index)
                    error.metadata.setdefault("transaction_id", request.transaction_id)
                    raise
                outcomes.append(outcome)
            return outcomes

        try:
            return await self._run(work)
        except holds.PayoutToHold as held:  # the batch is rolled back; the hold is kept on its own
            await holds.record(self.engine, held)
            raise

    async def rollback(self, request: MoneyRequest) -> Outcome:
        return await self._decided(lambda conn: self._rollback(conn, request))

    # --- the rules, inside one database transaction ----------------------------------

    async def _debit(self, conn: AsyncConnection, request: MoneyRequest) -> Outcome:
        existing = await q.find_transaction(conn, request.provider, Kind.DEBIT, request.transaction_id)
        if existing is not None:
            return _replay(existing, request)
        amount = request.amount
        # Only a cancel creates a bet row before its debit: this bet was cancelled first (rule 5).
        tombstone = await q.find_bet(conn, request.provider, request.transaction_id, lock=True)
        if tombstone is not None:
            return await self._store_failure(conn, request, amount, Reason.ALREADY_ROLLED_BACK, bet=tombstone)
        # The row lock first, then the block: a block and this bet are serialized on the account row.
        controlled = await player_blocks.locked_controlled(conn, request.player_id, request.currency)
        if controlled is None:
            raise account_not_found(request.player_id, request.currency)
        day = limits.today(self.limits_zone)
        if controlled:  # blocked, or with limits
            account = await q.find_account(conn, request.player_id, request.currency)
            assert account is not None
            if await player_blocks.find_block(conn, request.player_id) is not None:
                return await self._store_failure(conn, request, amount, Reason.PLAYER_BLOCKED, account=account)
            passed = await limits.past_limit(conn, account.id, amount, day)
            if passed is not None:
                name, value = passed
                limit = money.to_decimal_string(value, self.scale(request.currency))
                return await self._store_failure(
                    conn, request, amount, Reason.LIMIT_REACHED, account=account, limit=name, limit_value=limit
                )
        taken = await q.take_if_covered(conn, request.player_id, request.currency, amount)
        if taken is None:
            account = await q.find_account(conn, request.player_id, request.currency)
            if account is None:
                raise account_not_found(request.player_id, request.currency)
            return await self._store_failure(conn, request, amount, Reason.INSUFFICIENT_FUNDS, account=account)
        account_id, balance_after = taken
        if controlled:
            await limits.count(conn, account_id, day, -amount)
        bet = await q.insert_bet(
            conn, request.provider, request.transaction_id, request.player_id, request.currency, BetState.PLACED, amount
        )
        stored = await self._store(
            conn,
            request,
            amount,
            Status.COMPLETED,
            change=-amount,
            balance_after=balance_after,
            account_id=account_id,
            bet=bet,
        )
        await q.append_entry(conn, account_id, stored.id, -amount, balance_after)
        return Outcome(stored, replay=False)

    async def _credit(self, conn: AsyncConnection, request: MoneyRequest, *, record_failures: bool = True) -> Outcome:
        existing = await q.find_transaction(conn, request.provider, Kind.CREDIT, request.transaction_id)
        if existing is not None:
            return _replay(existing, request)
        amount = request.amount
        bet = None
        if request.reference_id:
            bet = await q.find_bet(conn, request.provider, request.reference_id, lock=True)
            if bet is None:
                # Not stored: the bet may still arrive, and the provider retries the payout (rule 7).
                raise WalletError(
                    Reason.TRANSACTION_NOT_FOUND,
                    f"no bet {request.reference_id!r} for this payout",
                    provider=request.provider,
                    reference_transaction_id=request.reference_id,
                )
            _same_owner(bet, request)
            if bet.state in (BetState.CANCELLED, BetState.TOMBSTONE):
                if not record_failures:
                    raise _already_rolled_back(bet)
                return await self._store_failure(conn, request, amount, Reason.ALREADY_ROLLED_BACK, bet=bet)
            await holds.check_payout(conn, request, bet)
        else:
            await holds.check_credit_without_bet(conn, request)
        account_id, balance_after = await self._add_to_balance(conn, request.player_id, request.currency, amount)
        await limits.count(conn, account_id, limits.today(self.limits_zone), amount)
        if bet is not None:
            bet = await q.settle_bet(conn, bet.id, amount)
        stored = await self._store(
            conn,
            request,
            amount,
            Status.COMPLETED,
            change=amount,
            balance_after=balance_after,
            account_id=account_id,
            bet=bet,
        )
        if amount:
            await q.append_entry(conn, account_id, stored.id, amount, balance_after)
        return Outcome(stored, replay=False)

    async def _rollback(self, conn: AsyncConnection, request: MoneyRequest) -> Outcome:
        existing = await q.find_transaction(conn, request.provider, Kind.ROLLBACK, request.transaction_id)
        if existing is not None:
            return _replay(existing, request)
        bet = await q.find_bet(conn, request.provider, request.reference_id, lock=True)
        currency = request.currency or (bet.currency if bet else "")
        amount = self._cancel_amount(request, currency)
        if bet is None:
            # A cancel for a bet never seen succeeds and leaves a tombstone (rule 5).
            bet = await q.insert_bet(
                conn,
                request.provider,
                request.reference_id,
                request.player_id,
                currency,
                BetState.TOMBSTONE,
                amount or 0,
            )
            stored = await self._store(
                conn,
                request,
                amount or 0,
                Status.TOMBSTONE,
                change=0,
                balance_after=None,
                account_id=None,
                bet=bet,
                currency=currency,
            )
            return Outcome(stored, replay=False)
        _same_owner(bet, request)
        if amount is not None and bet.state is not BetState.TOMBSTONE and amount != bet.stake:
            scale = self.scale(bet.currency)
            raise WalletError(
                Reason.AMOUNT_MISMATCH,
                "the cancel's amount differs from the bet's stake",
                amount=money.to_decimal_string(amount, scale),
                stake=money.to_decimal_string(bet.stake, scale),
            )
        if bet.state in (BetState.CANCELLED, BetState.TOMBSTONE):
            # Cancelled already (under another cancel id): succeeds and moves nothing.
            status = Status.TOMBSTONE if bet.state is BetState.TOMBSTONE else Status.COMPLETED
            stored = await self._store(
                conn,
                request,
                bet.stake,
                status,
                change=0,
                balance_after=None,
                account_id=None,
                bet=bet,
                currency=bet.currency,
            )
            return Outcome(stored, replay=False)
        if bet.state is BetState.SETTLED and not request.reverse_payouts:
            return await self._store_failure(
                conn, request, bet.stake, Reason.ALREADY_SETTLED, bet=bet, currency=bet.currency
            )
        # Stake back; with reverse_payouts also the payouts taken back. This may leave the balance
        # below zero: the provider's authoritative reversal of a paid win is the one recorded
        # exception to rule 4.
        reversal = bet.payout if request.reverse_payouts else 0
        change = bet.stake - reversal
        account_id, balance_after = await self._add_to_balance(conn, bet.player_id, bet.currency, change)
        await limits.count(conn, account_id, limits.today(self.limits_zone), change)
        bet = await q.cancel_bet(conn, bet.id)
        stored = await self._store(
            conn,
            request,
            bet.stake,
            Status.COMPLETED,
            change=change,
            balance_after=balance_after,
            account_id=account_id,
            bet=bet,
            currency=bet.currency,
        )
        if bet.stake:
            await q.append_entry(conn, account_id, stored.id, bet.stake, balance_after + reversal)
        if reversal:
            await q.append_entry(conn, account_id, stored.id, -reversal, balance_after)
        return Outcome(stored, replay=False)

    async def _fast(
        self,
        statement: Callable[[MoneyRequest, datetime], Awaitable[tuple[Written, Bet] | Refused | None]],
        request: MoneyRequest,
    ) -> Outcome | None:
        """The usual debit (a new bet the balance covers, or its stored refusal when it does not)
        or payout (a new credit for a placed or settled bet) in one step of the store's fast path.
        A replay, or a conflicting repeat, is answered from the stored transaction the fast path
        finds under the key (rule 1, as ``_debit`` and ``_credit`` answer it). None sends every other
        case — tombstones, other refusals, trouble — to the general path, which decides it (an id
        the fast path did commit before trouble is found there as a replay)."""
        assert self._fast_path is not None
        created = q.now()
        try:
            done = await statement(request, created)
        except UniqueKeyTaken:
            try:
                existing = await self._fast_path.find(request.provider, request.kind, request.transaction_id)
            except FastPathFailed:
                return None
            return None if existing is None else _replay(existing, request)
        except FastPathFailed as error:
            log.warning("fast-path %s failed, taking the general path: %s", request.kind.value, error)
            return None
        if done is None:
            return None
        amount = request.amount
        if isinstance(done, Refused):  # the row _store_failure stores for an uncovered debit
            return Outcome(
                _stored(
                    request,
                    done.transaction_id,
                    created,
                    amount,
                    Status.FAILED,
                    change=0,
                    balance_after=done.balance,
                    account_id=done.account_id,
                    bet=None,
                    currency=request.currency,
                    error=_failure(request, Reason.INSUFFICIENT_FUNDS, None),
                ),
                replay=False,
            )
        written, bet = done
        change = -amount if request.kind is Kind.DEBIT else amount
        return Outcome(
            _stored(
                request,
                written.transaction_id,
                created,
                amount,
                Status.COMPLETED,
                change=change,
                balance_after=written.balance_after,
                account_id=written.account_id,
                bet=bet,
                currency=request.currency,
            ),
            replay=False,
        )

    # --- helpers -------------------------------------------------------------------------

    async def _add_to_balance(
        self, conn: AsyncConnection, player_id: str, currency: str, amount: int
    ) -> tuple[int, int]:
        added = await q.add_to_balance(conn, player_id, currency, amount)
        if added is not None:
            return added
        if await q.find_account(conn, player_id, currency) is None:
            raise account_not_found(player_id, currency)
        raise WalletError(
            Reason.INVALID_AMOUNT,
            "the balance would pass the largest amount the ledger holds",
            player_id=player_id,
            currency=currency,
            limit=money.to_decimal_string(MAX_BALANCE, self.scale(currency)),
        )

    async def _run(self, work: Callable[[AsyncConnection], Awaitable[T]]) -> T:
        return await in_transaction(self.engine, work)

    async def _decided(self, work: Callable[[AsyncConnection], Awaitable[Outcome]]) -> Outcome:
        """Commit the outcome, then raise if it is a (stored, or replayed) refusal."""
        return self._answered(await self._run(work))

    def _answered(self, outcome: Outcome) -> Outcome:
        """A committed outcome, raised as its refusal if it is one."""
        if outcome.transaction.status is Status.FAILED:
            raise self._refusal(outcome)
        return outcome

    def _refusal(self, outcome: Outcome) -> WalletError:
        """The stored refusal of a decided failure, with whether this answer is a replay. An
        uncovered debit states the balance that refused it, stored as its ``balance_after``."""
        stored = outcome.transaction
        assert stored.error_reason is not None
        reason = Reason(stored.error_reason)
        error = WalletError(reason, _FAILURE_MESSAGES[reason])
        error.metadata = dict(stored.error_metadata or {})
        if reason is Reason.INSUFFICIENT_FUNDS and stored.balance_after is not None and "balance" not in error.metadata:
            # (refusals stored before migration 0003 hold this string already: the same value)
            error.metadata["balance"] = money.to_decimal_string(stored.balance_after, self.scale(stored.currency))
        error.metadata["replay"] = str(outcome.replay).lower()
        return error

    def _cancel_amount(self, request: MoneyRequest, currency: str) -> int | None:
        """A cancel's amount in minor units of ``currency`` (its own, else its bet's); None: none given."""
        if request.amount_sent is None:
            return None
        if request.currency:
            return request.amount  # converted when the request was prepared
        if not currency:
            raise WalletError(
                Reason.INVALID_ARGUMENT, "a cancel with an amount for an unknown bet needs a currency", field="currency"
            )
        return money.to_minor(request.amount_sent, currency, self.scale(currency))

    async def _store(
        self,
        conn: AsyncConnection,
        request: MoneyRequest,
        amount: int,
        status: Status,
        *,
        change: int,
        balance_after: int | None,
        account_id: int | None,
        bet: Bet | None,
        currency: str | None = None,
        error: WalletError | None = None,
    ) -> Transaction:
        values: dict[str, Any] = {
            "provider": request.provider,
            "kind": request.kind.value,
            "transaction_id": request.transaction_id,
            "request_hash": request.fingerprint,
            "status": status.value,
            "error_reason": error.reason.value if error else None,
            "error_metadata": error.metadata if error else None,
            "account_id": account_id,
            "bet_id": bet.id if bet else None,
            "player_id": request.player_id,
            "currency": request.currency if currency is None else currency,
            "amount": amount,
            "balance_change": change,
            "balance_after": balance_after,
            "round_id": request.round_id,
            "game_id": request.game_id,
            "table_id": request.table_id,
            "reference_id": request.reference_id,
            "details": q.json_column_text(request.details_text),
            "client": request.client,
            "event_time": request.event_time,
        }
        values["raw_request"], values["raw_request_packed"] = self._raw_requests.columns_now(
            request.provider, request.raw_request
        )
        tx_id, created = await q.insert_transaction(conn, values)
        return _stored(
            request,
            tx_id,
            created,
            amount,
            status,
            change=change,
            balance_after=balance_after,
            account_id=account_id,
            bet=bet,
            currency=values["currency"],
            error=error,
        )

    async def _store_failure(
        self,
        conn: AsyncConnection,
        request: MoneyRequest,
        amount: int,
        reason: Reason,
        *,
        bet: Bet | None = None,
        account: Account | None = None,
        currency: str | None = None,
        **metadata: object,
    ) -> Outcome:
        """A decided refusal is stored (rule 3); the caller commits it, then raises it."""
        error = _failure(request, reason, bet, **metadata)
        stored = await self._store(
            conn,
            request,
            amount,
            Status.FAILED,
            change=0,
            balance_after=account.balance if account else None,
            account_id=account.id if account else None,
            bet=bet,
            currency=currency,
            error=error,
        )
        return Outcome(stored, replay=False)


def sample_saver(engine: AsyncEngine) -> Callable[[str, bytes], Awaitable[int]]:
    """Saves a raw request sample in a transaction of its own, committed before it is used."""
    return lambda provider, sample: in_transaction(engine, lambda conn: q.insert_sample(conn, provider, sample))


def page_limit(page_size: int) -> int:
    """How many transactions a page of ``page_size`` holds: 1 to MAX_PAGE_SIZE."""
    return min(max(page_size, 1), MAX_PAGE_SIZE)


def _stored(
    request: MoneyRequest,
    tx_id: int,
    created: datetime,
    amount: int,
    status: Status,
    *,
    change: int,
    balance_after: int | None,
    account_id: int | None,
    bet: Bet | None,
    currency: str,
    error: WalletError | None = None,
) -> Transaction:
    """The record of ``request`` as the ledger stored it under ``tx_id``."""
    return Transaction(
        id=tx_id,
        provider=request.provider,
        transaction_id=request.transaction_id,
        kind=request.kind,
        status=status,
        player_id=request.player_id,
        currency=currency,
        amount=amount,
        balance_change=change,
        balance_after=balance_after,
        round_id=request.round_id,
        game_id=request.game_id,
        table_id=request.table_id,
        reference_id=request.reference_id,
        details=request.details,
        event_time=request.event_time,
        created_at=created,
        request_hash=request.fingerprint,
        error_reason=error.reason.value if error else None,
        error_metadata=error.metadata if error else None,
        account_id=account_id,
        bet_id=bet.id if bet else None,
        bet=bet,
    )


_FAILURE_MESSAGES = {
    Reason.INSUFFICIENT_FUNDS: "the balance does not cover the debit",
    Reason.ALREADY_ROLLED_BACK: "the bet was cancelled",
    Reason.ALREADY_SETTLED: "the bet was settled and its payouts were not reversed",
    Reason.PLAYER_BLOCKED: "the player is blocked: no bets are taken",
    Reason.LIMIT_REACHED: "the bet passes the player's limit (metadata: which, and its value)",
}


def _failure(request: MoneyRequest, reason: Reason, bet: Bet | None, **metadata: object) -> WalletError:
    """The error a decided refusal of ``request`` is stored with (the answer adds the rest: ``_refusal``)."""
    error = WalletError(reason, _FAILURE_MESSAGES[reason], transaction_id=request.transaction_id, **metadata)
    if bet is not None:
        error.metadata.setdefault("bet_state", bet.state.value)
    return error


def _replay(existing: Transaction, request: MoneyRequest) -> Outcome:
    if existing.request_hash != request.fingerprint:
        raise WalletError(
            Reason.IDEMPOTENCY_CONFLICT,
            "this transaction_id was used before for a different request",
            provider=existing.provider,
            kind=existing.kind.value,
            transaction_id=existing.transaction_id,
        )
    return Outcome(existing, replay=True)


def _same_owner(bet: Bet, request: MoneyRequest) -> None:
    if bet.player_id != request.player_id:
        raise WalletError(
            Reason.PLAYER_MISMATCH,
            "the bet belongs to another player",
            reference_transaction_id=bet.transaction_id,
            player_id=request.player_id,
        )
    if request.currency and bet.currency and bet.currency != request.currency:
        raise WalletError(
            Reason.CURRENCY_MISMATCH,
            f"the bet is in {bet.currency}",
            bet_currency=bet.currency,
            currency=request.currency,
        )


def _already_rolled_back(bet: Bet) -> WalletError:
    return WalletError(
        Reason.ALREADY_ROLLED_BACK,
        _FAILURE_MESSAGES[Reason.ALREADY_ROLLED_BACK],
        reference_transaction_id=bet.transaction_id,
        bet_state=bet.state.value,
    )
