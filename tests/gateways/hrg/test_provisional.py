from __future__ import annotations

import pytest

from gateways.hrg.provisional import Provisional
from gateways.kit.config import GatewayConfigError


def test_the_defaults_are_hrg_md_s_provisional_values() -> None:
    provisional = Provisional.from_mapping({})
    assert (provisional.invalid_user_code, provisional.invalid_parameters_code, provisional.auth_failure_code) == (
        "1000",
        "1001",
        "1038",
    )
    assert provisional.secret_header == "X-HRG-Secret"


def test_every_value_can_be_overridden() -> None:
    provisional = Provisional.from_mapping(
        {
            "invalid_user_code": "2000",
            "invalid_parameters_code": "2001",
            "auth_failure_code": "2038",
            "secret_header": "X-Hrg-Key",
        }
    )
    assert provisional == Provisional("2000", "2001", "2038", "X-Hrg-Key")


@pytest.mark.parametrize(
    "overrides",
    [
        {"invalid_user_code": "100"},
        {"invalid_user_code": "10000"},
        {"invalid_user_code": "1a00"},
        {"invalid_user_code": 1000},
        {"auth_failure_code": "0000"},
        {"invalid_parameters_code": "8001"},
        {"invalid_parameters_code": "9999"},
        {"invalid_parameters_code": "1000"},
        {"secret_header": "X HRG"},
        {"secret_header": ""},
        {"unknown": "1"},
    ],
)
def test_bad_values_are_refused_naming_the_section(overrides: dict[str, object]) -> None:
    with pytest.raises(GatewayConfigError, match=r"gateways\.hrg\.provisional"):
        Provisional.from_mapping(overrides, "gateways.hrg.provisional")
