"""Typed reading of a request's fields: each getter returns the value or raises a Refusal.

A missing or empty required field and a field of the wrong type are MALFORMED_REQUEST; an amount
that is a string but not a plain decimal is INVALID_AMOUNT. Amounts must be JSON strings (a JSON
number is refused as mistyped: it may have been a float on the sender's side).
"""

import re
from collections.abc import Mapping

from gateways.kit.jsonbody import JsonObject, JsonValue
from gateways.kit.money import parse_amount
from gateways.kit.refusals import GatewayReason, Refusal

MAX_ID_LENGTH = 128
_DIGITS = re.compile(r"-?[0-9]{1,19}")


def _malformed(name: str, problem: str) -> Refusal:
    return Refusal(GatewayReason.MALFORMED_REQUEST, f"field {name!r} {problem}")


class Fields:
    """Typed access to the fields of one request (a JSON object or query parameters)."""

    def __init__(self, params: Mapping[str, JsonValue]) -> None:
        self._params = params

    def _present(self, name: str) -> JsonValue:
        value = self._params.get(name)
        return None if value == "" else value

    def text(self, name: str) -> str:
        """A required non-empty string of at most MAX_ID_LENGTH characters."""
        value = self.optional_text(name)
        if value is None:
            raise _malformed(name, "is missing")
        return value

    def optional_text(self, name: str) -> str | None:
        value = self._present(name)
        if value is None:
            return None
        if not isinstance(value, str):
            raise _malformed(name, "must be a string")
        if len(value) > MAX_ID_LENGTH:
            raise _malformed(name, f"is longer than {MAX_ID_LENGTH} characters")
        return value

    def identifier(self, name: str) -> str:
        """A required id sent as a string or an integer, answered as text ("101", 10231 -> "10231")."""
        value = self.optional_identifier(name)
        if value is None:
            raise _malformed(name, "is missing")
        return value

    def optional_identifier(self, name: str) -> str | None:
        value = self._present(name)
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        return self.optional_text(name)

    def integer(self, name: str) -> int:
        """A required integer, sent as a JSON integer or a string of digits (query parameters)."""
        value = self.optional_integer(name)
        if value is None:
            raise _malformed(name, "is missing")
        return value

    def optional_integer(self, name: str) -> int | None:
        value = self._present(name)
        if value is None:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and _DIGITS.fullmatch(value):
            return int(value)
        raise _malformed(name, "must be an integer")

    def amount(self, name: str) -> str:
        """A required amount: a plain non-negative decimal string, returned exactly as sent."""
        value = self.optional_amount(name)
        if value is None:
            raise _malformed(name, "is missing")
        return value

    def optional_amount(self, name: str) -> str | None:
        value = self._present(name)
        if value is None:
            return None
        if not isinstance(value, str):
            raise _malformed(name, "must be a decimal string")
        parse_amount(value)
        return value

    def optional_object(self, name: str) -> JsonObject | None:
        value = self._present(name)
        if value is None:
            return None
        if not isinstance(value, dict):
            raise _malformed(name, "must be an object")
        return value
