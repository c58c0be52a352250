from gateways.kit.codes import CORE_REASONS
from gateways.kit.refusals import GatewayReason, Refusal


def test_a_refusal_carries_its_reason_and_detail() -> None:
    refusal = Refusal(GatewayReason.BAD_SIGNATURE, "sign does not match")
    assert refusal.reason is GatewayReason.BAD_SIGNATURE
    assert refusal.detail == "sign does not match"
    assert str(refusal) == "BAD_SIGNATURE: sign does not match"


def test_gateway_reasons_shared_with_the_core_are_spelled_like_the_core() -> None:
    assert {GatewayReason.INVALID_AMOUNT, GatewayReason.UNSUPPORTED_CURRENCY} <= CORE_REASONS
    assert all(reason.value == reason.name for reason in GatewayReason)
