"""SUD's answer envelope: always HTTP 200, `{"ret_code": int, "ret_msg": str}` (+ `data` for update_score)."""

from collections.abc import Mapping

from starlette.responses import JSONResponse

from gateways.kit.endpoint import Dialect
from gateways.sud.codes import CODES, SUCCESS, message_for


def success(data: Mapping[str, object] | None = None) -> JSONResponse:
    answer: dict[str, object] = {"ret_code": SUCCESS, "ret_msg": message_for(SUCCESS)}
    if data is not None:
        answer["data"] = dict(data)
    return JSONResponse(answer)


def failure(code: int) -> JSONResponse:
    return JSONResponse({"ret_code": code, "ret_msg": message_for(code)})


DIALECT = Dialect(codes=CODES, success=SUCCESS, failure=failure)
