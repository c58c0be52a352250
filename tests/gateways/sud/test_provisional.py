from __future__ import annotations

import pytest

from gateways.kit.config import GatewayConfigError
from gateways.sud.provisional import Provisional, ReplayAnswer, TimestampUnit


def test_defaults() -> None:
    provisional = Provisional.from_mapping({})
    assert provisional == Provisional()
    assert provisional.timestamp_unit is TimestampUnit.AUTO
    assert provisional.update_score_replay_answer is ReplayAnswer.DUPLICATE
    assert provisional.order_player_field == "from_uid"


def test_every_value_can_be_overridden() -> None:
    provisional = Provisional.from_mapping(
        {"timestamp_unit": "s", "update_score_replay_answer": "success", "order_player_field": "to_uid"}
    )
    assert provisional == Provisional(TimestampUnit.SECONDS, ReplayAnswer.SUCCESS, "to_uid")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"timestamp_unit": "minutes"}, "provisional.timestamp_unit must be one of"),
        ({"update_score_replay_answer": "9001"}, "provisional.update_score_replay_answer must be one of"),
        ({"update_score_replay_answer": True}, "provisional.update_score_replay_answer must be a non-empty string"),
        ({"order_player_field": ""}, "provisional.order_player_field must be a non-empty string"),
        ({"replay": "success"}, "unknown settings in provisional: replay"),
    ],
)
def test_bad_values_are_refused(data: dict[str, object], message: str) -> None:
    with pytest.raises(GatewayConfigError, match=message):
        Provisional.from_mapping(data)
