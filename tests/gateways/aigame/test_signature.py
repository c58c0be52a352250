"""The gateway's signature agrees with AIGame's rule, checked against strings written out by hand."""

import json
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gateways.aigame.provisional import NestedSigning
from gateways.aigame.signature import _compact_sorted_json, signature, signature_matches, signed_string
from gateways.kit.jsonbody import JsonObject, JsonValue, parse_json_object
from tests.gateways.aigame.vendor import vendor_sign

SORTED_JSON = NestedSigning.SORTED_COMPACT_JSON

# Seed 000's request, with a secret of our own (the seed does not publish its secret).
SEED_PAYOUT: JsonObject = {
    "agent_id": "agent001",
    "user_id": "testUid03",
    "game_id": "101",
    "inst_id": "000002",
    "shoe_id": 10231,
    "round_id": 41,
    "bet_txn_id": "67453d0c23c36d2571d40817",
    "win_amount": "100",
    "pay_out_time": 1732589121000,
    "currency": "VND2",
    "timestamp": 1732589849000,
    "sign": "ac596804f9b76ec6be8f38ad71e4fdb0",
}
SEED_PAYOUT_STRING = (
    "abc123&agent_id=agent001&bet_txn_id=67453d0c23c36d2571d40817&currency=VND2&game_id=101&inst_id=000002"
    "&pay_out_time=1732589121000&round_id=41&shoe_id=10231&timestamp=1732589849000&user_id=testUid03&win_amount=100"
)
SEED_PAYOUT_MD5 = "4de9e551c368554bbee455fed495424e"  # md5 of SEED_PAYOUT_STRING, computed apart
# Seed 002's query.
SEED_DETAIL: JsonObject = {"agent_id": "agent001", "txn_id": "67f8cdf7ab12bf8b5b606115", "timestamp": "1744601317080"}
SEED_DETAIL_MD5 = "cd3fd7abd70b099f53eb50fe082182c2"  # md5 of "abc123&agent_id=agent001&timestamp=...&txn_id=..."


def test_the_string_to_sign_follows_the_vendor_rule() -> None:
    assert signed_string(SEED_PAYOUT, "abc123", SORTED_JSON) == SEED_PAYOUT_STRING


def test_signatures_match_the_digest_of_that_string() -> None:
    assert signature(SEED_PAYOUT, "abc123", SORTED_JSON) == SEED_PAYOUT_MD5
    assert signature(SEED_DETAIL, "abc123", SORTED_JSON) == SEED_DETAIL_MD5
    assert signature_matches({**SEED_PAYOUT, "sign": SEED_PAYOUT_MD5}, "abc123", SORTED_JSON)
    assert signature_matches({**SEED_DETAIL, "sign": SEED_DETAIL_MD5.upper()}, "abc123", SORTED_JSON)


def test_empty_and_null_values_are_left_out() -> None:
    params: JsonObject = {**SEED_PAYOUT, "memo": "", "extra": None}
    assert signed_string(params, "abc123", SORTED_JSON) == SEED_PAYOUT_STRING


def test_values_are_signed_raw_not_url_encoded() -> None:
    params: JsonObject = {"agent_id": "a b&c=d", "timestamp": 1}
    assert signed_string(params, "k", SORTED_JSON) == "k&agent_id=a b&c=d&timestamp=1"


def test_a_number_is_signed_as_it_was_sent() -> None:
    parsed = parse_json_object(b'{"rate": 19.50, "n": 7}')
    assert signed_string(parsed, "k", SORTED_JSON) == "k&n=7&rate=19.50"


def test_nested_values_follow_the_provisional_rule() -> None:
    params: JsonObject = {"bet_detail": {"Player": 5, "Banker": Decimal("10.5")}, "game_result": ["Banker", "Small"]}
    assert signed_string(params, "k", SORTED_JSON) == (
        'k&bet_detail={"Banker":10.5,"Player":5}&game_result=["Banker","Small"]'
    )
    assert signed_string(params, "k", NestedSigning.EXCLUDED) == "k&"


@pytest.mark.parametrize(
    "body",
    [
        dict(SEED_PAYOUT),
        {
            "agent_id": "agent001",
            "bet_detail": {"Tie": 1, "Banker": 10},
            "open_cards": {"banker": "HeartsA"},
            "game_result": ["Tie"],
            "no_comm": False,
            "timestamp": 1,
            "user_id": "\u00fcser",
        },
    ],
)
def test_the_gateway_accepts_what_the_vendor_signs(body: dict[str, Any]) -> None:
    body["sign"] = vendor_sign(body, "vendor-secret")
    received = parse_json_object(json.dumps(body).encode())
    assert signature_matches(received, "vendor-secret", SORTED_JSON)


@pytest.mark.parametrize(
    "change",
    [
        {"win_amount": "1000"},
        {"user_id": "testUid04"},
        {"sign": "0" * 32},
        {"sign": ""},
        {"sign": None},
        {"sign": 12345},
        {"extra": "added after signing"},
    ],
)
def test_any_change_breaks_the_signature(change: JsonObject) -> None:
    signed: JsonObject = {**SEED_PAYOUT, "sign": SEED_PAYOUT_MD5}
    assert not signature_matches({**signed, **change}, "abc123", SORTED_JSON)


def test_another_secret_does_not_match() -> None:
    assert not signature_matches({**SEED_PAYOUT, "sign": SEED_PAYOUT_MD5}, "abc124", SORTED_JSON)


def _signed_value_by_the_rule(value: JsonValue) -> str:
    """How a scalar enters the string to sign, written out from the rule apart from the gateway's code."""
    if value is True or value is False:
        return "true" if value else "false"
    return str(value)


SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.text(max_size=6)
    | st.just("")
    | st.decimals(allow_nan=False, allow_infinity=False)
)
PARAMS = st.dictionaries(
    st.sampled_from(["agent_id", "sign", "user_id", "bet_amount", "timestamp", "shoe_id", "memo", "名"]) | st.text(),
    SCALARS | st.lists(SCALARS, max_size=2) | st.dictionaries(st.text(max_size=3), SCALARS, max_size=2),
    max_size=8,
)


@given(PARAMS, st.sampled_from(NestedSigning))
def test_every_kind_of_value_is_signed_by_the_rule(params: JsonObject, nested: NestedSigning) -> None:
    pairs = []
    for key in sorted(params):
        value = params[key]
        if key == "sign" or value is None or value == "":
            continue
        if isinstance(value, dict | list):
            if nested is NestedSigning.SORTED_COMPACT_JSON:  # its form is tested above, by hand
                pairs.append(f"{key}={_compact_sorted_json(value)}")
        else:
            pairs.append(f"{key}={_signed_value_by_the_rule(value)}")
    assert signed_string(params, "k", nested) == "k&" + "&".join(pairs)
