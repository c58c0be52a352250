from __future__ import annotations

from wallet_console.passwords import hash_password, is_hash, verify


def test_a_hash_verifies_its_password_only() -> None:
    password_hash = hash_password("correct horse")
    assert is_hash(password_hash) and "correct horse" not in password_hash
    assert verify(password_hash, "correct horse")
    assert not verify(password_hash, "wrong horse")
    assert not verify("not a hash", "correct horse")
    assert not verify(None, "no such staff member")  # an unknown name, checked against the dummy hash
