"""HRG's times: strings of exactly 28 characters, `yyyy-MM-dd'T'HH:mm:ss.SSS+0800` (GMT+8).

A time is parsed with the offset it carries and refused (MALFORMED_REQUEST) unless it has exactly
that shape and names a real instant. Answers (`balanceTs`) are written in the same shape, always at
+0800, to the millisecond (finer digits are dropped, never rounded up into the future).
`event_settle`'s `createTime` may come without its offset: that 23-character form is read as GMT+8.
"""

import re
from datetime import UTC, datetime, timedelta, timezone

from google.protobuf.timestamp_pb2 import Timestamp

from gateways.kit.refusals import GatewayReason, Refusal
from gateways.kit.timestamps import ms_of, timestamp_from_ms

GMT8 = timezone(timedelta(hours=8))
LENGTH = 28
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ONE_MS = timedelta(milliseconds=1)
_TIME = re.compile(
    r"(?P<year>[0-9]{4})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})"
    r"T(?P<hour>[0-9]{2}):(?P<minute>[0-9]{2}):(?P<second>[0-9]{2})\.(?P<ms>[0-9]{3})"
    r"(?:(?P<sign>[+-])(?P<off_h>[0-9]{2})(?P<off_m>[0-9]{2}))?"
)


def _malformed(field: str, text: str, problem: str) -> Refusal:
    return Refusal(GatewayReason.MALFORMED_REQUEST, f"field {field!r} {problem}: {text[:40]!r}")


def parse_time(text: str, field: str, *, offset_optional: bool = False) -> datetime:
    """The instant `text` names, as an aware datetime; Refusal(MALFORMED_REQUEST) unless well formed."""
    match = _TIME.fullmatch(text)
    if match is None or (match["sign"] is None and not offset_optional):
        shape = "yyyy-MM-ddTHH:mm:ss.SSS+0800" + (" (offset optional)" if offset_optional else "")
        raise _malformed(field, text, f"is not a time of the form {shape}")
    if match["sign"] is None:
        zone = GMT8
    else:
        hours, minutes = int(match["off_h"]), int(match["off_m"])
        if hours > 23 or minutes > 59:
            raise _malformed(field, text, "has an impossible offset")
        sign = -1 if match["sign"] == "-" else 1
        zone = timezone(sign * timedelta(hours=hours, minutes=minutes))
    try:
        return datetime(
            int(match["year"]), int(match["month"]), int(match["day"]),
            int(match["hour"]), int(match["minute"]), int(match["second"]), int(match["ms"]) * 1000,
            tzinfo=zone,
        )  # fmt: skip
    except ValueError as error:
        raise _malformed(field, text, f"is not a real time ({error})") from None


def ms_since_epoch(instant: datetime) -> int:
    """Exact milliseconds since 1970-01-01T00:00:00Z (no float)."""
    return (instant - _EPOCH) // _ONE_MS


def to_timestamp(instant: datetime) -> Timestamp:
    """A protobuf Timestamp for the core (Refusal(MALFORMED_REQUEST) before 1970)."""
    return timestamp_from_ms(ms_since_epoch(instant))


def format_time(instant: datetime) -> str:
    """`instant` as HRG writes times: 28 characters at +0800, e.g. 2022-10-14T23:00:00.000+0800."""
    t = instant.astimezone(GMT8)
    return (
        f"{t.year:04d}-{t.month:02d}-{t.day:02d}T{t.hour:02d}:{t.minute:02d}:{t.second:02d}"
        f".{t.microsecond // 1000:03d}+0800"
    )


def format_timestamp(timestamp: Timestamp) -> str:
    """A core Timestamp (e.g. when a transaction was recorded) as HRG writes times."""
    return format_time(_EPOCH + ms_of(timestamp) * _ONE_MS)


def now() -> datetime:
    return datetime.now(UTC)
