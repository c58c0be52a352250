"""The constant-arrival schedule: requests due at i / rate, each sent without waiting for the earlier
ones to be answered (no timing assertions: the machine is shared)."""

from __future__ import annotations

import asyncio

import pytest

from bench.arrival import aigame_paced_task, due_times, paced


def test_requests_are_due_at_a_constant_rate() -> None:
    assert due_times(4.0, 5) == [0.0, 0.25, 0.5, 0.75, 1.0]
    with pytest.raises(ValueError):
        due_times(0.0, 3)


async def test_a_request_is_sent_on_schedule_while_earlier_ones_are_unanswered() -> None:
    """A closed loop would wait for the first answer forever; here every request is sent, in order,
    each with its due time, while none is answered yet."""
    count, sent = 20, []
    all_sent = asyncio.Event()

    async def send(i: int, due: float) -> None:
        sent.append((i, due))
        if len(sent) == count:
            all_sent.set()
        await all_sent.wait()  # no answer until every request has gone out

    elapsed, cpu, late = await asyncio.wait_for(paced(1000.0, count, send), timeout=30)
    assert [i for i, _ in sent] == list(range(count))
    dues = [due for _, due in sent]
    assert dues == sorted(dues)
    assert abs((dues[-1] - dues[0]) - (count - 1) / 1000.0) < 1e-6  # the schedule's own times, not when sent
    assert elapsed >= 0 and cpu >= 0 and 0 <= late <= count


async def test_no_request_is_sent_after_the_case_s_seconds() -> None:
    sent: list[int] = []

    async def send(i: int, due: float) -> None:
        sent.append(i)

    await paced(100.0, 1_000, send, max_seconds=0.05)
    assert len(sent) == 6  # due at 0, 0.01 ... 0.05


def test_a_paced_task_asks_for_rate_times_seconds_bets_with_their_payouts() -> None:
    task = aigame_paced_task("a", "127.0.0.1:1", "/bet", "/payout", players=10, rate=50.0, seconds=2.0, pool=8)
    assert task["kind"] == "aigame-paced"
    assert task["requests"] == 200 and task["rate"] == 50.0 and task["concurrency"] == 8
