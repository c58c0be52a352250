"""Every secret is compared by hmac.compare_digest, and that comparison alone decides.

Each gateway module that compares a secret (a signature, the HRG shared secret, the SUD app id) and
the core's token check reach `hmac.compare_digest` through their module's `hmac` name. The tests
swap that name for a spy: first one that records what it was asked and answers truly (a forged
request is refused, and the spy saw the forged value), then one that always answers "equal" (the
forged request is then accepted: no other comparison, such as `==`, stands behind it).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from types import ModuleType, SimpleNamespace

import grpc
import pytest

import gateways.hrg.authenticate
import gateways.kit.signatures
import gateways.sud.authenticate
import wallet_core.auth
from tests.gateways.aigame.conftest import running_aigame
from tests.gateways.hrg.conftest import PREFIX, running_hrg
from tests.gateways.hrg.vendor import SECRET, SECRET_HEADER
from tests.gateways.sud.conftest import running_sud
from tests.gateways.sud.vendor import spoilt
from tests.support.core import CoreHandle, bearer
from wallet.v1 import wallet_pb2 as pb

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

Calls = list[tuple[bytes, bytes]]


def spy_on(monkeypatch: pytest.MonkeyPatch, module: ModuleType, *, always_equal: bool = False) -> Calls:
    """Replace `module.hmac` by one whose compare_digest records its arguments (and answers truly,
    or always True)."""
    calls: Calls = []

    def compare_digest(a: bytes, b: bytes) -> bool:
        calls.append((a, b))
        return True if always_equal else hmac.compare_digest(a, b)

    compare: Callable[[bytes, bytes], bool] = compare_digest
    monkeypatch.setattr(module, "hmac", SimpleNamespace(new=hmac.new, compare_digest=compare))
    return calls


@pytest.mark.parametrize("always_equal", [False, True])
async def test_aigame_signatures(core: CoreHandle, monkeypatch: pytest.MonkeyPatch, always_equal: bool) -> None:
    calls = spy_on(monkeypatch, gateways.kit.signatures, always_equal=always_equal)
    async with running_aigame(core) as aigame:
        user = await aigame.player("100.00")
        forged = aigame.vendor.bet(user, "ct-bet", "1.00")
        forged["sign"] = forged["sign"][:-1] + ("0" if forged["sign"][-1] != "0" else "1")
        assert await aigame.code("bet", forged) == (200 if always_equal else 600100)
        assert await aigame.balance_of(user) == (99 if always_equal else 100)
    assert any(given == forged["sign"].encode() for _, given in calls), calls


@pytest.mark.parametrize("always_equal", [False, True])
async def test_sud_signatures(core: CoreHandle, monkeypatch: pytest.MonkeyPatch, always_equal: bool) -> None:
    calls = spy_on(monkeypatch, gateways.kit.signatures, always_equal=always_equal)
    async with running_sud(core) as sud:
        user = await sud.player("100.00")
        raw = b'{"order_id":"ct-order","uid":"%s","score":100,"type":1}' % user.encode()
        headers = sud.vendor.headers(raw)
        headers["Sud-Signature"] = spoilt(headers["Sud-Signature"])
        response = await sud.client.post("/sud/v1/update_score", content=raw, headers=headers)
        assert response.json()["ret_code"] == (0 if always_equal else 1003)
        assert await sud.balance_of(user) == (99 if always_equal else 100)
    assert any(given == headers["Sud-Signature"].encode() for _, given in calls), calls


@pytest.mark.parametrize("always_equal", [False, True])
async def test_sud_app_ids(core: CoreHandle, monkeypatch: pytest.MonkeyPatch, always_equal: bool) -> None:
    calls = spy_on(monkeypatch, gateways.sud.authenticate, always_equal=always_equal)
    async with running_sud(core) as sud:
        raw = b'{"notify_id":"n1","notify_time":"1","app_id":"%s","notify_event":"e","data":{}}' % (
            sud.vendor.app_id.encode()
        )
        response = await sud.client.post("/sud/v1/notify", content=raw, headers=sud.vendor.headers(raw, app_id="evil"))
        # Sud-AppId "evil" is refused (1004); with the comparison fooled, the rest of the request holds.
        assert response.json()["ret_code"] == (0 if always_equal else 1004)
    assert (b"evil", sud.vendor.app_id.encode()) in calls


@pytest.mark.parametrize("always_equal", [False, True])
async def test_hrg_shared_secret(core: CoreHandle, monkeypatch: pytest.MonkeyPatch, always_equal: bool) -> None:
    calls = spy_on(monkeypatch, gateways.hrg.authenticate, always_equal=always_equal)
    async with running_hrg(core) as hrg:
        user = await hrg.player("100.00")
        wrong = SECRET[:-1] + "?"
        response = await hrg.client.post(
            f"{PREFIX}/place_bet", json=hrg.vendor.place_bet(user, "TX-ct", "1.00"), headers={SECRET_HEADER: wrong}
        )
        assert response.json()["code"] == ("0000" if always_equal else "1038")
        assert await hrg.balance_of(user) == (99 if always_equal else 100)
    assert calls == [(wrong.encode(), SECRET.encode())]


async def test_core_tokens_are_looked_up_by_hash_and_compared_in_constant_time(
    core: CoreHandle, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The core never compares a presented token itself: it looks its SHA-256 up (a miss tells only
    about the hash of a guess), and the hash it finds is compared by compare_digest, which decides."""
    calls = spy_on(monkeypatch, wallet_core.auth)
    request = pb.GetBalanceRequest(provider="tests", player_id="nobody", currency="USD")
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await core.stub.GetBalance(request, metadata=bearer("not-a-token-0123456789"))
    assert refused.value.code() == grpc.StatusCode.UNAUTHENTICATED
    assert calls == []
    with pytest.raises(grpc.aio.AioRpcError) as not_found:
        await core.stub.GetBalance(request, metadata=bearer(core.admin_token))
    assert not_found.value.code() == grpc.StatusCode.NOT_FOUND
    admin = hashlib.sha256(core.admin_token.encode()).digest()
    assert calls == [(admin, admin)]
    monkeypatch.setattr(wallet_core.auth, "hmac", SimpleNamespace(compare_digest=lambda a, b: False))
    with pytest.raises(grpc.aio.AioRpcError) as decided:  # the comparison, not the lookup, says yes
        await core.stub.GetBalance(request, metadata=bearer(core.admin_token))
    assert decided.value.code() == grpc.StatusCode.UNAUTHENTICATED
