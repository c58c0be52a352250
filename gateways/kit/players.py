"""The provider's player ids and the wallet's.

A deployment may keep each provider's players apart in the wallet with a prefix
("aig-" + "testUid03"); with no prefix the ids are the same.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class PlayerIds:
    """Maps a provider's user id to the wallet's player id and back."""

    prefix: str = ""

    def to_wallet(self, provider_user_id: str) -> str:
        return self.prefix + provider_user_id

    def to_provider(self, wallet_player_id: str) -> str:
        return wallet_player_id.removeprefix(self.prefix)
