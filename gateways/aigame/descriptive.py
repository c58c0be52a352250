"""A money callback's descriptive fields, read liberally: never a reason to refuse a payout or a refund.

The money of a payout or a refund does not depend on its round, table, game or times, so each is
read as well as it can be, and a value that cannot be read is left as AIGame sent it: kept in the
transaction's `details` (and in the raw request), recorded as absent from the typed field. A time
that cannot be placed leaves the event time unset: the core's receipt time stands in for it.
"""

import re
from datetime import datetime
from decimal import Decimal

from gateways.kit.fields import MAX_ID_LENGTH
from gateways.kit.jsonbody import JsonValue
from gateways.kit.refusals import Refusal
from gateways.kit.timestamps import timestamp_from_ms

SECONDS_BELOW = 10**11
"""An epoch time under this is read as seconds, not milliseconds (as ms it would be before March 1973)."""
_LARGEST_DIGITS = 16  # past any Timestamp in ms: refused before int() could build a huge number
_NUMBER_TEXT = re.compile(r"[0-9]{1,17}(?:\.[0-9]{1,9})?")


def descriptive_id(value: JsonValue) -> str | None:
    """A round, game or table id the core can hold in its typed field: a string or an integer as its
    digits ("101", 41 -> "41"), at most MAX_ID_LENGTH characters, no NUL. None for anything else."""
    if isinstance(value, int) and not isinstance(value, bool):
        text = str(value)
    elif isinstance(value, str):
        text = value
    else:
        return None
    if not text or len(text) > MAX_ID_LENGTH or "\x00" in text:
        return None
    return text


def event_ms(value: JsonValue) -> int | None:
    """An event time in ms since the epoch, read in any shape AIGame might send it: ms as an integer,
    a decimal or a string of digits; the same in seconds (under SECONDS_BELOW); ISO 8601 text with a
    UTC offset. None when absent, zero, unreadable, without an offset (its zone is unknown: the
    receipt time is nearer than a guess), or outside what a protobuf Timestamp holds."""
    if type(value) is int and value >= SECONDS_BELOW:  # AIGame's own shape, ms: no conversion
        ms: int | None = value
    elif isinstance(value, bool) or value is None:
        return None
    elif isinstance(value, int | Decimal):
        ms = _epoch_ms(Decimal(value))
    elif isinstance(value, str):
        ms = _text_ms(value.strip())
    else:
        return None
    if not ms:
        return None
    try:
        timestamp_from_ms(ms)
    except Refusal:
        return None
    return ms


def _epoch_ms(number: Decimal) -> int | None:
    if not number.is_finite() or number.adjusted() >= _LARGEST_DIGITS:  # adjusted(): the exponent, no arithmetic
        return None
    return int(number * 1000 if number.copy_abs() < SECONDS_BELOW else number)


def _text_ms(text: str) -> int | None:
    if _NUMBER_TEXT.fullmatch(text):
        return _epoch_ms(Decimal(text))
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    return round(moment.timestamp() * 1000)
