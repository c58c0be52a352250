"""The hash chain of an account's entries: the one definition of its bytes.

Each entry carries ``chain_hash``, the SHA-256 of 72 bytes:

    offset  size  field
         0    32  the previous entry's chain_hash (GENESIS for an account's first entry)
        32     8  entries.account_id
        40     8  entries.transaction_id (0 for none: an opening balance; ids start at 1)
        48     8  entries.amount (minor units, signed)
        56     8  entries.balance_after (minor units, signed)
        64     8  entries.created_at, microseconds since 1970-01-01T00:00:00Z

every integer a signed 64-bit big-endian two's complement (PostgreSQL's ``int8send``). Fixed
widths make the encoding unambiguous: no two entries share their bytes. The entry's own id is
left out (a store assigns it only on insert); its place in the chain is bound by the previous
hash. ``accounts.chain_head`` holds the last entry's hash (GENESIS before any), written under the
row lock that writes the balance, so a rewrite of an entry must rewrite every later entry and the
head, and an anchor kept outside the database (``wallet_core.anchor``) catches even that.

PostgreSQL computes the same bytes in ``store/sql/wallet_entry_hash.sql`` (its batch functions);
every other writer calls ``entry_hash``.
"""

from __future__ import annotations

import hashlib
import struct
from datetime import UTC, datetime, timedelta

GENESIS = bytes(32)
"""The previous hash of an account's first entry, and the head of an account without entries."""

_FIELDS = struct.Struct(">qqqqq")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def entry_hash(
    previous: bytes,
    account_id: int,
    transaction_id: int | None,
    amount: int,
    balance_after: int,
    created_at: datetime,
) -> bytes:
    """The chain hash of one entry, following the entry whose hash is ``previous``."""
    micros = (created_at - _EPOCH) // _MICROSECOND  # exact: integer arithmetic on an aware datetime
    return hashlib.sha256(
        previous + _FIELDS.pack(account_id, transaction_id or 0, amount, balance_after, micros)
    ).digest()
