import pytest

from gateways.kit.codes import CORE_REASONS, KNOWN_REASONS, TRANSPORT_REASONS, CodeTable
from gateways.kit.refusals import GatewayReason
from wallet.v1 import wallet_pb2


def table() -> CodeTable[str]:
    return CodeTable(
        endpoints=("bet", "settle"),
        rows={"INSUFFICIENT_FUNDS": ("1018", "9999"), "TRANSACTION_NOT_FOUND": ("9999", "1001")},
        fallback=("9999", "9998"),
    )


def test_every_reason_of_the_contract_is_known() -> None:
    values = wallet_pb2.ErrorReason.DESCRIPTOR.values
    contract = {value.name.removeprefix("ERROR_REASON_") for value in values} - {"UNSPECIFIED"}
    assert contract == CORE_REASONS
    assert {"GRPC_UNAVAILABLE", "GRPC_DEADLINE_EXCEEDED"} == TRANSPORT_REASONS
    assert CORE_REASONS | {r.value for r in GatewayReason} | TRANSPORT_REASONS == KNOWN_REASONS


def test_codes_are_looked_up_by_endpoint_and_reason() -> None:
    assert table().code_for("bet", "INSUFFICIENT_FUNDS") == "1018"
    assert table().code_for("settle", "TRANSACTION_NOT_FOUND") == "1001"


def test_a_reason_without_a_row_gets_the_fallback() -> None:
    assert table().code_for("bet", "GRPC_INTERNAL") == "9999"
    assert table().code_for("settle", "BAD_SIGNATURE") == "9998"


def test_uncovered_lists_the_reasons_left_to_the_fallback() -> None:
    assert table().uncovered() == KNOWN_REASONS - {"INSUFFICIENT_FUNDS", "TRANSACTION_NOT_FOUND"}


def test_an_unknown_endpoint_is_an_error() -> None:
    with pytest.raises(ValueError):
        table().code_for("refund", "INSUFFICIENT_FUNDS")


def test_a_misspelt_reason_is_refused() -> None:
    with pytest.raises(ValueError, match="INSUFFICIENT_FUND"):
        CodeTable(endpoints=("bet",), rows={"INSUFFICIENT_FUND": ("1018",)}, fallback=("9999",))


def test_a_row_of_the_wrong_width_is_refused() -> None:
    with pytest.raises(ValueError, match="2 codes for 1 endpoints"):
        CodeTable(endpoints=("bet",), rows={"INSUFFICIENT_FUNDS": ("1018", "1")}, fallback=("9999",))
    with pytest.raises(ValueError, match="fallback"):
        CodeTable(endpoints=("bet",), rows={}, fallback=())
