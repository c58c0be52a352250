"""Cases a person must look at, logged as warnings on `gateways.<provider>.review`.

None of them moves money by itself: each is a request the gateway refused or doubts (a payout
that differs from the one already paid, a cancel naming another win than was paid), answered as
the dialect says, and written down with the request's ids so that someone settles it by hand.
"""

import logging

from gateways.kit.logs import log_event
from gateways.kit.record import RequestRecord


def review_logger(provider: str) -> logging.Logger:
    return logging.getLogger(f"gateways.{provider}.review")


def for_review(record: RequestRecord, message: str, **fields: object) -> None:
    """Log `message` with the request's ids and `fields` for a person, secrets redacted."""
    log_event(
        review_logger(record.provider), logging.WARNING, message, request_id=record.request_id,
        provider=record.provider, endpoint=record.endpoint, transaction_id=record.transaction_id, **fields,
    )  # fmt: skip
