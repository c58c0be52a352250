from __future__ import annotations

import pytest
from starlette.datastructures import Headers

from gateways.hrg.authenticate import SharedSecret
from gateways.kit.refusals import GatewayReason, Refusal

SECRET = "a-shared-secret-of-some-length"


def test_without_a_secret_the_check_is_off() -> None:
    off = SharedSecret("X-HRG-Secret")
    assert not off.enabled
    off.check(Headers({}))


def test_the_right_secret_passes_whatever_the_header_case() -> None:
    check = SharedSecret("X-HRG-Secret", SECRET)
    check.check(Headers({"x-hrg-secret": SECRET}))
    check.check(Headers({"X-HRG-SECRET": SECRET}))


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"x-hrg-secret": ""},
        {"x-hrg-secret": SECRET[:-1]},
        {"x-hrg-secret": SECRET + "x"},
        {"x-other": SECRET},
        {"x-hrg-secret": SECRET.upper()},
    ],
)
def test_a_missing_or_wrong_secret_is_refused(headers: dict[str, str]) -> None:
    with pytest.raises(Refusal) as refused:
        SharedSecret("X-HRG-Secret", SECRET).check(Headers(headers))
    assert refused.value.reason is GatewayReason.BAD_SIGNATURE
    assert SECRET not in refused.value.detail


def test_the_secret_is_not_in_its_repr() -> None:
    assert SECRET not in repr(SharedSecret("X-HRG-Secret", SECRET))
