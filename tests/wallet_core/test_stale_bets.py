"""ListStaleBets and RecordReconciliation: the core's side of wallet_reconcile, over real gRPC."""

from __future__ import annotations

from grpc import StatusCode as Code

from tests.support.core import CoreHandle, bearer
from tests.wallet_core.helpers import credit, debit, refused, rollback
from wallet.v1 import wallet_pb2 as pb
from wallet_core.audit import AdminAudit
from wallet_core.store.database import create_engine

PROVIDER = "tests"


async def _stale(core: CoreHandle, token: str, **fields: object) -> pb.ListStaleBetsResponse:
    request = pb.ListStaleBetsRequest(provider=fields.pop("provider", PROVIDER), **fields)  # type: ignore[arg-type]
    answer: pb.ListStaleBetsResponse = await core.stub.ListStaleBets(request, metadata=bearer(token))
    return answer


async def test_only_bets_still_placed_and_old_enough_are_listed_oldest_first_in_pages(core: CoreHandle) -> None:
    await core.open_account("p1", "USD", "100")
    for bet_id in ("b1", "b2", "b3", "b4", "b5"):
        await debit(core, bet_id, "p1", "1.50", round_id=f"r-{bet_id}", game_id="101", table_id="t9")
    await credit(core, "b2", "p1", "3", ref="b2")
    await rollback(core, "b3", "p1", "b3")
    token = core.reconcile_token_for(PROVIDER)
    first = await _stale(core, token, page_size=2)
    assert [b.transaction_id for b in first.bets] == ["b1", "b4"]
    assert first.next_page_token
    bet = first.bets[0]
    assert (bet.player_id, bet.currency, bet.stake, bet.round_id, bet.game_id, bet.table_id) == (
        "p1",
        "USD",
        "1.50",
        "r-b1",
        "101",
        "t9",
    )
    assert bet.placed_at.seconds > 0
    second = await _stale(core, token, page_size=2, page_token=first.next_page_token)
    assert ([b.transaction_id for b in second.bets], second.next_page_token) == (["b5"], "")
    assert not (await _stale(core, token, older_than_seconds=3600)).bets
    assert not (await _stale(core, core.admin_token, provider="aigame")).bets


async def test_only_admins_and_the_providers_reconcile_clients_may_list_or_record(core: CoreHandle) -> None:
    gateway = refused(_stale(core, core.token_for(PROVIDER)))
    assert (await gateway).reason == "PERMISSION_DENIED"
    other = refused(_stale(core, core.reconcile_token_for("aigame")))
    assert (await other).reason == "PERMISSION_DENIED"
    negative = await refused(_stale(core, core.admin_token, older_than_seconds=-1))
    assert (negative.code, negative.metadata) == (Code.INVALID_ARGUMENT, {"field": "older_than_seconds"})
    assert (await refused(_stale(core, core.admin_token, provider=""))).reason == "INVALID_ARGUMENT"
    await core.open_account("p1", "USD", "100")
    stake = await refused(debit(core, "b9", "p1", "1", token=core.reconcile_token_for(PROVIDER)))
    assert (stake.reason, stake.metadata) == ("PERMISSION_DENIED", {"client": "tests-reconciler"})
    assert await core.balance("p1", "USD") == 100
    record = pb.RecordReconciliationRequest(provider=PROVIDER, transaction_id="b1", action="pay", actor="cli:x")
    denied = await refused(core.stub.RecordReconciliation(record, metadata=bearer(core.token_for(PROVIDER))))
    assert denied.reason == "PERMISSION_DENIED"


async def test_a_reconciliation_is_written_to_the_admin_audit(core: CoreHandle) -> None:
    record = pb.RecordReconciliationRequest(
        provider=PROVIDER, transaction_id="b1", action="pay", actor="cli:alice", note="settled 19.50: paid"
    )
    await core.stub.RecordReconciliation(record, metadata=bearer(core.reconcile_token_for(PROVIDER)))
    for wrong in ({"action": "steal"}, {"actor": ""}, {"transaction_id": ""}):
        bad = pb.RecordReconciliationRequest()
        bad.CopyFrom(record)
        for name, value in wrong.items():
            setattr(bad, name, value)
        assert (await refused(core.stub.RecordReconciliation(bad, metadata=bearer(core.admin_token)))).reason == (
            "INVALID_ARGUMENT"
        )
    engine = create_engine(core.database_url)
    try:
        entries = await AdminAudit(engine).entries()
    finally:
        await engine.dispose()
    assert [(e.actor, e.action, e.subject, dict(e.details)) for e in entries] == [
        (
            "tests-reconciler",
            "bet.reconciled.pay",
            "tests b1",
            {"asked_by": "cli:alice", "note": "settled 19.50: paid"},
        )
    ]
