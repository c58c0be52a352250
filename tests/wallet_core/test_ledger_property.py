"""Random sequences of money requests against a plain in-memory model of the rules.

Hypothesis draws a list of operations (bets, payouts against known and unknown bets,
cancels with and without reverse_payouts or an amount, exact retries of earlier requests
with the amount spelled otherwise, and altered repeats); each is sent to a real core over
gRPC and its answer (success / replay / reason, balance_after, balance_change, status) and
the player's balance are compared with the model after every step. At the end of each
example the ledger's rows must satisfy rule 9.

Hypothesis does not run ``async def`` tests, and the session event loop of pytest-asyncio
is not running inside a sync test: the core therefore runs on its own event loop in a
thread (``LoopThread``), and each example is one coroutine submitted to it.
"""

from __future__ import annotations

import asyncio
import itertools
import threading
from collections.abc import Coroutine, Iterator
from contextlib import AsyncExitStack
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any, TypeVar

import grpc
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.core import CoreHandle, running_core
from tests.wallet_core.helpers import check_ledger, credit, debit, error_info, rollback
from wallet.v1 import wallet_pb2 as pb

T = TypeVar("T")
OPENING = 10_000  # 100.00 USD in cents


class LoopThread:
    """An event loop of its own, in a thread: run coroutines on it from sync code."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="property-core", daemon=True)
        self.thread.start()

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=120)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=30)
        self.loop.close()


# --- requests and the model --------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    kind: str  # debit | credit | rollback
    tx: str
    amount: int | None  # cents; None: a rollback without an amount
    ref: str = ""
    reverse: bool = False
    spelling: int = 0

    def fingerprint(self) -> tuple[str, int | None, str, bool]:
        return (self.kind, self.amount, self.ref, self.reverse)


def spell(cents: int, spelling: int) -> str:
    """The same amount written three ways: "12.50", "12.5", "12.5000"."""
    whole, part = divmod(cents, 100)
    if spelling == 0:
        return f"{whole}.{part:02d}"
    if spelling == 1:
        return str(whole) if part == 0 else f"{whole}.{part:02d}".rstrip("0")
    return f"{whole}.{part:02d}00"


def usd(cents: int | None) -> str:
    if cents is None:
        return ""
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    return f"{sign}{whole}.{part:02d}"


# An answer, as comparable tuples:
#   ("ok", replay, status, balance_change, balance_after)
#   ("refused", reason, replay metadata or "" when the refusal is not stored)
Answer = tuple[Any, ...]


@dataclass
class ModelBet:
    state: str  # placed | settled | cancelled | tombstone
    stake: int
    payout: int = 0


@dataclass
class Model:
    """The rules of shared/wallet-rules.md for one player's USD account, in plain Python."""

    balance: int = OPENING
    stored: dict[tuple[str, str], tuple[tuple[str, int | None, str, bool], Answer]] = field(default_factory=dict)
    bets: dict[str, ModelBet] = field(default_factory=dict)

    def apply(self, request: Request) -> Answer:
        key = (request.kind, request.tx)
        if key in self.stored:
            fingerprint, answer = self.stored[key]
            if fingerprint != request.fingerprint():
                return ("refused", "IDEMPOTENCY_CONFLICT", "")
            return ("ok", True, *answer[2:]) if answer[0] == "ok" else ("refused", answer[1], "true")
        handler = {"debit": self._debit, "credit": self._credit, "rollback": self._rollback}[request.kind]
        answer, stored = handler(request)
        if stored:
            self.stored[key] = (request.fingerprint(), answer)
        return answer

    def _ok(
        self, change: int, *, moved: bool = True, status: int = pb.TRANSACTION_STATUS_COMPLETED
    ) -> tuple[Answer, bool]:
        return ("ok", False, status, usd(change), usd(self.balance) if moved else ""), True

    @staticmethod
    def _decided(reason: str) -> tuple[Answer, bool]:
        return ("refused", reason, "false"), True

    @staticmethod
    def _undecided(reason: str) -> tuple[Answer, bool]:
        return ("refused", reason, ""), False

    def _debit(self, request: Request) -> tuple[Answer, bool]:
        assert request.amount is not None
        if request.tx in self.bets:  # only a cancel makes a bet before its debit: a tombstone
            return self._decided("ALREADY_ROLLED_BACK")
        if self.balance < request.amount:
            return self._decided("INSUFFICIENT_FUNDS")
        self.balance -= request.amount
        self.bets[request.tx] = ModelBet("placed", request.amount)
        return self._ok(-request.amount)

    def _credit(self, request: Request) -> tuple[Answer, bool]:
        assert request.amount is not None
        if request.ref:
            bet = self.bets.get(request.ref)
            if bet is None:
                return self._undecided("TRANSACTION_NOT_FOUND")
            if bet.state in ("cancelled", "tombstone"):
                return self._decided("ALREADY_ROLLED_BACK")
            bet.state = "settled"
            bet.payout += request.amount
        self.balance += request.amount
        return self._ok(request.amount)

    def _rollback(self, request: Request) -> tuple[Answer, bool]:
        bet = self.bets.get(request.ref)
        if bet is None:
            self.bets[request.ref] = ModelBet("tombstone", request.amount or 0)
            return self._ok(0, moved=False, status=pb.TRANSACTION_STATUS_TOMBSTONE)
        if request.amount is not None and bet.state != "tombstone" and request.amount != bet.stake:
            return self._undecided("AMOUNT_MISMATCH")
        if bet.state == "tombstone":
            return self._ok(0, moved=False, status=pb.TRANSACTION_STATUS_TOMBSTONE)
        if bet.state == "cancelled":
            return self._ok(0, moved=False)
        if bet.state == "settled" and not request.reverse:
            return self._decided("ALREADY_SETTLED")
        change = bet.stake - (bet.payout if request.reverse else 0)
        self.balance += change
        bet.state = "cancelled"
        return self._ok(change)


# --- operations ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bet:
    bet: int


@dataclass(frozen=True)
class Payout:
    win: int
    bet: int | None
    amount: int


@dataclass(frozen=True)
class Cancel:
    cancel: int
    bet: int
    reverse: bool
    amount: int | None


@dataclass(frozen=True)
class Retry:
    """Resend an earlier request exactly (its amount possibly spelled otherwise)."""

    index: int
    spelling: int


@dataclass(frozen=True)
class Alter:
    """Resend an earlier request's id with another amount."""

    index: int


Operation = Bet | Payout | Cancel | Retry | Alter

AMOUNTS = st.sampled_from([0, 1, 250, 1000, 2550, 5000, 12000])
# One stake per bet id, so that most repeats of a bet are retries rather than conflicts (Alter
# makes those); 12000 is more than the opening balance until something is won.
STAKES = (2550, 5000, 12000, 0)
BETS = st.integers(0, len(STAKES) - 1)
OPERATIONS = st.lists(
    st.one_of(
        st.builds(Bet, bet=BETS),
        st.builds(Payout, win=st.integers(0, 2), bet=st.one_of(BETS, BETS, BETS, st.none()), amount=AMOUNTS),
        st.builds(
            Cancel,
            cancel=st.integers(0, 1),
            bet=BETS,
            reverse=st.booleans(),
            amount=st.none() | st.sampled_from([*STAKES, 1]),
        ),
        st.builds(Retry, index=st.integers(0, 1000), spelling=st.integers(0, 2)),
        st.builds(Alter, index=st.integers(0, 1000)),
    ),
    min_size=15,
    max_size=40,
)


def to_request(prefix: str, operation: Operation, history: list[Request]) -> Request | None:
    match operation:
        case Bet(bet=bet):
            return Request("debit", f"{prefix}b{bet}", STAKES[bet])
        case Payout(win=win, bet=None, amount=amount):
            return Request("credit", f"{prefix}bonus{win}", amount)
        case Payout(win=win, bet=bet, amount=amount):  # payout ids follow their bet's, as most dialects do
            return Request("credit", f"{prefix}w{bet}.{win}", amount, ref=f"{prefix}b{bet}")
        case Cancel(cancel=cancel, bet=bet, reverse=reverse, amount=amount):
            return Request("rollback", f"{prefix}c{bet}.{cancel}", amount, ref=f"{prefix}b{bet}", reverse=reverse)
        case Retry(index=index, spelling=spelling):
            return replace(history[index % len(history)], spelling=spelling) if history else None
        case Alter(index=index):
            if not history:
                return None
            earlier = history[index % len(history)]
            return replace(earlier, amount=(earlier.amount or 0) + 1)
    raise AssertionError(operation)


async def send(core: CoreHandle, player: str, request: Request) -> Answer:
    amount = "" if request.amount is None else spell(request.amount, request.spelling)
    try:
        if request.kind == "debit":
            answer: Any = await debit(core, request.tx, player, amount)
        elif request.kind == "credit":
            answer = await credit(core, request.tx, player, amount, ref=request.ref)
        else:
            answer = await rollback(
                core, request.tx, player, request.ref, amount=amount, reverse_payouts=request.reverse
            )
    except grpc.aio.AioRpcError as error:
        refusal = error_info(error)
        return ("refused", refusal.reason, refusal.metadata.get("replay", ""))
    tx = answer.transaction
    return ("ok", answer.replay, tx.status, tx.balance_change, tx.balance_after)


async def run_example(core: CoreHandle, prefix: str, operations: list[Operation]) -> None:
    player = f"{prefix}player"
    await core.open_account(player, "USD", usd(OPENING))
    model = Model()
    history: list[Request] = []
    for step, operation in enumerate(operations):
        request = to_request(prefix, operation, history)
        if request is None:
            continue
        history.append(request)
        expected = model.apply(request)
        got = await send(core, player, request)
        assert got == expected, (step, request, model)
        assert await core.balance(player, "USD") * 100 == model.balance, (step, request)
    balances = await check_ledger(core)
    assert balances[(player, "USD")] == model.balance


def _check_with_random_sequences(database_url: str, max_examples: int) -> None:
    runner = LoopThread()
    stack = AsyncExitStack()
    try:
        core = runner.run(stack.enter_async_context(running_core(database_url)))
        examples: Iterator[int] = itertools.count()

        @settings(max_examples=max_examples, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
        @given(operations=OPERATIONS)
        def check(operations: list[Operation]) -> None:
            runner.run(run_example(core, f"e{next(examples)}-", operations))

        check()
    finally:
        try:
            runner.run(stack.aclose())
        finally:
            runner.close()


def test_random_sequences_follow_the_model(database_url: str) -> None:
    # SQLite gets the longer run; PostgreSQL a shorter one of the same operations.
    _check_with_random_sequences(database_url, max_examples=25 if database_url.startswith("sqlite") else 10)


@pytest.mark.parametrize("spelling", [0, 1, 2])
def test_spellings_are_one_amount(spelling: int) -> None:
    for cents in (0, 1, 250, 1000, 2550, 12000):
        assert Decimal(spell(cents, spelling)) * 100 == cents
