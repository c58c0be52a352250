"""The gRPC entrypoint of the outbox (``wallet.v1.OutboxService``): relays lease events and
acknowledge them. It only translates; ``wallet_core.outbox`` decides."""

from __future__ import annotations

from wallet.v1 import events_pb2 as pb
from wallet.v1 import events_pb2_grpc
from wallet_core.auth import require_relay
from wallet_core.outbox import Outbox, lease_of
from wallet_core.service import CallTracing, Metadata, WalletService, rpc


class OutboxService(events_pb2_grpc.OutboxServiceServicer):
    tracing: CallTracing | None = None
    """Never traced: a relay polls several times a second, and no provider's request is behind it."""

    def __init__(self, wallet: WalletService, outbox: Outbox) -> None:
        self.wallet = wallet  # its authenticator, and its words for a transaction
        self.outbox = outbox

    @rpc
    async def LeaseEvents(self, request: pb.LeaseEventsRequest, metadata: Metadata) -> pb.LeaseEventsResponse:
        require_relay(self.wallet.authenticator.identify(metadata))
        lease = lease_of(request.relay, request.max_events, request.max_partitions, request.lease_seconds)
        leased = await self.outbox.lease(lease)
        return pb.LeaseEventsResponse(
            events=[
                pb.TransactionEvent(sequence=s, transaction=self.wallet.transaction_message(tx)) for s, tx in leased
            ]
        )

    @rpc
    async def AckEvents(self, request: pb.AckEventsRequest, metadata: Metadata) -> pb.AckEventsResponse:
        require_relay(self.wallet.authenticator.identify(metadata))
        lease_of(request.relay, 0, 0, 0)  # the relay's name, checked
        return pb.AckEventsResponse(acknowledged=await self.outbox.acknowledge(request.relay, list(request.sequences)))
