"""The gateway's signature agrees with SUD's rule as written in the vendor's page (tests.gateways.sud.vendor)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from gateways.sud.signature import signature, signature_matches, signed_message
from tests.gateways.sud.vendor import vendor_signature

PRINTABLE = st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=40)


def test_the_signed_message_is_four_newline_terminated_lines() -> None:
    message = signed_message(b"1461564080052506636", b"146634788974", b"keVJLJTItd1VBtGT", b'{"a": 1}')
    assert message == b'1461564080052506636\n146634788974\nkeVJLJTItd1VBtGT\n{"a": 1}\n'


def test_a_known_value() -> None:
    # hmac.new(b"secret", b"app\n1700000000000\nnonce\n{}\n", hashlib.sha1).hexdigest(), computed once.
    assert signature("secret", b"app", b"1700000000000", b"nonce", b"{}") == "89146d1e14ee8232414a912b1ea0a7984d482027"


@given(secret=PRINTABLE, app_id=PRINTABLE, timestamp=PRINTABLE, nonce=PRINTABLE, body=st.binary(max_size=300))
def test_it_is_the_vendors_rule(secret: str, app_id: str, timestamp: str, nonce: str, body: bytes) -> None:
    expected = vendor_signature(secret, app_id, timestamp, nonce, body)
    assert signature(secret, app_id.encode(), timestamp.encode(), nonce.encode(), body) == expected
    assert signature_matches(secret, app_id.encode(), timestamp.encode(), nonce.encode(), body, expected)


@given(body=st.binary(max_size=100), other=st.binary(max_size=100))
def test_another_body_does_not_match(body: bytes, other: bytes) -> None:
    given_signature = vendor_signature("secret", "app", "1", "n", body)
    assert signature_matches("secret", b"app", b"1", b"n", other, given_signature) == (body == other)


def test_every_header_value_is_covered() -> None:
    good = vendor_signature("secret", "app", "1700000000000", "nonce", b"{}")
    assert signature_matches("secret", b"app", b"1700000000000", b"nonce", b"{}", good)
    assert not signature_matches("secret", b"app2", b"1700000000000", b"nonce", b"{}", good)
    assert not signature_matches("secret", b"app", b"1700000000001", b"nonce", b"{}", good)
    assert not signature_matches("secret", b"app", b"1700000000000", b"nonce2", b"{}", good)
    assert not signature_matches("secret2", b"app", b"1700000000000", b"nonce", b"{}", good)
    assert not signature_matches("secret", b"app", b"1700000000000", b"nonce", b"{}", "")
