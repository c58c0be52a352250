"""POST /aigame/v1/wallet/balance, end to end on each store."""

from tests.gateways.aigame.conftest import AIGame


async def test_the_balance_is_the_wallets_in_the_providers_currency(aigame: AIGame) -> None:
    user = await aigame.player("1282.66", "VND2")
    assert await aigame.post("balance", aigame.vendor.balance(user, "VND2")) == {
        "code": 200,
        "message": "success",
        "data": {"balance": "1282.66", "currency": "VND2"},
    }


async def test_a_mapped_currency_answers_in_the_providers_code(aigame: AIGame) -> None:
    user = await aigame.player("5.00", "VND2")
    answer = await aigame.post("balance", aigame.vendor.balance(user, "VND"))
    assert answer["data"] == {"balance": "5.00", "currency": "VND"}


async def test_the_player_id_is_mapped_with_the_prefix(aigame: AIGame) -> None:
    user = await aigame.player("7.00")
    await aigame.core.open_account(user, "USD", "99.00")  # the same id without the prefix: another player
    assert (await aigame.post("balance", aigame.vendor.balance(user)))["data"]["balance"] == "7.00"


async def test_an_unknown_player_is_800101(aigame: AIGame) -> None:
    assert await aigame.code("balance", aigame.vendor.balance("nobody")) == 800101


async def test_a_player_without_an_account_in_that_currency_is_800101(aigame: AIGame) -> None:
    user = await aigame.player("1.00", "USD")
    assert await aigame.code("balance", aigame.vendor.balance(user, "BRL")) == 800101


async def test_an_unknown_currency_is_800102(aigame: AIGame) -> None:
    user = await aigame.player()
    assert await aigame.code("balance", aigame.vendor.balance(user, "EUR")) == 800102
