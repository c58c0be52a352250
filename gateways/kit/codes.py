"""A dialect's code table: every reason a request can fail for, and the code each endpoint answers.

One table per dialect, written as a grid (a row per reason, a column per endpoint), is the only
place a reader needs to look to know what the provider is told. Its rows are checked against the
reasons that exist: the core's ErrorReason names, the gateway's own GatewayReason values and the
transport failures a call may end with. A misspelt row is an error at import; `uncovered()`
lists the reasons the table leaves to its fallback row.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

import grpc

from gateways.kit.core_errors import transport_reason
from gateways.kit.refusals import GatewayReason
from wallet.v1 import wallet_pb2

CodeT = TypeVar("CodeT")

CORE_REASONS = frozenset(
    value.name.removeprefix("ERROR_REASON_")
    for value in wallet_pb2.ErrorReason.DESCRIPTOR.values
    if value.number != wallet_pb2.ERROR_REASON_UNSPECIFIED
)
TRANSPORT_REASONS = frozenset(
    transport_reason(code) for code in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED)
)
KNOWN_REASONS = CORE_REASONS | frozenset(reason.value for reason in GatewayReason) | TRANSPORT_REASONS


@dataclass(frozen=True)
class CodeTable(Generic[CodeT]):
    """Reason x endpoint -> dialect code."""

    endpoints: tuple[str, ...]
    rows: Mapping[str, Sequence[CodeT]]
    fallback: Sequence[CodeT]
    """The codes for a reason without a row (an unexpected gRPC code, a reason added to the core later)."""

    def __post_init__(self) -> None:
        width = len(self.endpoints)
        for reason, codes in [*self.rows.items(), ("fallback", self.fallback)]:
            if len(codes) != width:
                raise ValueError(f"row {reason!r} has {len(codes)} codes for {width} endpoints")
        unknown = set(self.rows) - KNOWN_REASONS
        if unknown:
            raise ValueError(f"rows for unknown reasons: {sorted(unknown)}")

    def code_for(self, endpoint: str, reason: str) -> CodeT:
        column = self.endpoints.index(endpoint)
        return self.rows.get(reason, self.fallback)[column]

    def uncovered(self) -> frozenset[str]:
        """The known reasons without a row of their own."""
        return KNOWN_REASONS - set(self.rows)
