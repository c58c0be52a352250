import pytest

from gateways.aigame.authenticate import AgentSignatures
from gateways.aigame.provisional import NestedSigning
from gateways.kit.jsonbody import JsonObject
from gateways.kit.refusals import GatewayReason, Refusal
from gateways.kit.timestamps import TimestampWindow
from tests.gateways.aigame.vendor import vendor_sign

NOW_MS = 1_732_589_849_000
AUTHENTICATOR = AgentSignatures(
    agents={"agent001": "k1", "agent002": "k2"},
    window=TimestampWindow(600, clock=lambda: NOW_MS / 1000),
    nested=NestedSigning.SORTED_COMPACT_JSON,
)


def signed(agent_id: str, secret: str, timestamp: object = NOW_MS) -> JsonObject:
    params: JsonObject = {"agent_id": agent_id, "user_id": "u1", "currency": "USD", "timestamp": timestamp}  # type: ignore[dict-item]
    params["sign"] = vendor_sign(params, secret)
    return params


def refusal(params: JsonObject) -> GatewayReason:
    with pytest.raises(Refusal) as refused:
        AUTHENTICATOR.agent_of(params)
    return refused.value.reason


def test_a_known_agent_with_a_valid_signature_and_fresh_timestamp_passes() -> None:
    assert AUTHENTICATOR.agent_of(signed("agent001", "k1")) == "agent001"
    assert AUTHENTICATOR.agent_of(signed("agent002", "k2", str(NOW_MS))) == "agent002"


def test_an_unknown_agent_is_refused() -> None:
    assert refusal(signed("agent003", "k1")) is GatewayReason.UNKNOWN_AGENT


def test_another_agents_secret_is_a_bad_signature() -> None:
    assert refusal(signed("agent001", "k2")) is GatewayReason.BAD_SIGNATURE


def test_a_stale_timestamp_is_refused_even_well_signed() -> None:
    assert refusal(signed("agent001", "k1", NOW_MS - 600_001)) is GatewayReason.STALE_TIMESTAMP


@pytest.mark.parametrize(
    "params",
    [
        {"user_id": "u1"},
        {"agent_id": 1, "user_id": "u1"},
        signed("agent001", "k1", None),
        signed("agent001", "k1", "yesterday"),
    ],
)
def test_missing_or_mistyped_credentials_are_malformed(params: JsonObject) -> None:
    assert refusal(params) is GatewayReason.MALFORMED_REQUEST
