"""The outbox as relays see it, through a real core (OutboxService) on each store: leases of
partitions, events in order, acknowledgements, expiry, the relay client's scope, the backlog."""

from __future__ import annotations

import asyncio

import grpc
import pytest

from tests.support.core import ADMIN_TOKEN, RELAY_TOKEN, CoreHandle, bearer, token_for
from tests.wallet_core.helpers import PROVIDER, credit, debit, refused, rollback
from wallet.v1 import events_pb2, events_pb2_grpc
from wallet.v1 import wallet_pb2 as pb
from wallet_core.outbox import BACKLOG, OLDEST_AGE, Outbox
from wallet_core.store.database import create_engine


def outbox_stub(core: CoreHandle) -> events_pb2_grpc.OutboxServiceStub:
    return events_pb2_grpc.OutboxServiceStub(core.channel)


async def lease(
    core: CoreHandle, relay: str, max_events: int = 0, lease_seconds: int = 0, token: str = RELAY_TOKEN
) -> list[events_pb2.TransactionEvent]:
    answer = await outbox_stub(core).LeaseEvents(
        events_pb2.LeaseEventsRequest(relay=relay, max_events=max_events, lease_seconds=lease_seconds),
        metadata=bearer(token),
    )
    return list(answer.events)


async def ack(core: CoreHandle, relay: str, events: list[events_pb2.TransactionEvent]) -> int:
    answer = await outbox_stub(core).AckEvents(
        events_pb2.AckEventsRequest(relay=relay, sequences=[e.sequence for e in events]), metadata=bearer(RELAY_TOKEN)
    )
    return int(answer.acknowledged)


async def test_a_relay_leases_every_committed_transaction_in_order_and_acknowledges_it(core: CoreHandle) -> None:
    await core.open_account("p1", "USD", "100")
    await debit(core, "b1", "p1", "10")
    await credit(core, "w1", "p1", "19.50", ref="b1")
    await debit(core, "b2", "p1", "5")
    await rollback(core, "c2", "p1", "b2")
    await rollback(core, "c9", "p1", "ghost")  # a tombstone
    await refused(debit(core, "b3", "p1", "1000"))  # a refusal: no event
    events = await lease(core, "relay-a")
    kinds = [(e.transaction.transaction_id, e.transaction.kind, e.transaction.status) for e in events]
    assert kinds == [
        ("b1", pb.TRANSACTION_KIND_DEBIT, pb.TRANSACTION_STATUS_COMPLETED),
        ("w1", pb.TRANSACTION_KIND_CREDIT, pb.TRANSACTION_STATUS_COMPLETED),
        ("b2", pb.TRANSACTION_KIND_DEBIT, pb.TRANSACTION_STATUS_COMPLETED),
        ("c2", pb.TRANSACTION_KIND_ROLLBACK, pb.TRANSACTION_STATUS_COMPLETED),
        ("c9", pb.TRANSACTION_KIND_ROLLBACK, pb.TRANSACTION_STATUS_TOMBSTONE),
    ]
    assert [e.sequence for e in events] == sorted(e.sequence for e in events)
    first = events[0].transaction
    assert (first.provider, first.player_id, first.currency, first.amount, first.balance_after) == (
        PROVIDER,
        "p1",
        "USD",
        "10.00",
        "90.00",
    )
    assert first.bet.state == pb.BET_STATE_SETTLED and first.HasField("created_at")
    assert await ack(core, "relay-a", events[:2]) == 2
    rest = await lease(core, "relay-a")
    assert [e.sequence for e in rest] == [e.sequence for e in events[2:]]
    assert await ack(core, "relay-a", rest) == 3
    assert await ack(core, "relay-a", rest) == 0  # acknowledged twice: nothing left to remove
    assert await lease(core, "relay-a") == []


async def test_another_relay_waits_for_a_leased_partition_until_it_is_acknowledged_or_expires(
    core: CoreHandle,
) -> None:
    await core.open_account("p1", "USD", "100")
    await debit(core, "b1", "p1", "1")
    held = await lease(core, "relay-a", lease_seconds=1)
    assert len(held) == 1
    assert await lease(core, "relay-b") == []  # p1's partition is relay-a's
    await asyncio.sleep(1.2)  # relay-a died: its lease expires
    taken = await lease(core, "relay-b")
    assert [e.sequence for e in taken] == [held[0].sequence]  # published again: NATS drops the repeat
    assert await ack(core, "relay-b", taken) == 1
    await debit(core, "b2", "p1", "1")
    assert len(await lease(core, "relay-a")) == 1  # released by the acknowledgement: anyone's again


async def test_a_batch_is_bounded_and_two_relays_lease_different_accounts(core: CoreHandle) -> None:
    players = [f"p{n}" for n in range(8)]
    await asyncio.gather(*(core.open_account(p, "USD", "100") for p in players))

    async def three_bets(player: str) -> None:  # one after another: an account's order is known
        for n in range(3):
            await debit(core, f"b{player}-{n}", player, "1")

    await asyncio.gather(*(three_bets(p) for p in players))
    a, b = await asyncio.gather(lease(core, "relay-a", max_events=10), lease(core, "relay-b", max_events=100))
    assert len(a) <= 10
    accounts_a = {e.transaction.player_id for e in a}
    accounts_b = {e.transaction.player_id for e in b}
    assert accounts_a.isdisjoint(accounts_b)
    for events in (a, b):
        for player in {e.transaction.player_id for e in events}:
            ids = [e.transaction.transaction_id for e in events if e.transaction.player_id == player]
            assert ids == sorted(ids)[: len(ids)] and ids[0].endswith("-0")  # an account's oldest first


@pytest.mark.parametrize("token", [ADMIN_TOKEN, token_for(PROVIDER)])
async def test_only_a_relay_client_may_lease_events(core: CoreHandle, token: str) -> None:
    denied = await refused(lease(core, "relay-a", token=token))
    assert denied.reason == "PERMISSION_DENIED"


async def test_a_relay_client_may_not_move_money_or_read_accounts(core: CoreHandle) -> None:
    await core.open_account("p1", "USD", "100")
    denied = await refused(debit(core, "b1", "p1", "1", token=RELAY_TOKEN))
    assert denied.reason == "PERMISSION_DENIED"
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await core.stub.GetBalance(
            pb.GetBalanceRequest(provider=PROVIDER, player_id="p1", currency="USD"), metadata=bearer(RELAY_TOKEN)
        )
    assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED


async def test_a_lease_needs_the_relays_name(core: CoreHandle) -> None:
    assert (await refused(lease(core, ""))).reason == "INVALID_ARGUMENT"


async def test_the_backlog_metric_counts_the_events_waiting_and_the_oldest_ones_age(core: CoreHandle) -> None:
    await core.open_account("p1", "USD", "100")
    await debit(core, "b1", "p1", "1")
    await debit(core, "b2", "p1", "1")
    engine = create_engine(core.database_url, pool_size=1)
    try:
        count, age = await Outbox(engine).measure_backlog()
        assert count == 2 and age >= 0
        assert BACKLOG._value.get() == 2 and OLDEST_AGE._value.get() == age
        await ack(core, "relay-a", await lease(core, "relay-a"))
        assert await Outbox(engine).measure_backlog() == (0, 0.0)
    finally:
        await engine.dispose()
