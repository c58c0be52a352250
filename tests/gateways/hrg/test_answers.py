from __future__ import annotations

import json

from starlette.responses import JSONResponse

from gateways.hrg.answers import balance_answer, dialect, success
from gateways.hrg.provisional import Provisional


def body(response: JSONResponse) -> object:
    assert response.status_code == 200
    return json.loads(bytes(response.body))


def test_success_answers() -> None:
    assert body(success()) == {"code": "0000"}
    assert body(balance_answer("90.00", "2022-10-14T23:00:00.000+0800")) == {
        "code": "0000",
        "balance": "90.00",
        "balanceTs": "2022-10-14T23:00:00.000+0800",
    }


def test_failures_are_http_200_with_the_code_as_a_string() -> None:
    answers = dialect(Provisional())
    assert answers.success == "0000"
    failure = answers.failure("8001")
    assert isinstance(failure, JSONResponse)
    assert body(failure) == {"code": "8001", "desc": "bet failed", "msg": "bet failed"}
