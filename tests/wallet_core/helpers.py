"""Helpers for the core's tests: money calls through the real gRPC server, the refusal a
call ends in (its google.rpc.Status / ErrorInfo), and the ledger's rows read straight from
the database."""

from __future__ import annotations

from collections.abc import Awaitable, Mapping, Sequence
from datetime import datetime
from typing import Any, NamedTuple

import grpc
import pytest
from google.protobuf import struct_pb2, timestamp_pb2
from google.rpc import error_details_pb2, status_pb2
from sqlalchemy import Select, select, text
from sqlalchemy.engine import RowMapping

from tests.support.core import CoreHandle, bearer
from wallet.v1 import wallet_pb2 as pb
from wallet_core import chain
from wallet_core.audit import AdminAudit
from wallet_core.domain import Kind
from wallet_core.holds import Hold, Review
from wallet_core.store import queries
from wallet_core.store.database import create_engine
from wallet_core.store.schema import OUTBOX_PARTITIONS, accounts, entries, outbox, transactions

PROVIDER = "tests"
DOMAIN = "wallet.v1"
DETAILS_KEY = "grpc-status-details-bin"


class ErrorDetails(NamedTuple):
    """What a refusal says: the gRPC code, the ErrorInfo reason and its metadata."""

    code: grpc.StatusCode
    reason: str
    metadata: dict[str, str]


# --- calls ---------------------------------------------------------------------------------


def auth(core: CoreHandle, provider: str = PROVIDER, token: str | None = None) -> Sequence[tuple[str, str]]:
    """The bearer metadata of ``provider``'s gateway (or of an explicit token)."""
    return bearer(token if token is not None else core.token_for(provider))


def struct(values: Mapping[str, Any]) -> struct_pb2.Struct:
    result = struct_pb2.Struct()
    result.update(values)
    return result


def timestamp(value: datetime) -> timestamp_pb2.Timestamp:
    result = timestamp_pb2.Timestamp()
    result.FromDatetime(value)
    return result


def _extras(details: Mapping[str, Any] | None, event_time: datetime | None) -> dict[str, Any]:
    extras: dict[str, Any] = {}
    if details is not None:
        extras["details"] = struct(details)
    if event_time is not None:
        extras["event_time"] = timestamp(event_time)
    return extras


def debit_request(
    tx: str,
    player: str,
    amount: str,
    currency: str = "USD",
    provider: str = PROVIDER,
    *,
    details: Mapping[str, Any] | None = None,
    event_time: datetime | None = None,
    **fields: Any,
) -> pb.DebitRequest:
    return pb.DebitRequest(
        provider=provider,
        transaction_id=tx,
        player_id=player,
        currency=currency,
        amount=amount,
        **_extras(details, event_time),
        **fields,
    )


def credit_request(
    tx: str,
    player: str,
    amount: str,
    currency: str = "USD",
    provider: str = PROVIDER,
    *,
    ref: str = "",
    details: Mapping[str, Any] | None = None,
    event_time: datetime | None = None,
    **fields: Any,
) -> pb.CreditRequest:
    return pb.CreditRequest(
        provider=provider,
        transaction_id=tx,
        player_id=player,
        currency=currency,
        amount=amount,
        reference_transaction_id=ref,
        **_extras(details, event_time),
        **fields,
    )


def rollback_request(
    tx: str,
    player: str,
    ref: str,
    currency: str = "USD",
    provider: str = PROVIDER,
    *,
    amount: str = "",
    reverse_payouts: bool = False,
    details: Mapping[str, Any] | None = None,
    event_time: datetime | None = None,
    **fields: Any,
) -> pb.RollbackRequest:
    return pb.RollbackRequest(
        provider=provider,
        transaction_id=tx,
        player_id=player,
        currency=currency,
        amount=amount,
        reference_transaction_id=ref,
        reverse_payouts=reverse_payouts,
        **_extras(details, event_time),
        **fields,
    )


async def debit(
    core: CoreHandle,
    tx: str,
    player: str,
    amount: str,
    currency: str = "USD",
    provider: str = PROVIDER,
    *,
    token: str | None = None,
    **kw: Any,
) -> pb.DebitResponse:
    answer: pb.DebitResponse = await core.stub.Debit(
        debit_request(tx, player, amount, currency, provider, **kw), metadata=auth(core, provider, token)
    )
    return answer


async def credit(
    core: CoreHandle,
    tx: str,
    player: str,
    amount: str,
    currency: str = "USD",
    provider: str = PROVIDER,
    *,
    token: str | None = None,
    **kw: Any,
) -> pb.CreditResponse:
    answer: pb.CreditResponse = await core.stub.Credit(
        credit_request(tx, player, amount, currency, provider, **kw), metadata=auth(core, provider, token)
    )
    return answer


async def rollback(
    core: CoreHandle,
    tx: str,
    player: str,
    ref: str,
    currency: str = "USD",
    provider: str = PROVIDER,
    *,
    token: str | None = None,
    **kw: Any,
) -> pb.RollbackResponse:
    answer: pb.RollbackResponse = await core.stub.Rollback(
        rollback_request(tx, player, ref, currency, provider, **kw), metadata=auth(core, provider, token)
    )
    return answer


async def credit_batch(
    core: CoreHandle, credits: Sequence[pb.CreditRequest], provider: str = PROVIDER, *, token: str | None = None
) -> pb.CreditBatchResponse:
    answer: pb.CreditBatchResponse = await core.stub.CreditBatch(
        pb.CreditBatchRequest(credits=credits), metadata=auth(core, provider, token)
    )
    return answer


async def get_transaction(
    core: CoreHandle,
    tx: str,
    provider: str = PROVIDER,
    kind: pb.TransactionKind.ValueType = pb.TRANSACTION_KIND_UNSPECIFIED,
    *,
    token: str | None = None,
) -> pb.GetTransactionResponse:
    answer: pb.GetTransactionResponse = await core.stub.GetTransaction(
        pb.GetTransactionRequest(provider=provider, transaction_id=tx, kind=kind), metadata=auth(core, provider, token)
    )
    return answer


async def list_transactions(
    core: CoreHandle,
    *,
    player: str = "",
    round_id: str = "",
    provider: str = "",
    page_size: int = 0,
    page_token: str = "",
    token: str | None = None,
) -> pb.ListTransactionsResponse:
    answer: pb.ListTransactionsResponse = await core.stub.ListTransactions(
        pb.ListTransactionsRequest(
            provider=provider, player_id=player, round_id=round_id, page_size=page_size, page_token=page_token
        ),
        metadata=bearer(token if token is not None else core.admin_token),
    )
    return answer


# --- refusals --------------------------------------------------------------------------------


def error_info(error: grpc.aio.AioRpcError) -> ErrorDetails:
    """Parse the google.rpc.Status trailing a refusal; it must carry exactly one ErrorInfo of
    domain wallet.v1 whose reason is an ErrorReason of the contract."""
    trailing = list(error.trailing_metadata() or ())
    raw = [value for key, value in trailing if key == DETAILS_KEY]
    assert len(raw) == 1, f"expected one {DETAILS_KEY}, got {trailing!r} ({error.code()}: {error.details()})"
    assert isinstance(raw[0], bytes)
    status = status_pb2.Status.FromString(raw[0])
    assert status.code == error.code().value[0]
    assert status.message == error.details()
    assert len(status.details) == 1, status
    info = error_details_pb2.ErrorInfo()
    assert status.details[0].Unpack(info), status.details[0].type_url
    assert info.domain == DOMAIN
    assert pb.ErrorReason.Value(f"ERROR_REASON_{info.reason}") != pb.ERROR_REASON_UNSPECIFIED
    return ErrorDetails(error.code(), info.reason, dict(info.metadata))


async def refused(call: Awaitable[object]) -> ErrorDetails:
    """Await a call that must be refused, and answer its ErrorInfo."""
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call
    return error_info(caught.value)


# --- the store ---------------------------------------------------------------------------------


async def rows(core: CoreHandle, query: Select[Any]) -> list[RowMapping]:
    """Run a query on the core's database, outside the core."""
    engine = create_engine(core.database_url, pool_size=1)
    try:
        async with engine.connect() as conn:
            return list((await conn.execute(query)).mappings())
    finally:
        await engine.dispose()


async def decide_hold(
    core: CoreHandle, tx: str | None, *, approve: bool, reason: str = "", actor: str = "cli:tester"
) -> Hold:
    """Approve or reject the pending hold of credit ``tx`` (None: the one pending), as ``wallet review`` does."""
    engine = create_engine(core.database_url, pool_size=1)
    try:
        review = Review(engine, {"USD": 2, "EUR": 2}, AdminAudit(engine))
        (hold,) = [hold for hold in await review.holds() if tx is None or hold.transaction_id == tx]
        if approve:
            return await review.approve(hold.id, actor)
        return await review.reject(hold.id, actor, reason)
    finally:
        await engine.dispose()


async def set_max_payout_multiple(core: CoreHandle, provider: str, multiple: int) -> None:
    """The limit a core's configuration writes when it starts (``holds``)."""
    await execute_sql(
        core, f"INSERT INTO payout_limits (provider, max_payout_multiple) VALUES ('{provider}', {multiple})"
    )


async def set_daily_budget(
    core: CoreHandle, provider: str, currency: str, minor_units: int, time_zone: str = "UTC"
) -> None:
    """The daily budget of credits with no bet a core's configuration writes when it starts (``holds``)."""
    await execute_sql(
        core,
        f"INSERT INTO credit_budgets (provider, currency, daily_budget, time_zone) "
        f"VALUES ('{provider}', '{currency}', {minor_units}, '{time_zone}')",
    )


async def execute_sql(core: CoreHandle, statement: str) -> None:
    engine = create_engine(core.database_url, pool_size=1)
    try:
        async with engine.begin() as conn:
            await conn.execute(text(statement))
    finally:
        await engine.dispose()


async def transaction_row(core: CoreHandle, tx: str, kind: str, provider: str = PROVIDER) -> dict[str, Any] | None:
    """A transaction's row, its ``raw_request`` as read back (packed or not: store.raw_requests)."""
    found = await rows(
        core,
        select(transactions).where(
            transactions.c.provider == provider, transactions.c.kind == kind, transactions.c.transaction_id == tx
        ),
    )
    assert len(found) <= 1
    if not found:
        return None
    return {**found[0], "raw_request": await stored_raw_request(core, provider, kind, tx)}


async def stored_raw_request(core: CoreHandle, provider: str, kind: str, tx: str) -> str | None:
    """The raw request the ledger keeps with a transaction, as it reads it back."""
    engine = create_engine(core.database_url, pool_size=1)
    try:
        async with engine.connect() as conn:
            return await queries.stored_raw_request(conn, provider, Kind(kind), tx)
    finally:
        await engine.dispose()


async def transaction_count(core: CoreHandle) -> int:
    return len(await rows(core, select(transactions.c.id)))


async def entries_of(core: CoreHandle, wallet_transaction_id: int) -> list[RowMapping]:
    return await rows(
        core, select(entries).where(entries.c.transaction_id == wallet_transaction_id).order_by(entries.c.id)
    )


async def entry_count(core: CoreHandle) -> int:
    return len(await rows(core, select(entries.c.id)))


async def check_ledger(core: CoreHandle) -> dict[tuple[str, str], int]:
    """Rule 9, checked from the rows: for every account its entries, in order, chain their
    balance_after from zero to the account's balance and their hashes from GENESIS to the
    account's chain head (``wallet_core.chain``); every entry belongs to a completed
    transaction (or is an opening balance) and every transaction's entries add up to its
    balance_change. Answers each account's balance in minor units by (player, currency)."""
    account_rows = await rows(core, select(accounts).order_by(accounts.c.id))
    entry_rows = await rows(core, select(entries).order_by(entries.c.id))
    tx_rows = {r["id"]: r for r in await rows(core, select(transactions))}
    balances: dict[tuple[str, str], int] = {}
    by_tx: dict[int, int] = {}
    for account in account_rows:
        running = 0
        head = chain.GENESIS
        for entry in (e for e in entry_rows if e["account_id"] == account["id"]):
            running += entry["amount"]
            assert entry["balance_after"] == running, (account["player_id"], entry)
            created = queries.utc(entry["created_at"])
            assert created is not None
            head = chain.entry_hash(head, account["id"], entry["transaction_id"], entry["amount"], running, created)
            assert entry["chain_hash"] == head, (account["player_id"], entry)
            if entry["transaction_id"] is None:  # only the opening balance has no transaction
                assert running == entry["amount"], entry
            else:
                by_tx[entry["transaction_id"]] = by_tx.get(entry["transaction_id"], 0) + entry["amount"]
        assert account["balance"] == running, (account["player_id"], account["balance"], running)
        assert account["chain_head"] == head, (account["player_id"], "the chain head is not its last entry's")
        balances[(account["player_id"], account["currency"])] = running
    for tx_id, tx in tx_rows.items():
        if tx["status"] == "completed":
            assert by_tx.get(tx_id, 0) == tx["balance_change"], tx
        else:
            assert tx_id not in by_tx, tx
            assert tx["balance_change"] == 0, tx
    assert set(by_tx) <= set(tx_rows)
    await check_outbox(core)
    return balances


async def check_outbox(core: CoreHandle) -> None:
    """The outbox (no relay running): exactly one event per committed transaction (completed or
    tombstone), none for a refusal; one account's events in one partition, in the order of its
    transactions."""
    tx_rows = {r["id"]: r for r in await rows(core, select(transactions))}
    events = await rows(core, select(outbox).order_by(outbox.c.id))
    evented = [e["transaction_row_id"] for e in events]
    committed = sorted(i for i, tx in tx_rows.items() if tx["status"] != "failed")
    assert sorted(evented) == committed, "not one event per committed transaction"
    account_ids = {(a["player_id"], a["currency"]): a["id"] for a in await rows(core, select(accounts))}

    def account_of(tx: RowMapping) -> int:
        return int(tx["account_id"] or account_ids.get((tx["player_id"], tx["currency"]), 0))

    for event in events:
        assert event["partition"] == account_of(tx_rows[event["transaction_row_id"]]) % OUTBOX_PARTITIONS, event
    by_account: dict[int, list[int]] = {}
    for event in events:
        by_account.setdefault(account_of(tx_rows[event["transaction_row_id"]]), []).append(event["transaction_row_id"])
    for order in by_account.values():
        assert order == sorted(order), "an account's events out of its transactions' order"
