"""An anchor: every account's chain head at one moment, kept outside the database.

A chain shows an entry rewritten alone; an insider who rewrites an entry, every later one and the
head consistently (the hash is no secret) leaves a chain that checks. An anchor taken before
catches that: printed, mailed or notarised, its digest cannot be rewritten with the database,
and ``check`` then asks whether the ledger still extends it: each anchored head is still the hash
of the entry at its anchored position in that account's chain.

The file is JSON: the format, when it was taken, the digest, and for each account its id, player,
currency, number of entries, last entry's id and head (hex). The digest is the SHA-256, in hex, of
each account in id order as three fixed-width fields: the account's id and its number of entries
(signed 64-bit big-endian) and its head (32 bytes). A file whose heads do not give its digest was
changed, and is refused.
"""

from __future__ import annotations

import hashlib
import json
import struct
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from wallet_core.verify import AccountRef, BrokenLink, ChainWalk

FORMAT = "wallet-chain-anchor/1"
_COUNTS = struct.Struct(">qq")


class AnchorError(Exception):
    """The anchor file cannot be read as one (its message says why, in one line)."""


@dataclass(frozen=True)
class AnchoredHead:
    account: AccountRef
    entries: int
    last_entry_id: int | None
    head: bytes


@dataclass(frozen=True)
class Anchor:
    taken_at: str
    digest: str
    heads: list[AnchoredHead]


def digest(heads: list[AnchoredHead]) -> str:
    """The digest of the heads (module docstring: the bytes)."""
    hashed = hashlib.sha256()
    for anchored in sorted(heads, key=lambda h: h.account.id):
        hashed.update(_COUNTS.pack(anchored.account.id, anchored.entries) + anchored.head)
    return hashed.hexdigest()


def take(walks: list[ChainWalk], taken_at: datetime) -> Anchor:
    """The anchor of chains just walked (unbroken: an anchor vouches for what it holds)."""
    heads = [AnchoredHead(w.account, w.entries, w.last_entry_id, w.head) for w in walks]
    return Anchor(taken_at.isoformat(), digest(heads), heads)


def write(path: Path, anchor: Anchor) -> None:
    """A new file: an anchor is never overwritten (an existing one is checked instead)."""
    document = {
        "format": FORMAT,
        "taken_at": anchor.taken_at,
        "digest": anchor.digest,
        "accounts": [
            {
                "account": h.account.id,
                "player_id": h.account.player_id,
                "currency": h.account.currency,
                "entries": h.entries,
                "last_entry": h.last_entry_id,
                "head": h.head.hex(),
            }
            for h in anchor.heads
        ],
    }
    with path.open("x", encoding="utf-8") as file:
        json.dump(document, file, indent=1)
        file.write("\n")


def read(path: Path) -> Anchor:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        if document.get("format") != FORMAT:
            raise AnchorError(f"{path} is not a wallet anchor ({FORMAT})")
        heads = [_anchored(entry) for entry in document["accounts"]]
        anchor = Anchor(str(document["taken_at"]), str(document["digest"]), heads)
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise AnchorError(f"{path} is not a readable wallet anchor: {type(error).__name__}: {error}") from None
    if digest(heads) != anchor.digest:
        raise AnchorError(f"{path}: its heads do not give its digest {anchor.digest}: the file was changed")
    return anchor


def positions(anchor: Anchor) -> dict[int, int]:
    """account id -> the anchored number of entries: where ``verify.walk_chains`` looks."""
    return {h.account.id: h.entries for h in anchor.heads}


def check(anchor: Anchor, walks: list[ChainWalk]) -> list[BrokenLink]:
    """Where the ledger no longer extends the anchor: one line per account that breaks it. A
    rewrite is found at the anchored entry, the last one the anchor vouches for: the rewritten
    entry is that one or an earlier one."""
    by_id = {w.account.id: w for w in walks}
    broken: list[BrokenLink] = []
    for anchored in anchor.heads:
        walk = by_id.get(anchored.account.id)
        if walk is None:
            broken.append(BrokenLink(anchored.account, None, "is anchored but is no longer in the ledger"))
        elif anchored.entries == 0:
            continue  # the empty chain: every chain extends it
        elif walk.at_position is None:
            problem = f"is gone: the chain has {walk.entries} entries, the anchor holds {anchored.entries}"
            broken.append(BrokenLink(walk.account, anchored.last_entry_id, problem))
        elif walk.at_position != (anchored.last_entry_id, anchored.head):
            problem = (
                f"(number {anchored.entries} of its chain) is not the anchored entry {anchored.last_entry_id} "
                f"with head {anchored.head.hex()}: it or an earlier entry was rewritten"
            )
            broken.append(BrokenLink(walk.account, walk.at_position[0], problem))
    return broken


def _anchored(entry: dict[str, Any]) -> AnchoredHead:
    last = entry["last_entry"]
    return AnchoredHead(
        AccountRef(int(entry["account"]), str(entry["player_id"]), str(entry["currency"])),
        int(entry["entries"]),
        None if last is None else int(last),
        bytes.fromhex(entry["head"]),
    )
