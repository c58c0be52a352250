"""PROVISIONAL: every SUD value the vendor's own text did not settle, in this one table.

Each can be overridden under `[gateways.sud.provisional]` without a code change once SUD confirms
(or corrects) it; docs/providers/sud.md lists them for whoever talks to the vendor.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from gateways.kit.config import ConfigReader, GatewayConfigError


class TimestampUnit(StrEnum):
    """The unit of the `Sud-Timestamp` header."""

    AUTO = "auto"
    """By magnitude: 10**11 and above is milliseconds (any time after March 1973), below is seconds."""
    SECONDS = "s"
    MILLISECONDS = "ms"


class ReplayAnswer(StrEnum):
    """What an identical repeat of an `update_score` order is answered (it moves nothing either way)."""

    DUPLICATE = "duplicate"
    """ret_code 9001, "duplicate order id"."""
    SUCCESS = "success"
    """ret_code 0 with the balance right after the original order."""


@dataclass(frozen=True)
class Provisional:
    # SUD's signature page gives a 12-digit example timestamp, its Authorization page a 10-digit one.
    timestamp_unit: TimestampUnit = TimestampUnit.AUTO
    # sud.md says 9001 is "duplicate order id" (the SDK's ErrDuplicateOrderID), not whether SUD
    # reads it as "already done" or as a failure of the order.
    update_score_replay_answer: ReplayAnswer = ReplayAnswer.DUPLICATE
    # order.changed: the field naming the player whose buy-in the order carried. SUD's page names
    # from_uid the paying user and to_uid the target; the buy-in debit is the payer's.
    order_player_field: str = "from_uid"

    @classmethod
    def from_mapping(cls, data: Mapping[str, object], path: str = "provisional") -> "Provisional":
        reader = ConfigReader(data, path)
        unit = reader.string("timestamp_unit", cls.timestamp_unit.value)
        if unit not in TimestampUnit.__members__.values():
            raise GatewayConfigError(f"{path}.timestamp_unit must be one of {[u.value for u in TimestampUnit]}")
        replay = reader.string("update_score_replay_answer", cls.update_score_replay_answer.value)
        if replay not in ReplayAnswer.__members__.values():
            answers = [a.value for a in ReplayAnswer]
            raise GatewayConfigError(f"{path}.update_score_replay_answer must be one of {answers}")
        provisional = cls(
            timestamp_unit=TimestampUnit(unit),
            update_score_replay_answer=ReplayAnswer(replay),
            order_player_field=reader.string("order_player_field", cls.order_player_field),
        )
        reader.finish()
        return provisional
