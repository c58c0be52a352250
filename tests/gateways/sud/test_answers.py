from __future__ import annotations

import json
from typing import Any

from starlette.responses import Response

from gateways.sud.answers import DIALECT, failure, success


def read(answer: Response) -> Any:
    return json.loads(bytes(answer.body))


def test_success_without_data() -> None:
    answer = success()
    assert (answer.status_code, read(answer)) == (200, {"ret_code": 0, "ret_msg": "SUCCESS"})


def test_success_with_data() -> None:
    assert read(success({"score": 9550})) == {"ret_code": 0, "ret_msg": "SUCCESS", "data": {"score": 9550}}


def test_a_failure_is_http_200_with_its_code_and_message() -> None:
    answer = failure(9000)
    assert (answer.status_code, read(answer)) == (200, {"ret_code": 9000, "ret_msg": "insufficient balance"})


def test_the_dialect() -> None:
    assert DIALECT.success == 0
    assert read(DIALECT.failure(1003)) == {"ret_code": 1003, "ret_msg": "signature verification failed"}
