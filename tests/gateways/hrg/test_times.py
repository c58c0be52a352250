from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from google.protobuf.timestamp_pb2 import Timestamp

from gateways.hrg.times import (
    GMT8,
    LENGTH,
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
        "",
        "2022-10-14T23:00:00+0800",  # no milliseconds
        "2022-10-14T23:00:00.00+0800",
        "2022-10-14 23:00:00.000+0800",
        "2022-10-14T23:00:00.000+08:00",
        "2022-10-14T23:00:00.000Z",
        "2022-10-14T23:00:00.000+08",
        "2022-10-14T23:00:00.000",  # no offset where one is required
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
    ],
)
def test_malformed_times_are_refused(text: str) -> None:
    with pytest.raises(Refusal) as refused:
        parse_time(text, "ts")
    assert refused.value.reason is GatewayReason.MALFORMED_REQUEST
    assert "'ts'" in refused.value.detail


def test_an_optional_offset_means_gmt8() -> None:
    assert parse_time("2022-10-14T23:00:00.000", "createTime", offset_optional=True) == datetime(
        2022, 10, 14, 15, 0, tzinfo=UTC
    )
    assert parse_time("2022-10-14T23:00:00.000+0000", "createTime", offset_optional=True) == datetime(
        2022, 10, 14, 23, 0, tzinfo=UTC
    )
    with pytest.raises(Refusal):
        parse_time("2022-10-14T23:00:00", "createTime", offset_optional=True)


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


def test_a_time_before_1970_is_refused_for_the_core() -> None:
    with pytest.raises(Refusal) as refused:
        to_timestamp(parse_time("1969-12-31T23:59:59.999+0000", "ts"))
    assert refused.value.reason is GatewayReason.MALFORMED_REQUEST
