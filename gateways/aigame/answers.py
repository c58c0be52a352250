"""AIGame's answer envelope: always HTTP 200, `{"code": int, "message": str, "data": ...}`."""

from collections.abc import Mapping

from starlette.responses import JSONResponse

from gateways.aigame.codes import SUCCESS, code_table, message_for
from gateways.aigame.provisional import Provisional
from gateways.kit.endpoint import Dialect


def success(data: Mapping[str, object]) -> JSONResponse:
    return JSONResponse({"code": SUCCESS, "message": "success", "data": dict(data)})


def balance_answer(balance: str, currency: str) -> JSONResponse:
    """The wallet endpoints' answer: the balance as a decimal string, in the provider's currency code."""
    return success({"balance": balance, "currency": currency})


def dialect(provisional: Provisional) -> Dialect[int]:
    def failure(code: int) -> JSONResponse:
        return JSONResponse({"code": code, "message": message_for(code, provisional), "data": None})

    return Dialect(codes=code_table(provisional), success=SUCCESS, failure=failure)
