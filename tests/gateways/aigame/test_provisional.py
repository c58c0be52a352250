import pytest

from gateways.aigame.provisional import NestedSigning, Provisional
from gateways.kit.config import GatewayConfigError


def test_the_defaults_are_the_values_aigame_md_marks_provisional() -> None:
    provisional = Provisional()
    assert provisional.bet_path == "/aigame/v1/wallet/bet"
    assert (provisional.bet_txn_id_field, provisional.bet_amount_field) == ("bet_txn_id", "bet_amount")
    assert (provisional.bet_time_field, provisional.bet_detail_field) == ("bet_time", "bet_detail")
    assert provisional.insufficient_balance_code == 800104
    assert provisional.bet_failure_code == 800106
    assert provisional.nested_signing is NestedSigning.SORTED_COMPACT_JSON
    assert Provisional.from_mapping({}) == provisional


def test_each_value_can_be_overridden() -> None:
    provisional = Provisional.from_mapping(
        {
            "bet_path": "/aigame/v1/wallet/place_bet",
            "bet_txn_id_field": "txn_id",
            "bet_amount_field": "amount",
            "bet_time_field": "time",
            "bet_detail_field": "detail",
            "insufficient_balance_code": 800105,
            "bet_failure_code": 800110,
            "nested_signing": "excluded",
        }
    )
    assert provisional == Provisional(
        "/aigame/v1/wallet/place_bet", "txn_id", "amount", "time", "detail", 800105, 800110, NestedSigning.EXCLUDED
    )


@pytest.mark.parametrize(
    "data", [{"nested_signing": "json"}, {"bet_failure_code": "800106"}, {"bet_path": ""}, {"bet_codes": 1}]
)
def test_bad_overrides_are_refused(data: dict[str, object]) -> None:
    with pytest.raises(GatewayConfigError):
        Provisional.from_mapping(data)
