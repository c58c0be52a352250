"""The reconciler (placeholder: the interface only; ``reconciler_from_config`` answers None)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from wallet_reconcile.proposals import Proposal


class Reconciler:
    async def proposals(self, *, provider: str | None = None, older_than: timedelta) -> list[Proposal]:
        raise NotImplementedError

    async def apply(self, key: str, *, actor: str) -> str:
        """Applies one proposal through the core (only "pay" and "cancel" move money; "review" flags);
        returns one line saying what was done. Applying twice is a replay: nothing moves the second time."""
        raise NotImplementedError

    async def close(self) -> None:
        raise NotImplementedError


def reconciler_from_config(config: Mapping[str, Any]) -> Reconciler | None:
    """The reconciler of a wallet config, None when no [reconcile] section is configured."""
    return None
