"""POST /aigame/v1/wallet/refund: cancel a bet; the cancel's id is the bet's id.

status 0 gives the stake back. status 1 (the bet was already paid) gives the stake back AND takes
back what was paid for it, in one core transaction (bet 100, win 195: the balance moves by -95).
A cancel for a bet never seen succeeds and leaves a tombstone, so that the late bet is refused.
The stake given (`bet_amount`) must equal the bet's (else 800108). When status 1 names a
`win_amount` that differs from what the wallet actually paid, the cancel still stands (what was
paid is what is taken back) and the difference is logged for review.
"""

from decimal import Decimal

from starlette.requests import Request
from starlette.responses import Response

from gateways.aigame.answers import balance_answer
from gateways.aigame.context import AIGameContext, details_omitted, read_signed_body
from gateways.aigame.requests import RefundRequest, refund_request
from gateways.aigame.settings import PROVIDER
from gateways.kit.record import RequestRecord
from gateways.kit.review import for_review
from gateways.kit.timestamps import set_ms
from wallet.v1 import wallet_pb2


def _check_reversed_payout(asked: RefundRequest, bet: wallet_pb2.Bet, record: RequestRecord) -> None:
    named = asked.win_amount if asked.settled else None
    if named is not None and bet.payout and Decimal(named) != Decimal(bet.payout):
        for_review(
            record,
            "refund of a settled bet names another win than the wallet paid: took back what was paid",
            bet_txn_id=asked.bet_txn_id,
            win_amount=named,
            paid=bet.payout,
        )


async def refund(context: AIGameContext, request: Request, record: RequestRecord) -> Response:
    settings = context.settings
    body = await read_signed_body(context, request)
    asked = refund_request(body.params)
    record.transaction_id = asked.bet_txn_id
    player_id = context.player_id(asked.user_id)
    currency = settings.currencies.to_wallet(asked.currency)
    rollback = wallet_pb2.RollbackRequest(
        provider=PROVIDER,
        transaction_id=asked.bet_txn_id,
        reference_transaction_id=asked.bet_txn_id,
        player_id=player_id,
        currency=currency,
        amount=asked.bet_amount,
        game_id=asked.game_id,
        raw_request=body.raw,
        reverse_payouts=asked.settled,
    )
    body.write_details(rollback.details, details_omitted(asked.typed))
    if asked.refund_time is not None:
        set_ms(rollback.event_time, asked.refund_time)
    answer = await context.core.rollback(rollback, request_id=record.request_id)
    record.replay = answer.replay
    _check_reversed_payout(asked, answer.transaction.bet, record)
    balance = answer.transaction.balance_after
    if not balance:
        current = await context.core.get_balance(
            wallet_pb2.GetBalanceRequest(provider=PROVIDER, player_id=player_id, currency=currency),
            request_id=record.request_id,
        )
        balance = current.account.balance
    return balance_answer(balance, asked.currency)
