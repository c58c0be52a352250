import pytest
from google.protobuf.timestamp_pb2 import Timestamp

from gateways.kit.refusals import GatewayReason, Refusal
from gateways.kit.timestamps import TimestampWindow, ms_of, set_ms, timestamp_from_ms
from wallet.v1.wallet_pb2 import DebitRequest

NOW = 1_732_589_849.0  # seed 000's timestamp, in seconds
NOW_MS = 1_732_589_849_000


def window() -> TimestampWindow:
    return TimestampWindow(600, clock=lambda: NOW)


@pytest.mark.parametrize("offset_ms", [0, -600_000, 600_000, -1, 1])
def test_timestamps_within_ten_minutes_either_way_pass(offset_ms: int) -> None:
    window().check_ms(NOW_MS + offset_ms)


@pytest.mark.parametrize("offset_ms", [-600_001, 600_001, -NOW_MS])
def test_timestamps_outside_the_window_are_stale(offset_ms: int) -> None:
    with pytest.raises(Refusal) as refused:
        window().check_ms(NOW_MS + offset_ms)
    assert refused.value.reason is GatewayReason.STALE_TIMESTAMP


@pytest.mark.parametrize("timestamp_ms", [2**64, 10**400, -(10**400)])
def test_integers_no_float_holds_are_stale_not_a_crash(timestamp_ms: int) -> None:
    # Found by tests/fuzz: timestamp_ms / 1000 overflowed a float (OverflowError, answered as a crash).
    with pytest.raises(Refusal) as refused:
        window().check_ms(timestamp_ms)
    assert refused.value.reason is GatewayReason.STALE_TIMESTAMP
    assert len(refused.value.detail) < 100


def test_event_times_become_protobuf_timestamps_and_back() -> None:
    stamp = timestamp_from_ms(1_732_589_121_000)
    assert stamp.ToJsonString() == "2024-11-26T02:45:21Z"
    assert ms_of(stamp) == 1_732_589_121_000
    assert ms_of(Timestamp()) == 0


@pytest.mark.parametrize("ms", [-1, 253_402_300_800_000, 10**19])
def test_absurd_event_times_are_malformed(ms: int) -> None:
    with pytest.raises(Refusal) as refused:
        timestamp_from_ms(ms)
    assert refused.value.reason is GatewayReason.MALFORMED_REQUEST


@pytest.mark.parametrize("ms", [0, 1, 1_732_589_121_123, 253_402_300_799_999])
def test_an_event_time_is_set_in_place_as_it_would_be_copied(ms: int) -> None:
    debit = DebitRequest()
    set_ms(debit.event_time, ms)
    assert debit.HasField("event_time")
    assert debit.SerializeToString() == DebitRequest(event_time=timestamp_from_ms(ms)).SerializeToString()


@pytest.mark.parametrize("ms", [-1, 253_402_300_800_000])
def test_an_absurd_event_time_is_not_set_in_place(ms: int) -> None:
    debit = DebitRequest()
    with pytest.raises(Refusal) as refused:
        set_ms(debit.event_time, ms)
    assert refused.value.reason is GatewayReason.MALFORMED_REQUEST
    assert not debit.HasField("event_time")
