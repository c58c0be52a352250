import pytest

from gateways.kit.currencies import CurrencyMap
from gateways.kit.refusals import GatewayReason, Refusal

CURRENCIES = CurrencyMap({"VND2": "VND2", "VND": "VND2", "BRL": "BRL"})


def test_provider_codes_map_to_wallet_codes() -> None:
    assert CURRENCIES.to_wallet("VND2") == "VND2"
    assert CURRENCIES.to_wallet("VND") == "VND2"
    assert CURRENCIES.to_wallet("BRL") == "BRL"


def test_an_unmapped_provider_code_is_unsupported() -> None:
    for code in ("USD", "vnd2", ""):
        with pytest.raises(Refusal) as refused:
            CURRENCIES.to_wallet(code)
        assert refused.value.reason is GatewayReason.UNSUPPORTED_CURRENCY


def test_wallet_codes_map_back_to_the_first_provider_code() -> None:
    assert CURRENCIES.to_provider("VND2") == "VND2"
    assert CURRENCIES.to_provider("BRL") == "BRL"
    assert CURRENCIES.to_provider("EUR") == "EUR"
