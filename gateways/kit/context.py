"""What every handler of a gateway works with: the dialect's settings, the core, and its caller check.

One shape for every dialect, generic over its settings and its authenticator (whatever checks who
is calling: a signature over the parameters, over the raw body, a shared secret). A dialect that
needs more (AIGame's rate limiter, HRG's place_bet window) subclasses it with those fields alone.
"""

from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from gateways.kit.core_client import CoreClient
from gateways.kit.players import PlayerIds


class GatewaySettings(Protocol):
    """What the context reads of a dialect's settings."""

    @property
    def players(self) -> PlayerIds: ...


SettingsT = TypeVar("SettingsT", bound=GatewaySettings)
AuthenticatorT = TypeVar("AuthenticatorT")


@dataclass(frozen=True)
class GatewayContext(Generic[SettingsT, AuthenticatorT]):
    settings: SettingsT
    core: CoreClient
    authenticator: AuthenticatorT

    def player_id(self, provider_user_id: str) -> str:
        """The wallet's player id for the provider's user id."""
        return self.settings.players.to_wallet(provider_user_id)
