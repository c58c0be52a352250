"""The ledger's fast path: the usual debit (a new bet the balance covers) and the usual payout (a
new credit for a placed or settled bet) written in one step, with every other case left to the
ledger's general path. Each store has its own: PostgreSQL batches of calls, one statement and
one commit each (``group_commit``); SQLite one transaction on a writer thread (``sqlite_writer``).

A fast path answers what it wrote, or None ("not the usual case: nothing written"), or for a
debit Refused (the balance did not cover it: the refusal is stored), or raises
UniqueKeyTaken (the key exists: a replay, a conflict or a tombstone; nothing written, and
``find`` reads what holds it) or
FastPathFailed (trouble: the general path decides, and finds as a replay whatever did commit).
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple, Protocol

from wallet_core.domain import Bet, Kind, MoneyRequest, Transaction


class UniqueKeyTaken(Exception):
    """A key exists already: a replay, a conflict or a tombstone. Nothing was written."""


class FastPathFailed(Exception):
    """The store could not run the fast path (connection lost, database locked, ...)."""


class Written(NamedTuple):
    """What a fast path stored: the transaction's id, its account and the balance after it."""

    transaction_id: int
    account_id: int
    balance_after: int


class Refused(NamedTuple):
    """A debit the balance did not cover, stored as refused (rule 3): the failed transaction's id,
    its account and the balance that did not cover it."""

    transaction_id: int
    account_id: int
    balance: int


class FastPath(Protocol):
    """Each write stores ``request`` as prepared (its amount, fingerprint and details text), stamped
    ``created_at``."""

    async def debit(self, request: MoneyRequest, created_at: datetime) -> tuple[Written, Bet] | Refused | None:
        """What was written and the new bet, when the bet was placed; Refused (stored) when the
        balance did not cover it; None when there is no account or a bet has this key already."""

    async def payout(self, request: MoneyRequest, created_at: datetime) -> tuple[Written, Bet] | None:
        """What was written and the bet as it now stands, when the payout was applied; None when
        the bet is missing, cancelled, another owner's, the balance would pass its limit, the payout
        would pass its provider's multiple of the stake or its key is held for review (``holds``)."""

    async def find(self, provider: str, kind: Kind, transaction_id: str) -> Transaction | None:
        """The transaction stored under the key, with its bet, read in one statement: what a call
        that raised UniqueKeyTaken is answered from (a replay or a conflict); None when no
        transaction holds it (a tombstone: the general path decides)."""

    async def close(self) -> None: ...
