"""SUD's signature rule (sud.md, "Signature"; SUD's callback-verification page).

    signed        = appId + "\n" + timestamp + "\n" + nonce + "\n" + RAW_BODY + "\n"
    Sud-Signature = lowercase hex(HMAC-SHA1(key = app_secret, msg = signed))

The body is the raw bytes as received, never re-serialised JSON. The three header values enter as
the bytes they were sent as. Compared in constant time, ignoring the case of the hex digits.
"""

from gateways.kit.signatures import hex_digests_equal, hmac_hex


def signed_message(app_id: bytes, timestamp: bytes, nonce: bytes, body: bytes) -> bytes:
    """The bytes SUD signs."""
    return b"".join((app_id, b"\n", timestamp, b"\n", nonce, b"\n", body, b"\n"))


def signature(secret: str, app_id: bytes, timestamp: bytes, nonce: bytes, body: bytes) -> str:
    return hmac_hex(secret, signed_message(app_id, timestamp, nonce, body), "sha1")


def signature_matches(secret: str, app_id: bytes, timestamp: bytes, nonce: bytes, body: bytes, given: str) -> bool:
    """Whether `given` is the signature of the request under `secret`."""
    return hex_digests_equal(signature(secret, app_id, timestamp, nonce, body), given)
