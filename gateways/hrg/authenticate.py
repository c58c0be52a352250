"""Who may call: HRG's own authentication scheme is not known (hrg.md: provisional).

Each deployment guards its HRG endpoints with a source-IP allowlist (checked by the kit's dialect
endpoint before anything else) and/or a shared secret that HRG sends in a header (the header's
name is provisional). The secret is compared in constant time and never logged.
"""

import hmac
from dataclasses import dataclass, field

from starlette.datastructures import Headers

from gateways.kit.refusals import GatewayReason, Refusal


@dataclass(frozen=True)
class SharedSecret:
    """The secret HRG must send in `header`; an empty secret means the check is off."""

    header: str
    secret: str = field(default="", repr=False)

    @property
    def enabled(self) -> bool:
        return bool(self.secret)

    def check(self, headers: Headers) -> None:
        """Refusal(BAD_SIGNATURE) unless the header carries the secret (or no secret is configured)."""
        if not self.enabled:
            return
        given = headers.get(self.header)
        if given is None:
            raise Refusal(GatewayReason.BAD_SIGNATURE, f"header {self.header!r} is missing")
        if not hmac.compare_digest(given.encode("utf-8"), self.secret.encode("utf-8")):
            raise Refusal(GatewayReason.BAD_SIGNATURE, f"header {self.header!r} does not carry the shared secret")
