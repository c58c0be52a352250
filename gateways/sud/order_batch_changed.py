"""`sud.mg.merchant.order.batch.changed`: many orders' news at once; each EXECUTE_FAIL gives its buy-in back.

Each EXECUTE_FAIL entry is rolled back exactly as a single order.changed is (order_changed.py): its
own rollback keyed by the buy-in's `out_order_id`, which the core applies once however often it is
asked. So the entries are applied one by one, not in one transaction: a re-send applies only what
is missing (an entry already applied is a replay and moves nothing). The notification is answered
0 only when every entry stands; otherwise with the first failure's code, so that SUD re-sends it,
after every other entry was still tried (one entry that can never be applied does not hold back
the others' money; it is logged for review, and each re-send answers the same failure).
EXECUTE_SUCCESS and any other status move nothing. A malformed entry refuses the whole
notification before anything moves.
"""

from gateways.kit.core_errors import CoreError
from gateways.kit.record import RequestRecord
from gateways.kit.request_body import RequestBody
from gateways.sud.context import SudContext, note_unknown_fields
from gateways.sud.order_changed import note_status, roll_back
from gateways.sud.requests import Envelope, order_batch_changed


async def orders_were_changed(
    context: SudContext, record: RequestRecord, envelope: Envelope, body: RequestBody
) -> None:
    batch = order_batch_changed(envelope.data, context.settings.provisional.order_player_field)
    note_unknown_fields(record, batch.unknown, notify_id=envelope.notify_id)
    refused: list[CoreError] = []
    replays: list[bool] = []
    for index, order in enumerate(batch.orders):
        failed = order.failed
        if failed is None:
            note_status(record, envelope, order.status, order_index=index)
            continue
        try:
            answer = await roll_back(context, record, envelope, body, failed, {**batch.described, **failed.sent})
        except CoreError as error:
            refused.append(error)
            continue
        replays.append(answer.replay)
    if refused:
        raise refused[0]
    record.replay = all(replays) if replays else None
