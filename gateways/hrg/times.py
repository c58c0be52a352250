"""HRG's times: `yyyy-MM-dd'T'HH:mm:ss.SSS+0800` (GMT+8) as documented, read liberally.

HRG documents 28 characters (seed 001), but its times have been seen in other shapes (hrg.md, "What
the public vendor pages add"). Read as one instant, all of these:

- `T` or a space between date and time;
- with milliseconds, with another count of fraction digits (finer than 1 ms is dropped), or none;
- an offset `+0800`, `+08:00`, `Z`, or none: no offset means GMT+8, HRG's zone.

`parse_time` refuses anything else (MALFORMED_REQUEST). That refusal stands only for place_bet's
`ts` (the one time checked against a window); every other time is descriptive, and one that cannot
be read is only kept as sent (gateways/hrg/requests.py).
Answers (`balanceTs`) are always written in the documented shape, at +0800, to the millisecond.
"""

import re
from datetime import UTC, datetime, timedelta, timezone

from google.protobuf.timestamp_pb2 import Timestamp

from gateways.kit.refusals import GatewayReason, Refusal
from gateways.kit.timestamps import ms_of, timestamp_from_ms

GMT8 = timezone(timedelta(hours=8))
LENGTH = 28
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_LAST = datetime(9999, 12, 31, 23, 59, 59, 999_000, tzinfo=UTC)
"""The last instant a core Timestamp holds (to the millisecond)."""
_ONE_MS = timedelta(milliseconds=1)
_TIME = re.compile(
    r"(?P<year>[0-9]{4})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})"
    r"[T ](?P<hour>[0-9]{2}):(?P<minute>[0-9]{2}):(?P<second>[0-9]{2})(?:\.(?P<fraction>[0-9]{1,9}))?"
    r"(?:(?P<utc>Z)|(?P<sign>[+-])(?P<off_h>[0-9]{2}):?(?P<off_m>[0-9]{2}))?"
)
SHAPE = "yyyy-MM-ddTHH:mm:ss[.SSS][+0800|+08:00|Z]"


def _malformed(field: str, text: str, problem: str) -> Refusal:
    return Refusal(GatewayReason.MALFORMED_REQUEST, f"field {field!r} {problem}: {text[:40]!r}")


def _zone(match: re.Match[str], field: str, text: str) -> timezone:
    if match["utc"]:
        return UTC
    if match["sign"] is None:
        return GMT8
    hours, minutes = int(match["off_h"]), int(match["off_m"])
    if hours > 23 or minutes > 59:
        raise _malformed(field, text, "has an impossible offset")
    sign = -1 if match["sign"] == "-" else 1
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def parse_time(text: str, field: str) -> datetime:
    """The instant `text` names, as an aware datetime within what the core can record (1970 to
    9999); Refusal(MALFORMED_REQUEST) unless it is one of the shapes above and a real instant."""
    match = _TIME.fullmatch(text)
    if match is None:
        raise _malformed(field, text, f"is not a time of the form {SHAPE}")
    zone = _zone(match, field, text)
    microsecond = int((match["fraction"] or "0")[:6].ljust(6, "0"))
    try:
        instant = datetime(
            int(match["year"]), int(match["month"]), int(match["day"]),
            int(match["hour"]), int(match["minute"]), int(match["second"]), microsecond, tzinfo=zone,
        )  # fmt: skip
    except ValueError as error:
        raise _malformed(field, text, f"is not a real time ({error})") from None
    if not _EPOCH <= instant <= _LAST:
        raise _malformed(field, text, "is out of the range 1970 to 9999")
    return instant


def ms_since_epoch(instant: datetime) -> int:
    """Exact milliseconds since 1970-01-01T00:00:00Z (no float)."""
    return (instant - _EPOCH) // _ONE_MS


def to_timestamp(instant: datetime) -> Timestamp:
    """A protobuf Timestamp for the core."""
    return timestamp_from_ms(ms_since_epoch(instant))


def event_timestamp(instant: datetime | None) -> Timestamp:
    """The core's event time: the time HRG gave, or when the request was received without one."""
    return to_timestamp(instant if instant is not None else now())


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
