"""Cases a person must look at: logged on `gateways.hrg.review`, besides the code HRG is answered.

None of them moves money by itself; each is a request the wallet refused or doubts, which HRG will
keep re-sending (settle, cancel_bet) or has been told to cancel (place_bet).
"""

import logging

from gateways.hrg.settings import PROVIDER
from gateways.kit.logs import log_event
from gateways.kit.record import RequestRecord

REVIEW_LOG = logging.getLogger("gateways.hrg.review")


def for_review(record: RequestRecord, message: str, **fields: object) -> None:
    log_event(
        REVIEW_LOG, logging.WARNING, message, request_id=record.request_id, provider=PROVIDER,
        endpoint=record.endpoint, transaction_id=record.transaction_id, **fields,
    )  # fmt: skip
