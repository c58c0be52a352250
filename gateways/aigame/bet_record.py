"""One bet as AIGame's "Query Bet Records (Transaction ID)" answers it (seed 002), from the wallet's records.

Amounts, ids, states and times come from the core's ledger (a bet's time is its debit's
`event_time`, a settlement's its payout's); descriptive fields (bet items, results, cards, shoe)
are whatever AIGame sent with the bet, its payouts and its cancel, kept in each transaction's
details; later messages win over earlier ones, for the game, table and round ids too. Transactions
stored before the gateway left the typed fields out of `details` still hold `bet_time` and
`pay_out_time` there: the same values (read in any shape the gateway reads times in).

A field AIGame never sent (a payout page's version has no table, shoe or round) is answered in the
record's shape as empty: "" for the text ids (`game_id`, `inst_id`), 0 for the integers
(`shoe_id`, `round_id`), {} and [] for the details; a missing time falls back to the ledger's
(receipt) time. A shoe or round sent as digits is answered as an integer, other text as sent.

Status: 0 placed, 1 settled, 2 cancelled before settlement, 3 invalid (the bet was refused, e.g.
for insufficient funds), 4 settlement changed to invalid (cancelled after being paid: refund
status 1). A cancel that found no bet (a tombstone) is no bet record: TRANSACTION_NOT_FOUND.
"""

from collections.abc import Sequence
from decimal import Decimal

import grpc

from gateways.aigame.descriptive import event_ms
from gateways.kit.core_errors import CoreError
from gateways.kit.currencies import CurrencyMap
from gateways.kit.details import from_struct
from gateways.kit.fields import MAX_ID_LENGTH
from gateways.kit.jsonbody import JsonObject, JsonValue
from gateways.kit.money import format_at_scale_of
from gateways.kit.players import PlayerIds
from gateways.kit.timestamps import ms_of
from wallet.v1 import wallet_pb2

PLACED, SETTLED, CANCELLED, INVALID, SETTLEMENT_VOIDED = 0, 1, 2, 3, 4


def _told(transactions: Sequence[wallet_pb2.Transaction]) -> JsonObject:
    told: JsonObject = {}
    for transaction in transactions:
        told.update(from_struct(transaction.details))
    return told


def _status(bet: wallet_pb2.Transaction, payouts: Sequence[wallet_pb2.Transaction]) -> int:
    if bet.status == wallet_pb2.TRANSACTION_STATUS_FAILED:
        return INVALID
    state = bet.bet.state
    if state == wallet_pb2.BET_STATE_SETTLED:
        return SETTLED
    if state == wallet_pb2.BET_STATE_CANCELLED:
        return SETTLEMENT_VOIDED if payouts else CANCELLED
    return PLACED


def _settle_time(told: JsonObject, payouts: Sequence[wallet_pb2.Transaction], bet: wallet_pb2.Transaction) -> int:
    if not payouts:
        return 0
    return event_ms(told.get("pay_out_time")) or ms_of(payouts[-1].event_time) or ms_of(bet.bet.settled_at)


def _integer_or_text(value: JsonValue) -> int | str:
    """A shoe or round as the record's integer, of any size (18446744073709551616 too: JSON has no
    limit and `details` keep it as its digits): digits as one, up to MAX_ID_LENGTH of them (longer,
    as sent: int() refuses past 4,300 digits), other text as sent, anything else 0."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value:
        return int(value) if value.isascii() and value.isdigit() and len(value) <= MAX_ID_LENGTH else value
    return 0


def _latest_id(transactions: Sequence[wallet_pb2.Transaction], field: str) -> str:
    """The last of the transactions' `field` ids that AIGame sent ("" when none did)."""
    sent = [getattr(t, field) for t in transactions if getattr(t, field)]
    return sent[-1] if sent else ""


def bet_record(
    answer: wallet_pb2.GetTransactionResponse,
    *,
    currencies: CurrencyMap,
    players: PlayerIds,
    bet_detail_field: str,
) -> dict[str, object]:
    """The seed-002 `data` object for the bet `answer.transaction` and its `related` transactions."""
    bet = answer.transaction
    if bet.kind != wallet_pb2.TRANSACTION_KIND_DEBIT or bet.status == wallet_pb2.TRANSACTION_STATUS_TOMBSTONE:
        raise CoreError(grpc.StatusCode.NOT_FOUND, "TRANSACTION_NOT_FOUND", {}, "no bet with that id")
    related = [t for t in answer.related if t.wallet_transaction_id != bet.wallet_transaction_id]
    completed = [t for t in related if t.status == wallet_pb2.TRANSACTION_STATUS_COMPLETED]
    payouts = [t for t in completed if t.kind == wallet_pb2.TRANSACTION_KIND_CREDIT]
    cancels = [t for t in completed if t.kind == wallet_pb2.TRANSACTION_KIND_ROLLBACK]
    told_by = [bet, *payouts, *cancels]
    told = _told(told_by)
    status = _status(bet, payouts)

    stake = bet.amount if status == INVALID else bet.bet.stake or bet.amount
    zero = format_at_scale_of(Decimal(0), stake)
    paid = sum((Decimal(t.amount) for t in payouts), Decimal(0))
    win = format_at_scale_of(paid, stake)
    paid_out = status in (SETTLED, SETTLEMENT_VOIDED)
    currency = told.get("currency")

    return {
        "id": bet.transaction_id,
        "user_id": players.to_provider(bet.player_id),
        "game_id": _latest_id(told_by, "game_id"),
        "inst_id": _latest_id(told_by, "table_id"),
        "shoe_id": _integer_or_text(told.get("shoe_id")),
        "round_id": _integer_or_text(_latest_id(told_by, "round_id")),
        "bet_time": event_ms(told.get("bet_time")) or ms_of(bet.event_time) or ms_of(bet.created_at),
        "settle_time": _settle_time(told, payouts, bet),
        "bet_amount": stake,
        "real_bet_amount": stake if status in (PLACED, SETTLED) else zero,
        "valid_bet_turnover": stake if status == SETTLED else zero,
        "win_amount": win,
        "real_win_amount": format_at_scale_of(paid - Decimal(stake), stake) if paid_out else zero,
        "currency": currency if isinstance(currency, str) else currencies.to_provider(bet.currency),
        "bet_detail": told.get(bet_detail_field) or {},
        "win_detail": told.get("win_detail") or {},
        "no_comm": told.get("no_comm") is True,
        "game_result": told.get("game_result") or [],
        "open_cards": told.get("open_cards") or {},
        "create_time": ms_of(bet.created_at),
        "update_time": max(ms_of(t.created_at) for t in [bet, *related]),
        "status": status,
    }
