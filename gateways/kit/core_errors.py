"""The core's refusals, as the gateway sees them.

The core answers a failure with a gRPC status and one google.rpc.ErrorInfo (domain "wallet.v1")
whose reason names an ErrorReason without its prefix ("INSUFFICIENT_FUNDS"). A failure that
carries no ErrorInfo (the core is down, the deadline passed) gets the reason "GRPC_<CODE>"
("GRPC_UNAVAILABLE"), so that a dialect's code table can name it like any other reason.
"""

from collections.abc import Mapping

import grpc
from google.rpc import error_details_pb2
from grpc_status import rpc_status

ERROR_DOMAIN = "wallet.v1"

# CANCELLED reaches the gateway only from the other side (its own cancellations raise
# asyncio.CancelledError): a core that stopped with the call in flight. Like a connection lost
# mid-call, the call may or may not have committed: undecided, to be replayed.
_NOTHING_DECIDED_CODES = frozenset(
    {grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED, grpc.StatusCode.CANCELLED}
)
_NOTHING_DECIDED_REASONS = frozenset({"STORE_UNAVAILABLE"})


def transport_reason(code: grpc.StatusCode) -> str:
    """The reason given to a failure without ErrorInfo: "GRPC_" + the status code's name."""
    return f"GRPC_{code.name}"


class CoreError(Exception):
    """A failed core call: its gRPC code, its ErrorInfo reason and the ErrorInfo metadata."""

    def __init__(self, code: grpc.StatusCode, reason: str, metadata: Mapping[str, str], message: str) -> None:
        super().__init__(f"{reason} ({code.name}): {message}")
        self.code = code
        self.reason = reason
        self.metadata = dict(metadata)
        self.message = message

    @property
    def nothing_decided(self) -> bool:
        """True when the core decided nothing, or the gateway cannot know what it decided (the answer
        was lost): the same request may be retried (same transaction id)."""
        return self.code in _NOTHING_DECIDED_CODES or self.reason in _NOTHING_DECIDED_REASONS

    @classmethod
    def from_rpc_error(cls, error: grpc.aio.AioRpcError) -> "CoreError":
        code: grpc.StatusCode = error.code()
        message = str(error.details() or "")
        try:
            status = rpc_status.from_call(error)
        except ValueError:
            status = None
        for detail in status.details if status is not None else ():
            info = error_details_pb2.ErrorInfo()
            if detail.Unpack(info) and info.domain == ERROR_DOMAIN:
                return cls(code, info.reason, info.metadata, message)
        return cls(code, transport_reason(code), {}, message)
