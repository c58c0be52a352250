import grpc

from gateways.kit.core_errors import CoreError, transport_reason


def test_a_failure_without_error_info_is_named_after_its_code() -> None:
    assert transport_reason(grpc.StatusCode.UNAVAILABLE) == "GRPC_UNAVAILABLE"
    assert transport_reason(grpc.StatusCode.DEADLINE_EXCEEDED) == "GRPC_DEADLINE_EXCEEDED"


def test_only_answers_that_decided_nothing_may_be_retried() -> None:
    def error(code: grpc.StatusCode, reason: str) -> CoreError:
        return CoreError(code, reason, {}, "")

    assert error(grpc.StatusCode.UNAVAILABLE, "GRPC_UNAVAILABLE").nothing_decided
    assert error(grpc.StatusCode.DEADLINE_EXCEEDED, "GRPC_DEADLINE_EXCEEDED").nothing_decided
    assert error(grpc.StatusCode.UNAVAILABLE, "STORE_UNAVAILABLE").nothing_decided
    assert error(grpc.StatusCode.CANCELLED, "GRPC_CANCELLED").nothing_decided  # a core stopped mid-call
    assert not error(grpc.StatusCode.FAILED_PRECONDITION, "INSUFFICIENT_FUNDS").nothing_decided
    assert not error(grpc.StatusCode.ALREADY_EXISTS, "IDEMPOTENCY_CONFLICT").nothing_decided
    assert not error(grpc.StatusCode.INTERNAL, "GRPC_INTERNAL").nothing_decided


def test_the_error_keeps_what_the_core_said() -> None:
    error = CoreError(grpc.StatusCode.NOT_FOUND, "TRANSACTION_NOT_FOUND", {"transaction_id": "b1"}, "no bet")
    assert (error.code, error.reason, error.metadata, error.message) == (
        grpc.StatusCode.NOT_FOUND,
        "TRANSACTION_NOT_FOUND",
        {"transaction_id": "b1"},
        "no bet",
    )
    assert str(error) == "TRANSACTION_NOT_FOUND (NOT_FOUND): no bet"
