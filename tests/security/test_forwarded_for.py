"""X-Forwarded-For is believed only from a configured proxy, on every gateway (kit/ipallow.py, kit/app.py).

Each case calls a gateway from a peer address, with or without trusted_proxies and an
X-Forwarded-For header, and checks whether the source-IP allowlist let it through: AIGame answers
408003 when not, HRG 1038, SUD 1006; a refused call moves nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import pytest

from tests.gateways.aigame.conftest import AIGAME_IP, WALLET, running_aigame
from tests.gateways.hrg.conftest import HRG_IP, PREFIX, running_hrg
from tests.gateways.hrg.vendor import SECRET, SECRET_HEADER
from tests.gateways.sud.conftest import SUD_IP, running_sud
from tests.support.core import CoreHandle

PROXY = "10.0.0.1"
OUTSIDER = "192.0.2.66"


@dataclass(frozen=True)
class Case:
    peer: str
    """The direct peer; "allowed" is replaced by the gateway's allowlisted address."""
    trusted_proxies: tuple[str, ...]
    forwarded_for: str | None
    allowed: bool


CASES = {
    "allowed peer, no header": Case("allowed", (), None, True),
    "allowed peer, header ignored": Case("allowed", (), OUTSIDER, True),
    "untrusted peer claims an allowed address": Case(PROXY, (), "allowed", False),
    "untrusted peer in a proxy network claims it": Case("10.9.9.9", (PROXY,), "allowed", False),
    "trusted proxy forwards an allowed client": Case(PROXY, (PROXY,), "allowed", True),
    "trusted proxy network (CIDR) forwards it": Case("10.9.9.9", ("10.0.0.0/8",), "allowed", True),
    "trusted proxy forwards an outsider": Case(PROXY, (PROXY,), OUTSIDER, False),
    "client spoofs the first hop, proxy appends the real one": Case(PROXY, (PROXY,), f"allowed, {OUTSIDER}", False),
    "proxy appends the allowed client after junk": Case(PROXY, (PROXY,), f"{OUTSIDER}, allowed", True),
    "trusted proxy without a header is the proxy itself": Case(PROXY, (PROXY,), None, False),
    "trusted proxy forwards garbage": Case(PROXY, (PROXY,), "not-an-address", False),
    "an allowed peer is no proxy for an outsider": Case("allowed", (PROXY,), OUTSIDER, True),
}


def _headers(case: Case, allowed_ip: str, extra: dict[str, str]) -> dict[str, str]:
    headers = dict(extra)
    if case.forwarded_for is not None:
        headers["x-forwarded-for"] = case.forwarded_for.replace("allowed", allowed_ip)
    return headers


Probe = Callable[[CoreHandle, Case], Awaitable[bool]]


async def _aigame(core: CoreHandle, case: Case) -> bool:
    peer = case.peer.replace("allowed", AIGAME_IP)
    async with running_aigame(core, client_ip=peer, trusted_proxies=list(case.trusted_proxies)) as aigame:
        user = await aigame.player("100.00")
        response = await aigame.client.post(
            f"{WALLET}/bet", json=aigame.vendor.bet(user, "xff-bet", "1.00"), headers=_headers(case, AIGAME_IP, {})
        )
        code = response.json()["code"]
        assert code in (200, 408003)
        assert await aigame.balance_of(user) == (99 if code == 200 else 100)
        return bool(code == 200)


async def _hrg(core: CoreHandle, case: Case) -> bool:
    peer = case.peer.replace("allowed", HRG_IP)
    async with running_hrg(core, client_ip=peer, trusted_proxies=list(case.trusted_proxies)) as hrg:
        user = await hrg.player("100.00")
        response = await hrg.client.post(
            f"{PREFIX}/place_bet",
            json=hrg.vendor.place_bet(user, "TX-xff", "1.00"),
            headers=_headers(case, HRG_IP, {SECRET_HEADER: SECRET}),
        )
        code = response.json()["code"]
        assert code in ("0000", "1038")
        assert await hrg.balance_of(user) == (99 if code == "0000" else 100)
        return bool(code == "0000")


async def _sud(core: CoreHandle, case: Case) -> bool:
    peer = case.peer.replace("allowed", SUD_IP)
    async with running_sud(core, client_ip=peer, trusted_proxies=list(case.trusted_proxies)) as sud:
        user = await sud.player("100.00")
        raw = b'{"order_id":"xff-order","uid":"%s","score":100,"type":1}' % user.encode()
        response = await sud.client.post(
            "/sud/v1/update_score", content=raw, headers=_headers(case, SUD_IP, sud.vendor.headers(raw))
        )
        code = response.json()["ret_code"]
        assert code in (0, 1006)
        assert await sud.balance_of(user) == (99 if code == 0 else 100)
        return bool(code == 0)


PROBES: dict[str, Probe] = {"aigame": _aigame, "hrg": _hrg, "sud": _sud}


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("gateway", PROBES)
@pytest.mark.parametrize("name", CASES)
async def test_forwarded_for_is_believed_only_from_a_configured_proxy(
    core: CoreHandle, gateway: str, name: str
) -> None:
    case = CASES[name]
    assert await PROBES[gateway](core, case) is case.allowed


def test_the_cases_cover_both_answers() -> None:
    assert {case.allowed for case in CASES.values()} == {True, False}
