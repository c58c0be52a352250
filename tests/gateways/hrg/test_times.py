from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from google.protobuf.timestamp_pb2 import Timestamp

from gateways.hrg.times import (
    GMT8,
    LENGTH,
    event_timestamp,
    format_time,
    format_timestamp,
    ms_since_epoch,
    now,
    parse_time,
    to_timestamp,
)
from gateways.kit.refusals import GatewayReason, Refusal


def test_the_seed_time_is_read_with_its_offset() -> None:
    parsed = parse_time("2022-10-14T23:00:00.000+0800", "ts")
    assert parsed == datetime(2022, 10, 14, 15, 0, tzinfo=UTC)
    assert parse_time("2022-10-14T22:59:59.920+0800", "betTime") == datetime(2022, 10, 14, 14, 59, 59, 920_000, UTC)


@pytest.mark.parametrize(
    ("text", "utc"),
    [
        ("2022-10-14T15:00:00.000+0000", datetime(2022, 10, 14, 15, 0, tzinfo=UTC)),
        ("2022-10-14T09:30:00.001-0530", datetime(2022, 10, 14, 15, 0, 0, 1000, UTC)),
        ("2024-02-29T08:00:00.999+0800", datetime(2024, 2, 29, 0, 0, 0, 999_000, UTC)),
    ],
)
def test_other_offsets_are_honoured(text: str, utc: datetime) -> None:
    assert parse_time(text, "ts") == utc


@pytest.mark.parametrize(
    "text",
    [
        "2022-10-14T23:00:00+0800",  # no milliseconds
        "2022-10-14T23:00:00.0+0800",
        "2022-10-14T23:00:00.000000+0800",
        "2022-10-14T23:00:00.000000999+0800",  # finer than a microsecond: dropped
        "2022-10-14 23:00:00.000+0800",
        "2022-10-14T23:00:00.000+08:00",
        "2022-10-14T15:00:00.000Z",
        "2022-10-14T15:00:00Z",
        "2022-10-14T15:00:00.000+0000",
        "2022-10-14T23:00:00.000",  # no offset: GMT+8
        "2022-10-14T23:00:00",
    ],
)
def test_every_shape_hrg_sends_is_read(text: str) -> None:
    assert parse_time(text, "ts") == datetime(2022, 10, 14, 15, 0, tzinfo=UTC)


def test_fraction_digits_are_read_to_the_microsecond() -> None:
    assert parse_time("2022-10-14T23:00:00.9+0800", "ts").microsecond == 900_000
    assert parse_time("2022-10-14T23:00:00.123456789+0800", "ts").microsecond == 123_456


@pytest.mark.parametrize(
    "text",
    [
        "",
        "2022-10-14T23:00:00.+0800",
        "2022-10-14T23:00:00.000+08",
        "2022-10-14T23:00:00.0000000000+0800",  # ten fraction digits
        "2022-10-14T23:00+0800",
        "2022-10-14",
        "2022-10-14T23:00:00.000z",
        "2022-10-14T23:00:00.000+0800\n",
        " 2022-10-14T23:00:00.000+0800",
        "2022-13-14T23:00:00.000+0800",
        "2022-02-30T23:00:00.000+0800",
        "2022-10-14T24:00:00.000+0800",
        "2022-10-14T23:60:00.000+0800",
        "2022-10-14T23:00:00.000+2400",
        "2022-10-14T23:00:00.000+0860",
        "\uff12\uff10\uff12\uff12-10-14T23:00:00.000+0800",  # full-width digits
        "1665759600000",
        "1969-12-31T23:59:59.999+0000",  # before what the core records
        "0001-01-01T00:00:00.000+0800",
        "9999-12-31T23:59:59.999-0100",
    ],
)
def test_malformed_times_are_refused_where_a_time_is_required(text: str) -> None:
    with pytest.raises(Refusal) as refused:
        parse_time(text, "ts")
    assert refused.value.reason is GatewayReason.MALFORMED_REQUEST
    assert "'ts'" in refused.value.detail


def test_an_absent_offset_means_gmt8() -> None:
    assert parse_time("2022-10-14T23:00:00.000", "createTime") == datetime(2022, 10, 14, 15, 0, tzinfo=UTC)
    assert parse_time("2022-10-14T23:00:00.000+0000", "createTime") == datetime(2022, 10, 14, 23, 0, tzinfo=UTC)


def test_an_event_time_falls_back_to_now() -> None:
    instant = datetime(2022, 10, 14, 23, 0, 0, 920_000, GMT8)
    assert event_timestamp(instant).ToMilliseconds() == 1_665_759_600_920
    received = event_timestamp(None).ToMilliseconds()
    assert abs(received - ms_since_epoch(now())) < 5_000


def test_times_are_written_in_gmt8_with_28_characters() -> None:
    written = format_time(datetime(2022, 10, 14, 15, 0, tzinfo=UTC))
    assert written == "2022-10-14T23:00:00.000+0800"
    assert len(written) == LENGTH
    assert format_time(datetime(2022, 12, 31, 23, 59, 59, 999_999, timezone(timedelta(hours=-3)))) == (
        "2023-01-01T10:59:59.999+0800"
    )


def test_writing_then_reading_gives_the_same_millisecond() -> None:
    instant = now().replace(microsecond=123_000)
    assert parse_time(format_time(instant), "balanceTs") == instant


def test_core_timestamps_are_written_like_hrg_times() -> None:
    stamp = Timestamp()
    stamp.FromMilliseconds(1_665_759_600_042)
    assert format_timestamp(stamp) == "2022-10-14T23:00:00.042+0800"


def test_instants_become_exact_core_timestamps() -> None:
    instant = datetime(2022, 10, 14, 23, 0, 0, 920_000, GMT8)
    assert ms_since_epoch(instant) == 1_665_759_600_920
    assert to_timestamp(instant).ToMilliseconds() == 1_665_759_600_920
