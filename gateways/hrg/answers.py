"""HRG's answer envelope: always HTTP 200, a JSON object whose `code` is a 4-character string.

Success: `{"code": "0000", "balance": "990.00", "balanceTs": "2022-10-14T23:00:00.000+0800"}`
(or `{"code": "0000"}` where no single balance applies). Failure: `{"code": "8001", "desc": "bet
failed", "msg": "bet failed"}`: `desc` is the human-readable text HRG reads beside `code` (vendor
section 4.1); `msg` carries the same text for readers of the earlier answers.
"""

from starlette.responses import JSONResponse

from gateways.hrg.codes import SUCCESS, code_table, message_for
from gateways.hrg.provisional import Provisional
from gateways.kit.endpoint import Dialect


def success() -> JSONResponse:
    return JSONResponse({"code": SUCCESS})


def balance_answer(balance: str, balance_ts: str) -> JSONResponse:
    """The balance as a decimal string, and when it was (or is) the balance, as an HRG time."""
    return JSONResponse({"code": SUCCESS, "balance": balance, "balanceTs": balance_ts})


def dialect(provisional: Provisional) -> Dialect[str]:
    def failure(code: str) -> JSONResponse:
        text = message_for(code, provisional)
        return JSONResponse({"code": code, "desc": text, "msg": text})

    return Dialect(codes=code_table(provisional), success=SUCCESS, failure=failure)
