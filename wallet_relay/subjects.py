"""Where an event is published: ``<prefix>.<provider>.<kind>`` (kind: debit, credit, rollback, or
tombstone for a cancel of a bet never seen)."""

from __future__ import annotations

import re

from wallet.v1 import wallet_pb2 as pb

_KINDS = {
    pb.TRANSACTION_KIND_DEBIT: "debit",
    pb.TRANSACTION_KIND_CREDIT: "credit",
    pb.TRANSACTION_KIND_ROLLBACK: "rollback",
}
_NOT_A_TOKEN = re.compile(r"[^A-Za-z0-9_-]")


def subject_for(prefix: str, transaction: pb.Transaction) -> str:
    kind = "tombstone" if transaction.status == pb.TRANSACTION_STATUS_TOMBSTONE else _KINDS[transaction.kind]
    # A provider's name is one subject token: NATS's separators and wildcards cannot appear in it.
    provider = _NOT_A_TOKEN.sub("_", transaction.provider) or "_"
    return f"{prefix}.{provider}.{kind}"


def account_of(transaction: pb.Transaction) -> tuple[str, str]:
    """The account an event belongs to: its order is kept per account."""
    return transaction.player_id, transaction.currency
