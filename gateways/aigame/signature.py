"""AIGame's signature rule (aigame.md, "Signature").

Every parameter except `sign` whose value is not empty (null or ""), sorted by name in ASCII
order, joined as `k1=v1&k2=v2` with values as sent (integers as their digits, strings raw, not
URL-encoded), prefixed with `SECRET&`; `sign` is the hex MD5 of that, compared ignoring case and
in constant time. Objects and arrays follow the provisional rule of the Provisional table.
"""

import json
from collections.abc import Mapping
from decimal import Decimal

from gateways.aigame.provisional import NestedSigning
from gateways.kit.jsonbody import JsonValue
from gateways.kit.signatures import hex_digests_equal, md5_hex

SIGN_FIELD = "sign"


def _compact_sorted_json(value: JsonValue) -> str:
    if isinstance(value, dict):
        members = (f"{json.dumps(key, ensure_ascii=False)}:{_compact_sorted_json(value[key])}" for key in sorted(value))
        return "{" + ",".join(members) + "}"
    if isinstance(value, list):
        return "[" + ",".join(_compact_sorted_json(item) for item in value) + "]"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return _scalar(value)


def _scalar(value: bool | int | Decimal | str | None) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def signed_string(params: Mapping[str, JsonValue], secret: str, nested: NestedSigning) -> str:
    """The string AIGame signs for `params` (the secret included: never log it)."""
    pairs: list[str] = []
    for key in sorted(params):
        if key == SIGN_FIELD:
            continue
        value = params[key]
        # Strings and integers, nearly every field, written here without a call: as _scalar would.
        if type(value) is str:
            if value:
                pairs.append(f"{key}={value}")
        elif type(value) is int:
            pairs.append(f"{key}={value}")
        elif value is None or value == "":
            continue
        elif isinstance(value, dict | list):
            if nested is NestedSigning.EXCLUDED:
                continue
            pairs.append(f"{key}={_compact_sorted_json(value)}")
        else:
            pairs.append(f"{key}={_scalar(value)}")
    return f"{secret}&" + "&".join(pairs)


def signature(params: Mapping[str, JsonValue], secret: str, nested: NestedSigning) -> str:
    return md5_hex(signed_string(params, secret, nested))


def signature_matches(params: Mapping[str, JsonValue], secret: str, nested: NestedSigning) -> bool:
    """Whether `params[sign]` is the signature of the other parameters under `secret`."""
    given = params.get(SIGN_FIELD)
    return isinstance(given, str) and hex_digests_equal(signature(params, secret, nested), given)
