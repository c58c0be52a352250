"""No configured secret ever reaches a log: a full run through the three gateways and the core,
their successes and every error path, captured at DEBUG from every logger, is searched for each
AIGame agent secret, the HRG shared secret, the SUD app secret and every core token.

The records are formatted as the `wallet` command writes them (JSON lines with every extra field,
wallet_cli/logs.py), and their whole attribute dict is searched too (arguments, extras,
tracebacks). Forged inputs that *contain* a secret (a wrong HRG secret that is the right one plus
a character, a core token with a character added) make sure the gateways do not log what they are
given either.
"""

from __future__ import annotations

import json
import logging

import grpc
import pytest

from gateways.kit.core_client import CoreClient
from tests.gateways.aigame.conftest import running_aigame
from tests.gateways.aigame.vendor import OTHER_SECRET, now_ms, vendor_sign
from tests.gateways.aigame.vendor import SECRET as AIGAME_SECRET
from tests.gateways.hrg.conftest import PREFIX, running_hrg
from tests.gateways.hrg.vendor import SECRET as HRG_SECRET
from tests.gateways.hrg.vendor import SECRET_HEADER
from tests.gateways.sud.conftest import NOTIFY, UPDATE_SCORE, running_sud
from tests.gateways.sud.vendor import SECRET as SUD_SECRET
from tests.gateways.sud.vendor import human, new_id, spoilt
from tests.support import core as support
from tests.support.core import CoreHandle, bearer
from tests.support.logs import watching_logs
from wallet.v1 import wallet_pb2 as pb
from wallet_cli.logs import JsonLines

WRONG_CORE_TOKEN = "wrong-core-token-0123456789"
"""Configured on a gateway for the error path: a secret of that gateway like the others."""
FORMATTER = JsonLines()


def secrets() -> dict[str, str]:
    configured = {
        "aigame agent001": AIGAME_SECRET,
        "aigame agent002": OTHER_SECRET,
        "hrg shared": HRG_SECRET,
        "sud app": SUD_SECRET,
        "wrong core token": WRONG_CORE_TOKEN,
    }
    configured["core admin token"] = support.ADMIN_TOKEN
    configured.update({f"core token of {p}": support.token_for(p) for p in support.PROVIDERS})
    configured.update({f"expired core token of {p}": support.expired_token_for(p) for p in support.PROVIDERS})
    return configured


def written(record: logging.LogRecord) -> str:
    """Everything a record could put in a log: its JSON line and every attribute it carries."""
    return FORMATTER.format(record) + "\n" + repr(vars(record))


async def _aigame_run(core: CoreHandle, monkeypatch: pytest.MonkeyPatch) -> None:
    async with running_aigame(core) as aigame:
        vendor, user = aigame.vendor, await aigame.player("100.00")
        assert await aigame.code("balance", vendor.balance(user)) == 200
        assert await aigame.code("bet", vendor.bet(user, "s1", "10.00", bet_detail={"Banker": 10})) == 200
        assert await aigame.code("payout", vendor.payout(user, "s1", "19.50")) == 200
        assert await aigame.code("payout", vendor.payout(user, "s1", "29.50")) == 800109  # logged for review
        assert await aigame.code("refund", vendor.refund(user, "s1", "10.00", status=1, win_amount="1.00")) == 200
        assert (await aigame.detail(vendor.detail("s1")))["code"] == 200
        forged = vendor.bet(user, "s2", "1.00")
        assert await aigame.code("bet", {**forged, "sign": forged["sign"][::-1]}) == 600100
        assert await aigame.code("bet", {**forged, "sign": vendor_sign(forged, OTHER_SECRET)}) == 600100
        assert await aigame.code("bet", {**forged, "agent_id": "agent999"}) == 600100
        assert await aigame.code("bet", vendor.signed({"user_id": user}, timestamp=now_ms() - 3_600_000)) == 408000
        with monkeypatch.context() as patch:  # a crash: logged with its traceback on gateways.errors
            patch.setattr(CoreClient, "get_balance", _boom)
            assert await aigame.code("balance", vendor.balance(user)) == 800100
    # UNAUTHENTICATED, PERMISSION_DENIED, TOKEN_EXPIRED
    for token in (WRONG_CORE_TOKEN, core.token_for("hrg"), core.expired_token_for("aigame")):
        async with running_aigame(core, token=token) as misconfigured:
            assert await misconfigured.code("bet", misconfigured.vendor.bet(user, "s3", "1.00")) == 800100


async def _boom(*args: object, **kwargs: object) -> None:
    raise RuntimeError("boom")


async def _hrg_run(core: CoreHandle) -> None:
    async with running_hrg(core) as hrg:
        vendor, user = hrg.vendor, await hrg.player("100.00")
        assert await hrg.code("get_balance", vendor.get_balance(user)) == "0000"
        assert await hrg.code("place_bet", vendor.place_bet(user, "TX-s1", "10.00")) == "0000"
        assert await hrg.code("settle", vendor.settle(user, "TX-s1", "10.00", "19.50")) == "0000"
        assert await hrg.code("settle", vendor.settle(user, "TX-s1", "10.00", "29.50")) == "9999"  # review
        assert await hrg.code("cancel_bet", vendor.cancel_bet(user, "TX-s1")) == "9999"  # settled: review
        assert await hrg.code("event_settle", vendor.event_settle(vendor.promotion("S-1", user, "1.00"))) == "0000"
        body = vendor.place_bet(user, "TX-s2", "1.00")
        assert await hrg.code("place_bet", body, secret=HRG_SECRET + "x") == "1038"
        assert await hrg.code("place_bet", body, secret=None) == "1038"
        assert await hrg.code("place_bet", {**body, "ts": "2020-01-01T00:00:00.000+0800"}) == "1001"
        assert await hrg.code("place_bet", b'{"ts": NaN}') == "1001"
        response = await hrg.client.post(f"{PREFIX}/place_bet", json=body, headers={SECRET_HEADER: HRG_SECRET[:8]})
        assert response.json()["code"] == "1038"
    async with running_hrg(core, token=WRONG_CORE_TOKEN) as misconfigured:
        assert await misconfigured.code("place_bet", misconfigured.vendor.place_bet(user, "TX-s3", "1.00")) == "9999"


async def _sud_run(core: CoreHandle) -> None:
    async with running_sud(core) as sud:
        vendor, user = sud.vendor, await sud.player("100.00")
        await sud.buy_in(user, "out-s1", "10.00")
        assert (await sud.notify(vendor.settle([human(user, new_id(), "out-s1", 1500)])))["ret_code"] == 0
        await sud.buy_in(user, "out-s2", "1.00")
        assert (await sud.notify(vendor.order_changed(user, "out-s2")))["ret_code"] == 0
        assert (await sud.notify(vendor.order_changed(user, "out-s1")))["ret_code"] == 1011  # settled: review
        assert (await sud.update_score(vendor.update_score(user, new_id(), 100, 1)))["ret_code"] == 0
        raw = json.dumps(vendor.update_score(user, new_id(), 100, 2)).encode()
        headers = vendor.headers(raw)
        assert (await sud.update_score(raw, {**headers, "Sud-Signature": spoilt(headers["Sud-Signature"])}))[
            "ret_code"
        ] == 1003
        assert (await sud.update_score(raw, vendor.headers(raw, app_id="other-app")))["ret_code"] == 1004
        assert (await sud.update_score(raw, vendor.headers(raw, timestamp="1")))["ret_code"] == 1005
        assert (await sud.send(NOTIFY, b"not json"))["ret_code"] == 1001
    async with running_sud(core, token=WRONG_CORE_TOKEN) as misconfigured:
        assert (await misconfigured.send(UPDATE_SCORE, vendor.update_score(user, new_id(), 1, 1)))["ret_code"] == 1999


async def _core_run(core: CoreHandle) -> None:
    request = pb.GetBalanceRequest(provider="tests", player_id="p", currency="USD")
    for metadata in (
        bearer(core.admin_token + "x"),
        bearer(core.token_for("tests")[:-1]),
        (("authorization", core.admin_token),),
        bearer(WRONG_CORE_TOKEN),
    ):
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await core.stub.GetBalance(request, metadata=metadata)
        assert refused.value.code() == grpc.StatusCode.UNAUTHENTICATED
    with pytest.raises(grpc.aio.AioRpcError) as denied:
        await core.stub.CreateAccount(
            pb.CreateAccountRequest(player_id="p", currency="USD"), metadata=bearer(core.token_for("aigame"))
        )
    assert denied.value.code() == grpc.StatusCode.PERMISSION_DENIED


async def test_no_secret_is_ever_logged(core: CoreHandle, monkeypatch: pytest.MonkeyPatch) -> None:
    with watching_logs(logging.DEBUG) as logs:
        await _aigame_run(core, monkeypatch)
        await _hrg_run(core)
        await _sud_run(core)
        await _core_run(core)
    lines = [written(record) for record in logs.records]
    # The run logged what it should have: so the search below is not over an empty log.
    names = {record.name for record in logs.records}
    assert {
        "gateways.access",
        "gateways.errors",
        "gateways.aigame.review",
        "gateways.hrg.review",
        "gateways.sud.review",
        "wallet_core.service",
    } <= names, names
    assert sum(record.name == "gateways.access" for record in logs.records) >= 30
    assert any(record.exc_info for record in logs.records)
    leaks = {name: [line[:300] for line in lines if secret in line] for name, secret in secrets().items()}
    assert {name: found for name, found in leaks.items() if found} == {}


def test_the_search_finds_a_secret_that_is_logged() -> None:
    record = logging.LogRecord("gateways.test", logging.INFO, __file__, 1, "request", None, None)
    record.__dict__["header"] = f"given {HRG_SECRET}"
    assert HRG_SECRET in written(record)


def test_settings_never_show_a_secret() -> None:
    from gateways.aigame import Settings as AIGameSettings
    from gateways.hrg import Settings as HRGSettings
    from gateways.sud import Settings as SudSettings
    from tests.gateways.aigame.conftest import settings_mapping as aigame_mapping
    from tests.gateways.hrg.conftest import settings_mapping as hrg_mapping
    from tests.gateways.sud.conftest import settings_mapping as sud_mapping

    shown = "\n".join(
        repr(settings)
        for settings in (
            AIGameSettings.from_mapping(aigame_mapping("127.0.0.1:1", WRONG_CORE_TOKEN)),
            HRGSettings.from_mapping(hrg_mapping("127.0.0.1:1", WRONG_CORE_TOKEN)),
            SudSettings.from_mapping(sud_mapping("127.0.0.1:1", WRONG_CORE_TOKEN)),
            support.core_settings("sqlite+aiosqlite:///:memory:"),
        )
    )
    assert "agent001" in shown or "USD" in shown  # the settings were shown at all
    assert [name for name, secret in secrets().items() if secret in shown] == []
