"""The app id, signature and timestamp checks, against signatures made by SUD's rule (tests.gateways.sud.vendor)."""

from __future__ import annotations

import time

import pytest
from starlette.datastructures import Headers

from gateways.kit.refusals import GatewayReason, Refusal
from gateways.kit.timestamps import TimestampWindow
from gateways.sud.authenticate import SudSignatures, timestamp_ms
from gateways.sud.provisional import TimestampUnit
from tests.gateways.sud.vendor import APP_ID, SECRET, Vendor, spoilt

NOW = 1_700_000_000.0
BODY = b'{"notify_id": "n1", "data": {"score": 10}}'


def authenticator(unit: TimestampUnit = TimestampUnit.AUTO, seconds: float = 600) -> SudSignatures:
    return SudSignatures(app_id=APP_ID, secret=SECRET, window=TimestampWindow(seconds, clock=lambda: NOW), unit=unit)


def signed(body: bytes = BODY, *, timestamp: str = str(int(NOW * 1000)), app_id: str = APP_ID) -> dict[str, str]:
    return Vendor().headers(body, timestamp=timestamp, app_id=app_id)


def refusal(
    headers: dict[str, str] | list[tuple[str, str]], body: bytes = BODY, unit: TimestampUnit = TimestampUnit.AUTO
) -> Refusal:
    raw = [(k.lower().encode(), v.encode()) for k, v in (headers.items() if isinstance(headers, dict) else headers)]
    with pytest.raises(Refusal) as refused:
        authenticator(unit).check(Headers(raw=raw), body)
    return refused.value


def test_a_request_signed_by_sud_passes() -> None:
    authenticator().check(Headers(signed()), BODY)


def test_header_names_are_case_insensitive() -> None:
    headers = {name.upper(): value for name, value in signed().items()}
    authenticator().check(Headers(headers), BODY)


def test_the_signature_covers_the_raw_body_byte_for_byte() -> None:
    headers = signed()
    reformatted = b'{"notify_id":"n1","data":{"score":10}}'  # the same JSON, re-serialised
    assert refusal(headers, reformatted).reason is GatewayReason.BAD_SIGNATURE
    assert refusal(headers, BODY + b" ").reason is GatewayReason.BAD_SIGNATURE


def test_a_spoilt_signature_is_refused() -> None:
    headers = signed()
    headers["Sud-Signature"] = spoilt(headers["Sud-Signature"])
    assert refusal(headers).reason is GatewayReason.BAD_SIGNATURE


def test_the_signature_compares_ignoring_case() -> None:
    headers = signed()
    headers["Sud-Signature"] = headers["Sud-Signature"].upper()
    authenticator().check(Headers(headers), BODY)


def test_a_signature_under_another_secret_is_refused() -> None:
    headers = Vendor(secret="not-the-secret").headers(BODY, timestamp=str(int(NOW * 1000)))
    assert refusal(headers).reason is GatewayReason.BAD_SIGNATURE


@pytest.mark.parametrize("name", ["Sud-AppId", "Sud-Timestamp", "Sud-Nonce", "Sud-Signature"])
def test_a_missing_or_empty_header_is_a_bad_signature(name: str) -> None:
    headers = signed()
    del headers[name]
    assert refusal(headers).reason is GatewayReason.BAD_SIGNATURE
    assert refusal({**signed(), name: ""}).reason is GatewayReason.BAD_SIGNATURE


@pytest.mark.parametrize("name", ["Sud-AppId", "Sud-Timestamp", "Sud-Nonce", "Sud-Signature"])
def test_a_repeated_header_is_a_bad_signature(name: str) -> None:
    headers = signed()
    refused = refusal([*headers.items(), (name, headers[name])])
    assert (refused.reason, refused.detail) == (GatewayReason.BAD_SIGNATURE, f"header {name} is repeated")


def test_another_app_id_is_refused_even_when_signed() -> None:
    assert refusal(signed(app_id="another-app")).reason is GatewayReason.UNKNOWN_AGENT


def test_the_app_id_is_compared_exactly() -> None:
    assert refusal(signed(app_id=APP_ID.upper())).reason is GatewayReason.UNKNOWN_AGENT
    assert refusal(signed(app_id=APP_ID + " ")).reason is GatewayReason.UNKNOWN_AGENT


@pytest.mark.parametrize("skew_seconds", [-601, 601, -86_400])
def test_a_timestamp_outside_the_window_is_stale(skew_seconds: int) -> None:
    stamp = str(int((NOW + skew_seconds) * 1000))
    assert refusal(signed(timestamp=stamp)).reason is GatewayReason.STALE_TIMESTAMP


@pytest.mark.parametrize("skew_seconds", [-599, 0, 599])
def test_a_timestamp_inside_the_window_passes(skew_seconds: int) -> None:
    authenticator().check(Headers(signed(timestamp=str(int((NOW + skew_seconds) * 1000)))), BODY)


def test_a_timestamp_in_seconds_is_understood() -> None:
    authenticator().check(Headers(signed(timestamp=str(int(NOW)))), BODY)
    authenticator(TimestampUnit.SECONDS).check(Headers(signed(timestamp=str(int(NOW)))), BODY)
    assert refusal(signed(timestamp=str(int(NOW))), unit=TimestampUnit.MILLISECONDS).reason is (
        GatewayReason.STALE_TIMESTAMP
    )


@pytest.mark.parametrize("stamp", ["soon", "-1700000000000", "1.7e12", "17000000000000000000", " 1700000000000"])
def test_a_timestamp_that_is_not_a_number_is_malformed(stamp: str) -> None:
    assert refusal(signed(timestamp=stamp)).reason is GatewayReason.MALFORMED_REQUEST


def test_the_signature_is_checked_before_the_timestamp() -> None:
    headers = signed(timestamp="soon")
    headers["Sud-Signature"] = spoilt(headers["Sud-Signature"])
    assert refusal(headers).reason is GatewayReason.BAD_SIGNATURE


@pytest.mark.parametrize(
    ("value", "unit", "ms"),
    [
        (b"1700000000", TimestampUnit.AUTO, 1_700_000_000_000),
        (b"1700000000000", TimestampUnit.AUTO, 1_700_000_000_000),
        (b"99999999999", TimestampUnit.AUTO, 99_999_999_999_000),
        (b"100000000000", TimestampUnit.AUTO, 100_000_000_000),
        (b"1700000000", TimestampUnit.MILLISECONDS, 1_700_000_000),
        (b"1700000000000", TimestampUnit.SECONDS, 1_700_000_000_000_000),
    ],
)
def test_timestamp_units(value: bytes, unit: TimestampUnit, ms: int) -> None:
    assert timestamp_ms(value, unit) == ms


def test_the_secret_is_not_in_the_repr() -> None:
    assert SECRET not in repr(authenticator())


def test_the_real_clock_is_used_by_default() -> None:
    live = SudSignatures(app_id=APP_ID, secret=SECRET, window=TimestampWindow(600), unit=TimestampUnit.AUTO)
    live.check(Headers(Vendor().headers(BODY, timestamp=str(int(time.time() * 1000)))), BODY)
