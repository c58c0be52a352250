"""What the round scripts need from a provider that takes bets and pays or cancels them (AIGame, HRG),
and the helpers every dialect shares: amounts on the wire, and reading a code off an answer."""

from __future__ import annotations

from collections.abc import Collection
from decimal import Decimal
from typing import Protocol

from faults.answers import TRANSPORT_CODES, Answer, Verdict
from faults.oplog import Operation, Round
from faults.wire import Reply


class BetDialect(Protocol):
    provider: str
    id_prefix: str
    reverses_settled: bool
    """Whether the provider may cancel a bet it already paid (AIGame refund status 1)."""

    async def bet(self, r: Round, op: Operation) -> Answer: ...

    async def settle(self, r: Round, op: Operation) -> Answer: ...

    async def cancel(self, r: Round, op: Operation) -> Answer: ...


def money(amount: Decimal) -> str:
    return f"{amount:.2f}"


def judge(
    reply: Reply,
    code_field: str,
    success: object,
    *,
    refused: Collection[object] = (),
    retryable: Collection[object] = (),
) -> Answer:
    """The verdict on a reply: `success` acknowledges; a code in `refused` is a decided refusal; anything
    else is retried. Codes outside `retryable` (and refusals: the simulator never asks for one) are
    marked unexpected. A reply without a body is retried: expected under faults when the wire failed
    (nothing listening, the connection cut, a timeout), never when the gateway answered something
    other than its dialect (an HTTP error status, not JSON)."""
    if reply.body is None:
        return Answer(Verdict.RETRY, reply.problem, reply.seconds, expected=reply.problem in TRANSPORT_CODES)
    code = reply.body.get(code_field)
    if code == success:
        return Answer(Verdict.OK, str(code), reply.seconds)
    if code in refused:
        return Answer(Verdict.REFUSED, str(code), reply.seconds, expected=False)
    return Answer(Verdict.RETRY, str(code), reply.seconds, expected=code in retryable)
