from __future__ import annotations

from decimal import Decimal

import grpc
import pytest
from google.rpc import error_details_pb2, status_pb2

from tests.support.core import CoreHandle, bearer, token_for
from wallet.v1 import wallet_pb2 as pb


async def test_debit_and_replay(core: CoreHandle) -> None:
    await core.open_account("p1", "USD", "100.00")
    req = pb.DebitRequest(provider="tests", transaction_id="t1", player_id="p1", currency="USD", amount="10.50")
    first = await core.stub.Debit(req, metadata=bearer(token_for("tests")))
    again = await core.stub.Debit(req, metadata=bearer(token_for("tests")))
    assert first.transaction.balance_after == "89.50" and not first.replay
    assert again.replay and again.transaction.wallet_transaction_id == first.transaction.wallet_transaction_id
    assert await core.balance("p1", "USD") == Decimal("89.50")
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await core.stub.Debit(pb.DebitRequest(provider="tests", transaction_id="t2", player_id="p1",
                                              currency="USD", amount="1000"), metadata=bearer(token_for("tests")))
    assert caught.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    details = dict(caught.value.trailing_metadata() or ())["grpc-status-details-bin"]
    status = status_pb2.Status.FromString(details)
    info = error_details_pb2.ErrorInfo()
    status.details[0].Unpack(info)
    assert info.reason == "INSUFFICIENT_FUNDS"
