"""AIGame's bet records (seed 002) as a reconcile query.

status 1 settled -> pay its `win_amount` under the bet's id (the AIGame gateway keys a payout by
`bet_txn_id`: a late real payout of the same amount is then a replay, of another amount a conflict);
2 user cancelled or 3 invalid -> cancel (stake back; the gateway keys a refund by `bet_txn_id` too);
4 settlement changed to invalid -> review; 0 -> leave it; 700237 (no record) -> `on_missing`
("review" by default, or "cancel", or "leave"). A record that names another player or currency, or
another stake, is flagged for review, never acted on.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from gateways.aigame.record_query import (
    DEFAULT_INTERVAL_SECONDS,
    BetRecord,
    RecordQuery,
    RecordQueryConfigError,
    RecordQueryError,
    RecordStatus,
)
from gateways.aigame.settings import DEFAULT_CURRENCIES
from gateways.kit.config import ConfigReader, GatewayConfigError
from wallet.v1 import wallet_pb2 as pb
from wallet_reconcile.proposals import CANCEL, LEAVE, PAY, REVIEW
from wallet_reconcile.queries import QueryFailed, ReconcileConfigError, Suggestion

PROVIDER = "aigame"
ON_MISSING = (REVIEW, CANCEL, LEAVE)


class AIGameQuery:
    def __init__(
        self,
        records: RecordQuery,
        *,
        player_id_prefix: str = "",
        currencies: Mapping[str, str] = DEFAULT_CURRENCIES,
        on_missing: str = REVIEW,
    ) -> None:
        self.records = records
        self.player_id_prefix = player_id_prefix
        self.currencies = dict(currencies)
        self.on_missing = on_missing

    def payout_transaction_id(self, bet: pb.StaleBet) -> str:
        return bet.transaction_id  # gateways/aigame/payout.py: transaction_id=bet_txn_id

    def cancel_transaction_id(self, bet: pb.StaleBet) -> str:
        return bet.transaction_id  # gateways/aigame/refund.py: transaction_id=bet_txn_id

    async def aclose(self) -> None:
        await self.records.aclose()

    async def suggest(self, bet: pb.StaleBet) -> Suggestion:
        try:
            record = await self.records.record(bet.transaction_id)
        except RecordQueryConfigError as error:
            raise QueryFailed(str(error), config=True) from None
        except RecordQueryError as error:
            raise QueryFailed(str(error)) from None
        if record is None:
            return Suggestion(self.on_missing, "", f"AIGame has no record of this bet (700237): {self.on_missing}")
        mismatch = self._mismatch(bet, record)
        if mismatch:
            return Suggestion(REVIEW, "", f"AIGame's record {mismatch}: review by hand")
        status = record.status
        if status is RecordStatus.SETTLED:
            if not record.win_amount:
                return Suggestion(REVIEW, "", "AIGame says settled (1) but names no win_amount: review by hand")
            return Suggestion(
                PAY, record.win_amount, f"AIGame says settled (1), win_amount {record.win_amount}: pay it"
            )
        if status in (RecordStatus.USER_CANCELLED, RecordStatus.INVALID):
            said = "user cancelled (2)" if status is RecordStatus.USER_CANCELLED else "invalid order (3)"
            return Suggestion(CANCEL, "", f"AIGame says {said}: cancel, stake {bet.stake} back")
        if status is RecordStatus.CHANGED_TO_INVALID:
            return Suggestion(REVIEW, "", "AIGame says settlement changed to invalid (4): review by hand")
        return Suggestion(LEAVE, "", "AIGame says bet placed (0): the round is still open, leave it")

    def _mismatch(self, bet: pb.StaleBet, record: BetRecord) -> str:
        """What in the record contradicts the bet the wallet holds, "" when nothing."""
        player = self.player_id_prefix + record.user_id
        if record.user_id and player != bet.player_id:
            return f"names player {record.user_id!r}, the wallet's bet is {bet.player_id!r}"
        currency = self.currencies.get(record.currency, "")
        if record.currency and currency != bet.currency:
            return f"is in {record.currency!r}, the wallet's bet in {bet.currency!r}"
        if record.bet_amount and Decimal(record.bet_amount) != Decimal(bet.stake):
            return f"has a stake of {record.bet_amount}, the wallet's bet {bet.stake}"
        return ""


def query_from_config(table: Mapping[str, Any], config: Mapping[str, Any], path: str) -> AIGameQuery:
    """From [reconcile.providers.aigame]: base_url, agent_id, secret (default: the agent's in
    [gateways.aigame.agents]), interval_seconds (5), on_missing ("review"). The player id prefix and
    the currencies are the AIGame gateway's."""
    gateway = config.get("gateways", {}).get(PROVIDER, {})
    try:
        reader = ConfigReader(table, path)
        base_url = reader.string("base_url")
        agent_id = reader.string("agent_id")
        agents = ConfigReader(gateway, "gateways.aigame").secret_table("agents") if "agents" in gateway else {}
        secret = reader.secret("secret", agents.get(agent_id, ""))
        interval = reader.positive_number("interval_seconds", DEFAULT_INTERVAL_SECONDS)
        on_missing = reader.string("on_missing", REVIEW)
        reader.finish()
    except GatewayConfigError as error:
        raise ReconcileConfigError(str(error)) from None
    if not secret:
        raise ReconcileConfigError(f"{path}.secret is required (or agent {agent_id!r} in [gateways.aigame.agents])")
    if on_missing not in ON_MISSING:
        raise ReconcileConfigError(f"{path}.on_missing must be one of {', '.join(ON_MISSING)}")
    currencies = gateway.get("currencies", DEFAULT_CURRENCIES)
    return AIGameQuery(
        RecordQuery(base_url, agent_id, secret, interval_seconds=interval),
        player_id_prefix=str(gateway.get("player_id_prefix", "")),
        currencies={str(k): str(v) for k, v in currencies.items()},
        on_missing=on_missing,
    )
