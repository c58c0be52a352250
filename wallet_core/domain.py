"""Plain records of the ledger, free of any ORM: what a request asks (prepared once) and what was stored."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, NoReturn

from wallet_core import money
from wallet_core.errors import Reason, WalletError


class Kind(StrEnum):
    DEBIT = "debit"
    CREDIT = "credit"
    ROLLBACK = "rollback"


class Status(StrEnum):
    COMPLETED = "completed"
    FAILED = "failed"
    TOMBSTONE = "tombstone"


class BetState(StrEnum):
    PLACED = "placed"
    SETTLED = "settled"
    CANCELLED = "cancelled"
    TOMBSTONE = "tombstone"


MAX_ID_LENGTH = 128
MAX_PROVIDER_LENGTH = 32
MAX_CURRENCY_LENGTH = 16
MAX_AMOUNT_LENGTH = 64


@dataclass(frozen=True, slots=True)
class MoneyRequest:
    """One Debit, Credit or Rollback, prepared once (``prepare``) and then only read: checked,
    its amount parsed and converted, its details serialised and its fingerprint taken. Every
    layer below the entrypoint (ledger, fast paths, writers) takes this one value."""

    kind: Kind
    provider: str
    transaction_id: str
    player_id: str
    currency: str  # a cancel may leave it empty: the bet's is used
    amount: int
    """Minor units of ``currency``; 0 when no amount was given, or a cancel names no currency."""
    amount_sent: Decimal | None
    """The amount as sent, parsed; None when none was given (a cancel may omit it). A cancel
    without a currency converts it against its bet's currency."""
    fingerprint: str  # ``fingerprint``: what must be the same for a repeat to be a replay
    round_id: str
    game_id: str
    table_id: str
    reference_id: str
    details: dict[str, Any]
    details_text: str  # ``details`` as the store keeps it (compact JSON), serialised once
    event_time: datetime | None
    raw_request: str
    reverse_payouts: bool
    client: str  # the authenticated identity that asked (which gateway or service)

    @classmethod
    def prepare(
        cls,
        scales: Mapping[str, int],
        kind: Kind,
        provider: str,
        transaction_id: str,
        player_id: str,
        currency: str,
        amount: str,
        *,
        round_id: str = "",
        game_id: str = "",
        table_id: str = "",
        reference_id: str = "",
        details: dict[str, Any] | None = None,
        event_time: datetime | None = None,
        raw_request: str = "",
        reverse_payouts: bool = False,
        client: str = "",
    ) -> MoneyRequest:
        """A request as the caller sent it (``amount`` a decimal string), checked against the
        ledger's currencies (``scales``: code -> decimals): INVALID_ARGUMENT, INVALID_AMOUNT or
        UNSUPPORTED_CURRENCY for what cannot be applied, before anything is read or written."""
        if kind is Kind.ROLLBACK and not reference_id:
            raise WalletError(
                Reason.INVALID_ARGUMENT,
                "reference_transaction_id names the bet to cancel",
                field="reference_transaction_id",
            )
        require("provider", provider, MAX_PROVIDER_LENGTH)
        require("transaction_id", transaction_id, MAX_ID_LENGTH)
        require("player_id", player_id, MAX_ID_LENGTH)
        optional_ids = (
            ("round_id", round_id),
            ("game_id", game_id),
            ("table_id", table_id),
            ("reference_id", reference_id),
        )
        for name, value in optional_ids:
            if len(value) > MAX_ID_LENGTH:
                raise WalletError(Reason.INVALID_ARGUMENT, f"{name} is longer than {MAX_ID_LENGTH}", field=name)
        for name, value in (*optional_ids, ("raw_request", raw_request)):
            if "\x00" in value:
                _nul(name)
        if kind is Kind.ROLLBACK:  # the bet decides: a cancel may name neither currency nor amount
            scale = scale_of(scales, currency) if currency else 0
            sent = money.parse_amount(amount) if amount else None
            minor = money.to_minor(sent, currency, scale) if sent is not None and currency else 0
        else:
            require("currency", currency, MAX_CURRENCY_LENGTH)
            scale = scale_of(scales, currency)
            require("amount", amount, MAX_AMOUNT_LENGTH)
            sent = money.parse_amount(amount)
            minor = money.to_minor(sent, currency, scale)
        details = details if details is not None else {}
        return cls(
            kind=kind,
            provider=provider,
            transaction_id=transaction_id,
            player_id=player_id,
            currency=currency,
            amount=minor,
            amount_sent=sent,
            fingerprint=fingerprint(
                kind,
                player_id,
                currency,
                money.canonical(sent) if sent is not None else "",
                reference_id,
                reverse_payouts,
            ),
            round_id=round_id,
            game_id=game_id,
            table_id=table_id,
            reference_id=reference_id,
            details=details,
            details_text=_compact_json(details) if details else "{}",
            event_time=event_time,
            raw_request=raw_request,
            reverse_payouts=reverse_payouts,
            client=client,
        )


def fingerprint(
    kind: Kind, player_id: str, currency: str, amount: str, reference_id: str, reverse_payouts: bool
) -> str:
    """Hash of what must be the same for a repeat to be a replay (rule 2); ``amount`` in its
    canonical spelling (``money.canonical``), "" for none.

    Ids and times of the round, details and the raw request may differ between a provider's
    retries (new timestamp, new signature) and are not part of it. Stored rows hold these hashes:
    the text hashed must never change: it is ``json.dumps`` of the six values with sort_keys=True,
    written out here (the same text, without building a dict and an encoder on every request).
    """
    text = (
        f'{{"amount": {_json_string(amount)}, "currency": {_json_string(currency)}, '
        f'"kind": {_json_string(kind.value)}, "player_id": {_json_string(player_id)}, '
        f'"reference_id": {_json_string(reference_id)}, '
        f'"reverse_payouts": {"true" if reverse_payouts else "false"}}}'
    )
    return hashlib.sha256(text.encode()).hexdigest()


_json_string = json.encoder.encode_basestring_ascii  # how json.dumps writes a str (ensure_ascii)


_compact_json = json.JSONEncoder(separators=(",", ":")).encode
"""The text the store's JSON columns hold: ``store.database.json_text`` (SQLAlchemy's serialiser
there, which the domain does not import), without a new encoder for every request."""


def scale_of(scales: Mapping[str, int], currency: str) -> int:
    """The decimals of ``currency``, or UNSUPPORTED_CURRENCY."""
    try:
        return scales[currency]
    except KeyError:
        raise WalletError(
            Reason.UNSUPPORTED_CURRENCY, f"currency {currency!r} is not configured", currency=currency[:32]
        ) from None


def require(field: str, value: str, max_length: int) -> None:
    """INVALID_ARGUMENT unless ``value`` is given, at most ``max_length`` long and free of NUL."""
    if not value:
        raise WalletError(Reason.INVALID_ARGUMENT, f"{field} is required", field=field)
    if len(value) > max_length:
        raise WalletError(Reason.INVALID_ARGUMENT, f"{field} is longer than {max_length}", field=field)
    if "\x00" in value:
        _nul(field)


def _nul(field: str) -> NoReturn:
    """PostgreSQL text cannot hold NUL: refused here rather than answered STORE_UNAVAILABLE."""
    raise WalletError(Reason.INVALID_ARGUMENT, f"{field} contains a NUL character", field=field)


@dataclass(frozen=True)
class Bet:
    id: int
    provider: str
    transaction_id: str
    player_id: str
    currency: str
    state: BetState
    stake: int
    payout: int
    placed_at: datetime | None
    settled_at: datetime | None
    cancelled_at: datetime | None


@dataclass(frozen=True)
class Transaction:
    """A stored request and its outcome; amounts in minor units of ``currency``."""

    id: int
    provider: str
    transaction_id: str
    kind: Kind
    status: Status
    player_id: str
    currency: str
    amount: int
    balance_change: int
    balance_after: int | None
    round_id: str
    game_id: str
    table_id: str
    reference_id: str
    details: dict[str, Any]
    event_time: datetime | None
    created_at: datetime
    request_hash: str
    error_reason: str | None
    error_metadata: dict[str, str] | None
    account_id: int | None
    bet_id: int | None
    bet: Bet | None = None


@dataclass(frozen=True)
class Outcome:
    """What a money request answers: the stored transaction, and whether it is a replay."""

    transaction: Transaction
    replay: bool


@dataclass(frozen=True)
class Account:
    id: int
    player_id: str
    currency: str
    balance: int
    created_at: datetime
