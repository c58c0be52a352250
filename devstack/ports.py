"""Free loopback ports for the processes of a stack."""

from __future__ import annotations

import socket
from collections.abc import Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass

LOOPBACK = "127.0.0.1"


def free_ports(count: int) -> list[int]:
    """`count` distinct ports free now: every socket stays bound until all are chosen, so that the
    kernel cannot hand the same port out twice."""
    with ExitStack() as stack:
        sockets = [stack.enter_context(socket.socket()) for _ in range(count)]
        for s in sockets:
            s.bind((LOOPBACK, 0))
        return [int(s.getsockname()[1]) for s in sockets]


def free_port() -> int:
    return free_ports(1)[0]


@dataclass(frozen=True)
class StackPorts:
    """The core's port and each gateway's, by name."""

    core: int
    gateways: Mapping[str, int]

    @classmethod
    def pick(cls, gateways: Sequence[str]) -> StackPorts:
        core, *others = free_ports(1 + len(gateways))
        return cls(core, dict(zip(gateways, others, strict=True)))

    @property
    def core_address(self) -> str:
        return f"{LOOPBACK}:{self.core}"

    def gateway_url(self, name: str) -> str:
        return f"http://{LOOPBACK}:{self.gateways[name]}"
