"""POST {prefix}/settle (seed 001): credit the gross win (stake included) against its bet.

The payout's transaction id is the bet's txId (the core keys it by kind, so it does not clash with
the bet). Hence:
- a repeated settle answers "0000" with the original result and moves nothing;
- a settle for a bet the wallet never saw is NOT "0000" (HRG re-sends it; the win is not lost);
- a settle for a cancelled bet, or a second settle of the same txId with another amount, is never
  paid: not "0000", logged for review (HRG keeps re-sending it until a person steps in);
- a lost bet settles with "0.0": the bet is closed and nothing is credited (seed 001).
Only `userId`, `txId` and `winAmount` are required: seed 001's own example has no `roundId`, and a
settle refused for its description would be re-sent until the win is lost. The round's facts
(round, game, status, odds, result cards, commission, betAmount, validBetAmount, fee, gameType,
times) are kept with the payout as sent (`details`), and the raw body with them; the event time is
`ts` when readable, else when the settle was received. `betAmount`, when it is an amount, is only
compared with the wallet's stake for a review log.
"""

from decimal import Decimal

from starlette.requests import Request
from starlette.responses import Response

from gateways.hrg.answers import balance_answer
from gateways.hrg.context import HRGContext, read_request
from gateways.hrg.requests import SettleRequest, settle_request
from gateways.hrg.settings import PROVIDER
from gateways.hrg.times import event_timestamp, format_timestamp
from gateways.kit.core_errors import CoreError
from gateways.kit.record import RequestRecord
from gateways.kit.review import for_review
from wallet.v1 import wallet_pb2

REFUSALS_FOR_REVIEW = frozenset({"ALREADY_ROLLED_BACK", "IDEMPOTENCY_CONFLICT", "PLAYER_MISMATCH", "CURRENCY_MISMATCH"})


def _check_stake(asked: SettleRequest, bet: wallet_pb2.Bet, record: RequestRecord) -> None:
    if asked.bet_amount is not None and bet.stake and Decimal(asked.bet_amount) != Decimal(bet.stake):
        for_review(
            record,
            "settle names another betAmount than the stake the wallet took: paid as asked",
            bet_amount=asked.bet_amount,
            stake=bet.stake,
            win_amount=asked.win_amount,
        )


async def settle(context: HRGContext, request: Request, record: RequestRecord) -> Response:
    body = await read_request(context, request)
    asked = settle_request(body.params)
    record.transaction_id = asked.tx_id
    credit = wallet_pb2.CreditRequest(
        provider=PROVIDER,
        transaction_id=asked.tx_id,
        reference_transaction_id=asked.tx_id,
        player_id=context.player_id(asked.user_id),
        currency=context.settings.currency,
        amount=asked.win_amount,
        round_id=asked.round_id,
        game_id=asked.game_code,
        event_time=event_timestamp(asked.ts),
        raw_request=body.raw,
    )
    body.write_details(credit.details, asked.typed)
    try:
        answer = await context.core.credit(credit, request_id=record.request_id)
    except CoreError as error:
        if error.reason in REFUSALS_FOR_REVIEW:
            for_review(
                record,
                "settle refused: HRG keeps re-sending it, a person must settle it",
                reason=error.reason,
                user_id=asked.user_id,
                win_amount=asked.win_amount,
                core_metadata=error.metadata,
            )
        raise
    record.replay = answer.replay
    paid = answer.transaction
    _check_stake(asked, paid.bet, record)
    return balance_answer(paid.balance_after, format_timestamp(paid.created_at))
