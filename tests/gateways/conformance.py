"""The conformance suite every gateway passes: the money rules as a provider sees them over HTTP.

A gateway plugs in with a small adapter that knows its dialect (how to send a signed balance,
bet, payout and cancel, how to spoil a signature, how to send each bad input, how to read an
answer) and a test class:

    class TestHRGConformance(GatewayConformance):
        @pytest.fixture
        def adapter(self, hrg: HRG) -> GatewayAdapter:   # built over the `core` fixture
            return HRGAdapter(hrg)

Every test then runs end to end (HTTP -> gateway -> real core -> each store) and checks the money
with the core itself (`core.balance`), not with what the gateway answers.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol

import pytest

from tests.support.core import CoreHandle

# The bad inputs every dialect is checked against. An adapter's ExpectedCodes.bad_input names the
# code its dialect answers for each; a case it leaves out is skipped as not applicable to it.
BAD_INPUTS = (
    "malformed_json",
    "not_an_object",
    "missing_field",
    "mistyped_field",
    "negative_amount",
    "over_precise_amount",
    "exponent_amount",
    "nan_amount",
    "unknown_currency",
    "stale_timestamp",
    "bad_signature",
    "unknown_agent",
    "oversized_body",
)

OPENING_BALANCE = Decimal("100.00")
STAKE = "10.00"
WIN = "19.50"


@dataclass(frozen=True)
class Outcome:
    """A dialect answer, read by the adapter."""

    ok: bool
    code: str
    balance: Decimal | None = None
    """The balance the answer carries, when the dialect's answer has one."""


@dataclass(frozen=True)
class ExpectedCodes:
    """The dialect's codes for the suite's failures (as text: "600100", "1038")."""

    bad_signature: str
    unknown_bet: str
    """A payout for a bet the wallet never saw (the provider must retry, never a success)."""
    bet_after_cancel: str
    """A bet whose id was cancelled before it arrived."""
    payout_after_cancel: str
    bad_input: Mapping[str, str] = field(default_factory=dict)


class GatewayAdapter(Protocol):
    """How the suite speaks one dialect. Amounts are decimal strings in the wallet's currency."""

    currency: str
    """The wallet currency of the suite's players (its scale must allow STAKE and WIN)."""
    codes: ExpectedCodes

    def wallet_player_id(self, user_id: str) -> str: ...

    async def balance(self, user_id: str) -> Outcome: ...

    async def bet(self, user_id: str, bet_id: str, amount: str, *, bad_signature: bool = False) -> Outcome: ...

    async def payout(
        self, user_id: str, bet_id: str, amount: str, *, bad_signature: bool = False, bare: bool = False
    ) -> Outcome:
        """`bare`: the payout with every field the money does not depend on left out (round, table,
        game, times other than the authenticating one, results, odds, details)."""
        ...

    async def cancel(
        self, user_id: str, bet_id: str, amount: str, *, bad_signature: bool = False, bare: bool = False
    ) -> Outcome:
        """`bare`: as for payout."""
        ...

    async def bad_input(self, case: str, user_id: str, bet_id: str, amount: str) -> Outcome:
        """Send the bet `bet_id` spoilt as `case` says (only called for cases in codes.bad_input)."""
        ...


def new_id() -> str:
    return uuid.uuid4().hex[:20]


class GatewayConformance:
    """The suite. Not collected itself (no Test prefix); subclass it and provide `adapter`."""

    async def _player(self, core: CoreHandle, adapter: GatewayAdapter) -> str:
        user_id = f"c{uuid.uuid4().hex[:12]}"
        await core.open_account(adapter.wallet_player_id(user_id), adapter.currency, str(OPENING_BALANCE))
        return user_id

    async def _money(self, core: CoreHandle, adapter: GatewayAdapter, user_id: str) -> Decimal:
        return await core.balance(adapter.wallet_player_id(user_id), adapter.currency)

    async def test_balance_answers_the_wallet_balance(self, core: CoreHandle, adapter: GatewayAdapter) -> None:
        user = await self._player(core, adapter)
        answer = await adapter.balance(user)
        assert answer.ok, answer
        assert answer.balance == OPENING_BALANCE

    async def test_bet_with_bad_signature_is_refused_and_moves_nothing(
        self, core: CoreHandle, adapter: GatewayAdapter
    ) -> None:
        user = await self._player(core, adapter)
        bet = new_id()
        answer = await adapter.bet(user, bet, STAKE, bad_signature=True)
        assert (answer.ok, answer.code) == (False, adapter.codes.bad_signature)
        assert await self._money(core, adapter, user) == OPENING_BALANCE
        # Nothing was recorded under the id: the genuine bet still goes through.
        assert (await adapter.bet(user, bet, STAKE)).ok
        assert await self._money(core, adapter, user) == OPENING_BALANCE - Decimal(STAKE)

    async def test_payout_with_bad_signature_is_refused_and_moves_nothing(
        self, core: CoreHandle, adapter: GatewayAdapter
    ) -> None:
        user = await self._player(core, adapter)
        bet = new_id()
        assert (await adapter.bet(user, bet, STAKE)).ok
        answer = await adapter.payout(user, bet, WIN, bad_signature=True)
        assert (answer.ok, answer.code) == (False, adapter.codes.bad_signature)
        assert await self._money(core, adapter, user) == OPENING_BALANCE - Decimal(STAKE)

    async def test_cancel_with_bad_signature_is_refused_and_moves_nothing(
        self, core: CoreHandle, adapter: GatewayAdapter
    ) -> None:
        user = await self._player(core, adapter)
        bet = new_id()
        assert (await adapter.bet(user, bet, STAKE)).ok
        answer = await adapter.cancel(user, bet, STAKE, bad_signature=True)
        assert (answer.ok, answer.code) == (False, adapter.codes.bad_signature)
        assert await self._money(core, adapter, user) == OPENING_BALANCE - Decimal(STAKE)

    async def test_duplicate_bet_answers_the_original_result_and_debits_once(
        self, core: CoreHandle, adapter: GatewayAdapter
    ) -> None:
        user = await self._player(core, adapter)
        bet = new_id()
        first = await adapter.bet(user, bet, STAKE)
        again = await adapter.bet(user, bet, STAKE)
        assert first.ok and again.ok, (first, again)
        assert again.balance == first.balance
        assert await self._money(core, adapter, user) == OPENING_BALANCE - Decimal(STAKE)

    async def test_concurrent_duplicate_bets_debit_once(self, core: CoreHandle, adapter: GatewayAdapter) -> None:
        user = await self._player(core, adapter)
        bet = new_id()
        answers = await asyncio.gather(*(adapter.bet(user, bet, STAKE) for _ in range(5)))
        assert all(answer.ok for answer in answers), answers
        assert await self._money(core, adapter, user) == OPENING_BALANCE - Decimal(STAKE)

    async def test_duplicate_payout_answers_the_original_result_and_pays_once(
        self, core: CoreHandle, adapter: GatewayAdapter
    ) -> None:
        user = await self._player(core, adapter)
        bet = new_id()
        assert (await adapter.bet(user, bet, STAKE)).ok
        first = await adapter.payout(user, bet, WIN)
        again = await adapter.payout(user, bet, WIN)
        assert first.ok and again.ok, (first, again)
        assert again.balance == first.balance
        assert await self._money(core, adapter, user) == OPENING_BALANCE - Decimal(STAKE) + Decimal(WIN)

    async def test_duplicate_cancel_succeeds_and_refunds_once(self, core: CoreHandle, adapter: GatewayAdapter) -> None:
        user = await self._player(core, adapter)
        bet = new_id()
        assert (await adapter.bet(user, bet, STAKE)).ok
        first = await adapter.cancel(user, bet, STAKE)
        again = await adapter.cancel(user, bet, STAKE)
        assert first.ok and again.ok, (first, again)
        assert await self._money(core, adapter, user) == OPENING_BALANCE

    async def test_payout_with_only_its_money_fields_is_applied_once(
        self, core: CoreHandle, adapter: GatewayAdapter
    ) -> None:
        user = await self._player(core, adapter)
        bet = new_id()
        assert (await adapter.bet(user, bet, STAKE)).ok
        first = await adapter.payout(user, bet, WIN, bare=True)
        again = await adapter.payout(user, bet, WIN, bare=True)
        assert first.ok and again.ok, (first, again)
        assert await self._money(core, adapter, user) == OPENING_BALANCE - Decimal(STAKE) + Decimal(WIN)

    async def test_cancel_with_only_its_money_fields_is_applied_once(
        self, core: CoreHandle, adapter: GatewayAdapter
    ) -> None:
        user = await self._player(core, adapter)
        bet = new_id()
        assert (await adapter.bet(user, bet, STAKE)).ok
        first = await adapter.cancel(user, bet, STAKE, bare=True)
        again = await adapter.cancel(user, bet, STAKE, bare=True)
        assert first.ok and again.ok, (first, again)
        assert await self._money(core, adapter, user) == OPENING_BALANCE

    async def test_payout_for_unknown_bet_is_refused_and_moves_nothing(
        self, core: CoreHandle, adapter: GatewayAdapter
    ) -> None:
        user = await self._player(core, adapter)
        answer = await adapter.payout(user, new_id(), WIN)
        assert (answer.ok, answer.code) == (False, adapter.codes.unknown_bet)
        assert await self._money(core, adapter, user) == OPENING_BALANCE

    async def test_cancel_before_bet_succeeds_and_the_late_bet_is_refused(
        self, core: CoreHandle, adapter: GatewayAdapter
    ) -> None:
        user = await self._player(core, adapter)
        bet = new_id()
        cancel = await adapter.cancel(user, bet, STAKE)
        assert cancel.ok, cancel
        late = await adapter.bet(user, bet, STAKE)
        assert (late.ok, late.code) == (False, adapter.codes.bet_after_cancel)
        assert await self._money(core, adapter, user) == OPENING_BALANCE

    async def test_payout_after_cancel_is_refused(self, core: CoreHandle, adapter: GatewayAdapter) -> None:
        user = await self._player(core, adapter)
        bet = new_id()
        assert (await adapter.bet(user, bet, STAKE)).ok
        assert (await adapter.cancel(user, bet, STAKE)).ok
        answer = await adapter.payout(user, bet, WIN)
        assert (answer.ok, answer.code) == (False, adapter.codes.payout_after_cancel)
        assert await self._money(core, adapter, user) == OPENING_BALANCE

    @pytest.mark.parametrize("case", BAD_INPUTS)
    async def test_bad_input_is_answered_in_the_dialect_and_moves_nothing(
        self, core: CoreHandle, adapter: GatewayAdapter, case: str
    ) -> None:
        expected = adapter.codes.bad_input.get(case)
        if expected is None:
            pytest.skip(f"{case} does not apply to this dialect")
        user = await self._player(core, adapter)
        bet = new_id()
        answer = await adapter.bad_input(case, user, bet, STAKE)
        assert (answer.ok, answer.code) == (False, expected)
        assert await self._money(core, adapter, user) == OPENING_BALANCE
        # Nothing was decided under the id: the well-formed bet still goes through, once.
        assert (await adapter.bet(user, bet, STAKE)).ok
        assert await self._money(core, adapter, user) == OPENING_BALANCE - Decimal(STAKE)
