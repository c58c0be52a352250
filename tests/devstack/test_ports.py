"""Free loopback ports: distinct, and free to listen on."""

from __future__ import annotations

import socket

from devstack.ports import StackPorts, free_ports


def test_ports_are_distinct_and_free() -> None:
    ports = free_ports(32)
    assert len(set(ports)) == 32
    for port in ports:
        with socket.socket() as s:
            s.bind(("127.0.0.1", port))


def test_a_stack_has_a_port_for_the_core_and_each_gateway() -> None:
    ports = StackPorts.pick(["aigame", "hrg", "sud"])
    assert len({ports.core, *ports.gateways.values()}) == 4
    assert ports.core_address == f"127.0.0.1:{ports.core}"
    assert ports.gateway_url("hrg") == f"http://127.0.0.1:{ports.gateways['hrg']}"
