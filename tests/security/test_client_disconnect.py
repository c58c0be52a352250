"""A client that closes its connection mid-body is its own problem: no alert, its own reason, nothing moved.

A real AIGame gateway under the `wallet gateway` uvicorn configuration, in front of a real core
(each store); a raw socket sends a signed bet's head and half its body, then closes.
"""

from __future__ import annotations

import json
import logging

import grpc
import pytest

from gateways.aigame import PROVIDER, Settings, create_app
from gateways.kit.endpoint import CLIENT_DISCONNECTED
from tests.gateways.aigame.conftest import WALLET, new_id, settings_mapping
from tests.gateways.aigame.vendor import Vendor
from tests.gateways.kit.served import connect, request_head, served
from tests.gateways.metric_samples import sample
from tests.support.core import CoreHandle, bearer
from tests.support.logs import watching_logs
from wallet.v1 import wallet_pb2 as pb


async def test_a_bet_whose_body_stops_halfway_is_counted_as_a_disconnect_and_moves_nothing(core: CoreHandle) -> None:
    settings = Settings.from_mapping(
        {
            "player_id_prefix": "aig-",
            **settings_mapping(core.address, core.token_for(PROVIDER), allowed_ips=["127.0.0.1"]),
        }
    )
    user, bet = f"u{new_id()[:10]}", new_id()
    await core.open_account(settings.players.to_wallet(user), "USD", "100.00")
    body = json.dumps(Vendor().bet(user, bet, "10")).encode()
    series = {"provider": PROVIDER, "endpoint": "bet", "code": "none", "reason": CLIENT_DISCONNECTED}
    before = sample("gateway_requests_total", **series)

    with watching_logs(logging.INFO) as logs:
        async with served(create_app(settings)) as port:
            _, writer = await connect(port)
            writer.write(request_head(f"{WALLET}/bet", body_length=len(body)) + body[: len(body) // 2])
            await writer.drain()
            writer.close()
            await writer.wait_closed()
        # leaving `served` stops the server, which waits for the app's task: its access line is written

    assert logs.failures() == []
    assert sample("gateway_requests_total", **series) == before + 1
    (line,) = [r for r in logs.records if r.name == "gateways.access" and r.__dict__["reason"] == CLIENT_DISCONNECTED]
    assert line.levelno == logging.INFO and line.exc_info is None and line.__dict__["http_status"] == 499
    assert await core.balance(settings.players.to_wallet(user), "USD") == 100
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await core.stub.GetTransaction(
            pb.GetTransactionRequest(provider=PROVIDER, transaction_id=bet, kind=pb.TRANSACTION_KIND_DEBIT),
            metadata=bearer(core.admin_token),
        )
    assert refused.value.code() == grpc.StatusCode.NOT_FOUND
