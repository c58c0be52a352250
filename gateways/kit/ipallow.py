"""Source-IP allowlists.

The client address is the one the ASGI server reports, rewritten from X-Forwarded-For only when the
direct peer is a configured trusted proxy (uvicorn's ProxyHeadersMiddleware, installed by the app
factory). An empty allowlist lets every address through: the dialect's signature is then the only
guard, and the app factory logs a warning at start.
"""

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass, field

from gateways.kit.refusals import GatewayReason, Refusal

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
MAX_REMEMBERED = 4096
"""Source addresses whose answer is kept (a few callers in practice; parsing one costs µs per request)."""


def _address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


@dataclass(frozen=True)
class IpAllowlist:
    """The networks a provider may call from; empty means any address."""

    networks: tuple[Network, ...] = ()
    _answers: dict[str, bool] = field(default_factory=dict, init=False, repr=False, compare=False)

    @classmethod
    def from_strings(cls, entries: Iterable[str]) -> "IpAllowlist":
        """From addresses and CIDRs ("203.0.113.7", "198.51.100.0/24", "2001:db8::/32"); ValueError if bad."""
        return cls(tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries))

    @property
    def is_open(self) -> bool:
        return not self.networks

    def allows(self, host: str | None) -> bool:
        if self.is_open:
            return True
        if not host:
            return False
        answer = self._answers.get(host)
        if answer is None:
            address = _address(host)
            answer = address is not None and any(address in network for network in self.networks)
            if len(self._answers) < MAX_REMEMBERED:
                self._answers[host] = answer
        return answer

    def check(self, host: str | None) -> None:
        """Refusal(IP_NOT_ALLOWED) unless `host` is allowed."""
        if not self.allows(host):
            raise Refusal(GatewayReason.IP_NOT_ALLOWED, f"source address {host!r} is not allowed")
