"""How a provider's own records are asked about one bet: a small Protocol and a registry.

A provider with a query API plugs in by registering a factory under its name
(``register("name", factory)``, docs/adding-a-provider.md); a provider without one is listed for
manual handling. A query holds no money logic: it says what the provider answered and what that
suggests, and how the provider's own payout and cancel of the bet are keyed in the wallet.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from wallet.v1 import wallet_pb2 as pb


class ReconcileConfigError(ValueError):
    """The [reconcile] configuration is wrong; the message says where."""


class QueryFailed(Exception):
    """The provider could not be asked; the message is one line. ``config``: only the configuration
    (ours or the provider's) can fix it, so asking about the next bet is pointless."""

    def __init__(self, message: str, *, config: bool = False) -> None:
        super().__init__(message)
        self.config = config


@dataclass(frozen=True)
class Suggestion:
    """What the provider's record suggests for a bet: an action, the payout for "pay", and why."""

    action: str
    amount: str
    explanation: str


class ProviderQuery(Protocol):
    async def suggest(self, bet: pb.StaleBet) -> Suggestion:
        """Ask the provider about ``bet``; QueryFailed when it cannot be asked."""
        ...

    def payout_transaction_id(self, bet: pb.StaleBet) -> str:
        """The id the provider's gateway gives the payout of ``bet`` (so that a late real payout is a replay)."""
        ...

    def cancel_transaction_id(self, bet: pb.StaleBet) -> str:
        """The id the provider's gateway gives the cancel of ``bet``."""
        ...

    async def aclose(self) -> None: ...


QueryFactory = Callable[[Mapping[str, Any], Mapping[str, Any], str], ProviderQuery]
"""(the provider's [reconcile.providers.<name>] table without its core keys, the whole configuration,
the table's path for errors) -> its query."""

_FACTORIES: dict[str, QueryFactory] = {}


def register(provider: str, factory: QueryFactory) -> None:
    _FACTORIES[provider] = factory


def factory_of(provider: str) -> QueryFactory | None:
    _register_builtin()
    return _FACTORIES.get(provider)


def _register_builtin() -> None:
    # Imported here: a provider's query brings in its gateway package, which the core does not need.
    from wallet_reconcile import aigame

    if aigame.PROVIDER not in _FACTORIES:
        register(aigame.PROVIDER, aigame.query_from_config)
