"""Who is calling: the configured app id, a valid signature over the raw body, a fresh timestamp.

Checked in that order, before the body is even parsed, from the four headers SUD puts on every
request: `Sud-AppId`, `Sud-Timestamp`, `Sud-Nonce`, `Sud-Signature`. A header missing, empty or
repeated is a bad signature. The window is ours (SUD sets none); the timestamp's unit is
provisional. Repeats inside the window are harmless: every money movement is keyed by the core.
"""

import hmac
import re
from dataclasses import dataclass, field

from starlette.datastructures import Headers

from gateways.kit.refusals import GatewayReason, Refusal
from gateways.kit.timestamps import TimestampWindow
from gateways.sud.provisional import TimestampUnit
from gateways.sud.signature import signature_matches
from gateways.sud.times import ms_by_size

APP_ID_HEADER = "Sud-AppId"
TIMESTAMP_HEADER = "Sud-Timestamp"
NONCE_HEADER = "Sud-Nonce"
SIGNATURE_HEADER = "Sud-Signature"

_DIGITS = re.compile(r"[0-9]{1,16}")


def _header(headers: Headers, name: str) -> bytes:
    """The one non-empty value of `name`, as the bytes it was sent as."""
    values = headers.getlist(name)
    if len(values) != 1 or not values[0]:
        problem = "missing" if not values or not values[0] else "repeated"
        raise Refusal(GatewayReason.BAD_SIGNATURE, f"header {name} is {problem}")
    return values[0].encode("latin-1")  # Starlette decodes header bytes as latin-1: this undoes it


def timestamp_ms(value: bytes, unit: TimestampUnit) -> int:
    """Milliseconds since the epoch of a `Sud-Timestamp` value, or a Refusal(MALFORMED_REQUEST)."""
    text = value.decode("ascii", errors="replace")
    if not _DIGITS.fullmatch(text):
        raise Refusal(GatewayReason.MALFORMED_REQUEST, f"{TIMESTAMP_HEADER} {text[:20]!r} is not a number")
    number = int(text)
    if unit is TimestampUnit.AUTO:
        return ms_by_size(number)
    return number if unit is TimestampUnit.MILLISECONDS else number * 1000


@dataclass(frozen=True)
class SudSignatures:
    """This app's id and secret, to check the four Sud-* headers against the raw body."""

    app_id: str
    secret: str = field(repr=False)
    window: TimestampWindow
    unit: TimestampUnit

    def check(self, headers: Headers, body: bytes) -> None:
        """Refusal: BAD_SIGNATURE, UNKNOWN_AGENT (another app id), MALFORMED_REQUEST, STALE_TIMESTAMP."""
        app_id = _header(headers, APP_ID_HEADER)
        timestamp = _header(headers, TIMESTAMP_HEADER)
        nonce = _header(headers, NONCE_HEADER)
        given = _header(headers, SIGNATURE_HEADER).decode("latin-1")
        if not hmac.compare_digest(app_id, self.app_id.encode("utf-8")):
            raise Refusal(GatewayReason.UNKNOWN_AGENT, f"{APP_ID_HEADER} {app_id[:64]!r} is not this app")
        if not signature_matches(self.secret, app_id, timestamp, nonce, body, given):
            raise Refusal(GatewayReason.BAD_SIGNATURE, f"{SIGNATURE_HEADER} does not match the body")
        self.window.check_ms(timestamp_ms(timestamp, self.unit))
