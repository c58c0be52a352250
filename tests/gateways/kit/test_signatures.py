from gateways.kit.signatures import hex_digests_equal, hmac_hex, md5_hex


def test_md5_hex_is_the_standard_digest() -> None:
    assert md5_hex("abc") == "900150983cd24fb0d6963f7d28e17f72"  # RFC 1321 test suite
    assert md5_hex("") == "d41d8cd98f00b204e9800998ecf8427e"
    assert md5_hex("The quick brown fox jumps over the lazy dog") == "9e107d9d372bb6826bd81d3542a419d6"


def test_hmac_hex_is_the_standard_hmac() -> None:
    # RFC 2202, HMAC-SHA1 test case 2.
    assert hmac_hex("Jefe", b"what do ya want for nothing?") == "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"
    # RFC 4231, HMAC-SHA256 test case 2.
    assert (
        hmac_hex("Jefe", b"what do ya want for nothing?", "sha256")
        == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    )


def test_digests_compare_ignoring_case() -> None:
    assert hex_digests_equal("ac596804f9b76ec6be8f38ad71e4fdb0", "AC596804F9B76EC6BE8F38AD71E4FDB0")


def test_different_or_foreign_digests_do_not_match() -> None:
    assert not hex_digests_equal("ac596804f9b76ec6be8f38ad71e4fdb0", "ac596804f9b76ec6be8f38ad71e4fdb1")
    assert not hex_digests_equal("ac596804f9b76ec6be8f38ad71e4fdb0", "ac596804")
    assert not hex_digests_equal("ac596804f9b76ec6be8f38ad71e4fdb0", "")
    assert not hex_digests_equal("ac596804f9b76ec6be8f38ad71e4fdb0", "ac596804f9b76ec6be8f38ad71e4fdbé")
