"""The provider's currency codes and the wallet's.

Providers have their own codes (AIGame's "VND2" is thousands of dong); the wallet has its own
configured currencies. The map is explicit per gateway: a provider code not in it is refused as
UNSUPPORTED_CURRENCY before any money moves.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from gateways.kit.refusals import GatewayReason, Refusal


@dataclass(frozen=True)
class CurrencyMap:
    """Provider currency code -> wallet currency code."""

    to_wallet_codes: Mapping[str, str]

    def to_wallet(self, provider_code: str) -> str:
        """The wallet currency for `provider_code`, or Refusal(UNSUPPORTED_CURRENCY)."""
        wallet_code = self.to_wallet_codes.get(provider_code)
        if wallet_code is None:
            raise Refusal(GatewayReason.UNSUPPORTED_CURRENCY, f"no wallet currency for {provider_code!r}")
        return wallet_code

    def to_provider(self, wallet_code: str) -> str:
        """The first provider code (in configuration order) that maps to `wallet_code`, else itself."""
        for provider_code, mapped in self.to_wallet_codes.items():
            if mapped == wallet_code:
                return provider_code
        return wallet_code
