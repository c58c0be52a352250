import pytest

from gateways.kit import ipallow
from gateways.kit.ipallow import IpAllowlist
from gateways.kit.refusals import GatewayReason, Refusal

ALLOWLIST = IpAllowlist.from_strings(["203.0.113.7", "198.51.100.0/24", "2001:db8::/32"])


@pytest.mark.parametrize("host", ["203.0.113.7", "198.51.100.1", "198.51.100.255", "2001:db8::1", "::ffff:203.0.113.7"])
def test_listed_addresses_and_networks_are_allowed(host: str) -> None:
    assert ALLOWLIST.allows(host)
    ALLOWLIST.check(host)


@pytest.mark.parametrize("host", ["203.0.113.8", "198.51.101.1", "2001:db9::1", "127.0.0.1", "testclient", "", None])
def test_other_sources_are_refused(host: str | None) -> None:
    assert not ALLOWLIST.allows(host)
    with pytest.raises(Refusal) as refused:
        ALLOWLIST.check(host)
    assert refused.value.reason is GatewayReason.IP_NOT_ALLOWED


def test_an_empty_allowlist_is_open() -> None:
    assert IpAllowlist().is_open
    assert IpAllowlist().allows("192.0.2.1")
    assert not ALLOWLIST.is_open


@pytest.mark.parametrize("entry", ["203.0.113.300", "example.com", "10.0.0.0/33"])
def test_bad_entries_are_refused_at_start(entry: str) -> None:
    with pytest.raises(ValueError):
        IpAllowlist.from_strings([entry])


def test_answers_stay_the_same_when_remembered_and_past_the_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ipallow, "MAX_REMEMBERED", 2)
    allowlist = IpAllowlist.from_strings(["198.51.100.0/24"])
    hosts = ["198.51.100.1", "203.0.113.1", "198.51.100.2", "203.0.113.2", "::ffff:198.51.100.3", "x", ""]
    for _ in range(2):
        assert [allowlist.allows(host) for host in hosts] == [True, False, True, False, True, False, False]
    assert allowlist == IpAllowlist.from_strings(["198.51.100.0/24"])  # what it remembers is not part of it
