from __future__ import annotations
import grpc
import pytest
from tests.support.core import CoreHandle, bearer, token_for
from wallet.v1 import wallet_pb2 as pb

M = bearer(token_for("tests"))

async def call(coro):
    try:
        r = await coro
        return ("OK", str(r).replace("\n", " ")[:300])
    except grpc.aio.AioRpcError as e:
        return (e.code().name, e.details())

async def test_probe(core: CoreHandle) -> None:
    s = core.stub
    await core.open_account("p", "USD", "100")
    print("huge", await call(s.Debit(pb.DebitRequest(provider="tests", transaction_id="h", player_id="p", currency="USD", amount="999999999999999999"), metadata=M)))
    print("hugecredit", await call(s.Credit(pb.CreditRequest(provider="tests", transaction_id="hc", player_id="p", currency="USD", amount="999999999999999999"), metadata=M)))
    print("nul", await call(s.Debit(pb.DebitRequest(provider="tests", transaction_id="a\x00b", player_id="p", currency="USD", amount="1"), metadata=M)))
    print("nulraw", await call(s.Debit(pb.DebitRequest(provider="tests", transaction_id="nr", player_id="p", currency="USD", amount="1", raw_request="x\x00y"), metadata=M)))
    print("c1", await call(s.Credit(pb.CreditRequest(provider="tests", transaction_id="big1", player_id="p", currency="USD", amount="90000000000000000"), metadata=M)))
    print("c2", await call(s.Credit(pb.CreditRequest(provider="tests", transaction_id="big2", player_id="p", currency="USD", amount="90000000000000000"), metadata=M)))
    print("bal", await call(s.GetBalance(pb.GetBalanceRequest(player_id="p", currency="USD"), metadata=bearer(core.admin_token))))
    # batch with a failed replay
    await core.open_account("q", "USD", "100")
    print(await call(s.Rollback(pb.RollbackRequest(provider="tests", transaction_id="r1", player_id="q", currency="USD", reference_transaction_id="b1"), metadata=M)))
    cr = pb.CreditRequest(provider="tests", transaction_id="w1", player_id="q", currency="USD", amount="5", reference_transaction_id="b1")
    print("single", await call(s.Credit(cr, metadata=M)))
    cr2 = pb.CreditRequest(provider="tests", transaction_id="w2", player_id="q", currency="USD", amount="7")
    print("batch", await call(s.CreditBatch(pb.CreditBatchRequest(credits=[cr, cr2]), metadata=M)))
    print("bal", await core.balance("q", "USD"))
    print("neg page", await call(s.ListTransactions(pb.ListTransactionsRequest(player_id="q", page_size=-1), metadata=bearer(core.admin_token))))
