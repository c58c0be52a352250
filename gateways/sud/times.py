"""SUD's times: seconds or milliseconds since the epoch, told apart by their size.

SUD's pages show 10-digit (seconds) and 13-digit (milliseconds) values for the same fields (settle_at
is documented in seconds, yet SUD's own QueryUserSettle example is 13 digits; notify_time is
milliseconds, some examples 10 or 12 digits). A value of 10**11 and above is milliseconds (any time
after March 1973), below it seconds: no real event time is ambiguous under that rule.
"""

import re

from google.protobuf.timestamp_pb2 import Timestamp

from gateways.kit.jsonbody import JsonValue
from gateways.kit.refusals import Refusal
from gateways.kit.timestamps import timestamp_from_ms

MS_FROM = 10**11
_DIGITS = re.compile(r"[0-9]{1,16}")


def ms_by_size(number: int) -> int:
    """`number` (seconds or milliseconds, by its size) in milliseconds."""
    return number if number >= MS_FROM else number * 1000


def event_time(value: JsonValue) -> Timestamp | None:
    """A descriptive time (a JSON integer or a string of digits, seconds or milliseconds); None for
    anything else (an empty string, a date, a negative or absurd number): kept as sent, never refused."""
    if isinstance(value, str) and _DIGITS.fullmatch(value.strip()):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    try:
        return timestamp_from_ms(ms_by_size(value))
    except Refusal:  # before the epoch or after year 9999
        return None
