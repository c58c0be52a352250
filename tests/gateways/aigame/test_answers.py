import json

from gateways.aigame.answers import balance_answer, dialect, success
from gateways.aigame.provisional import Provisional


def test_a_success_is_code_200_with_data() -> None:
    response = success({"id": "x"})
    assert response.status_code == 200
    assert json.loads(bytes(response.body)) == {"code": 200, "message": "success", "data": {"id": "x"}}


def test_a_balance_is_a_string_with_the_providers_currency() -> None:
    answer = json.loads(bytes(balance_answer("1282.66", "VND2").body))
    assert answer["data"] == {"balance": "1282.66", "currency": "VND2"}


def test_a_failure_is_http_200_with_an_int_code_and_its_message() -> None:
    failure = dialect(Provisional()).failure
    response = failure(800107)
    assert response.status_code == 200
    assert json.loads(bytes(response.body)) == {"code": 800107, "message": "Order ID does not exist", "data": None}
    assert json.loads(bytes(failure(800104).body))["message"] == "Insufficient balance"


def test_the_dialect_succeeds_with_200() -> None:
    assert dialect(Provisional()).success == 200
