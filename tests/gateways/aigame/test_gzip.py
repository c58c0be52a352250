"""gzip request bodies (the description page: "use gzip compression uniformly"), end to end on each store."""

import gzip
import json
from decimal import Decimal
from typing import Any

from gateways.kit.details import from_struct
from tests.gateways.aigame.conftest import WALLET, AIGame, new_id
from tests.gateways.aigame.test_conformance import spoil
from wallet.v1 import wallet_pb2 as pb


async def send_gzip(aigame: AIGame, endpoint: str, content: bytes, encoding: str = "gzip") -> int:
    headers = {"content-type": "application/json", "content-encoding": encoding}
    response = await aigame.client.post(f"{WALLET}/{endpoint}", content=content, headers=headers)
    assert response.status_code == 200, response.text
    code: int = response.json()["code"]
    return code


def packed(body: dict[str, Any]) -> bytes:
    return gzip.compress(json.dumps(body).encode())


async def placed(aigame: AIGame) -> tuple[str, str]:
    user = await aigame.player("100.00")
    bet = new_id()
    assert await send_gzip(aigame, "bet", packed(aigame.vendor.bet(user, bet, "10"))) == 200
    return user, bet


async def test_a_gzip_payout_is_signed_over_its_inflated_parameters_and_paid_once(aigame: AIGame) -> None:
    user, bet = await placed(aigame)
    body = aigame.vendor.payout(user, bet, "19.50", open_cards={"banker": "Diamonds9"})
    for _ in range(2):
        assert await send_gzip(aigame, "payout", packed(body)) == 200
    assert await aigame.balance_of(user) == Decimal("109.50")
    stored = (await aigame.stored(bet, pb.TRANSACTION_KIND_CREDIT)).transaction
    assert from_struct(stored.details)["open_cards"] == {"banker": "Diamonds9"}


async def test_a_gzip_payout_with_a_bad_signature_is_600100_and_moves_nothing(aigame: AIGame) -> None:
    user, bet = await placed(aigame)
    assert await send_gzip(aigame, "payout", packed(spoil(aigame.vendor.payout(user, bet, "19.50")))) == 600100
    assert await aigame.balance_of(user) == Decimal("90.00")


async def test_a_gzip_bomb_is_408000_and_moves_nothing(aigame: AIGame) -> None:
    user, bet = await placed(aigame)
    body = json.dumps(aigame.vendor.payout(user, bet, "19.50")).encode()
    bomb = gzip.compress(body[:-1] + b', "pad": "' + b" " * (10 * 1024 * 1024) + b'"}', compresslevel=9)
    assert len(bomb) < aigame.settings.body_limit_bytes  # small on the wire, ten megabytes inflated
    assert await send_gzip(aigame, "payout", bomb) == 408000
    assert await aigame.balance_of(user) == Decimal("90.00")


async def test_a_body_that_does_not_inflate_is_408000_and_moves_nothing(aigame: AIGame) -> None:
    user, bet = await placed(aigame)
    body = aigame.vendor.payout(user, bet, "19.50")
    assert await send_gzip(aigame, "payout", packed(body)[:-8]) == 408000
    assert await send_gzip(aigame, "payout", json.dumps(body).encode()) == 408000  # said to be gzip, is not
    assert await aigame.balance_of(user) == Decimal("90.00")


async def test_another_content_encoding_is_408000_and_moves_nothing(aigame: AIGame) -> None:
    user, bet = await placed(aigame)
    body = aigame.vendor.payout(user, bet, "19.50")
    assert await send_gzip(aigame, "payout", packed(body), encoding="br") == 408000
    assert await aigame.balance_of(user) == Decimal("90.00")
    assert await send_gzip(aigame, "payout", json.dumps(body).encode(), encoding="identity") == 200
    assert await aigame.balance_of(user) == Decimal("109.50")
