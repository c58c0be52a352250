"""The gRPC baseline: a grpc.aio server that answers every call with its request, and nothing else
(but the health service, as the core has, which says when it serves).

It runs like the core (its own process, asyncio's default loop, the same server options), so
the core's throughput over this one's is the share of Python gRPC's own limit the core reaches.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from pathlib import Path

import grpc
from grpc_health.v1 import health, health_pb2_grpc

from devstack.processes import Server, spawn

SERVICE, METHOD = "bench.Echo", "Echo"
PATH = f"/{SERVICE}/{METHOD}"


async def echo(request: bytes, context: grpc.aio.ServicerContext) -> bytes:
    return request


async def serve(listen: str) -> None:
    server = grpc.aio.server(options=[("grpc.so_reuseport", 1)])
    handler = grpc.unary_unary_rpc_method_handler(echo)  # no (de)serializer: bytes in, bytes out
    server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler(SERVICE, {METHOD: handler}),))
    health_pb2_grpc.add_HealthServicer_to_server(health.HealthServicer(experimental_non_blocking=True), server)
    server.add_insecure_port(listen)
    await server.start()
    print(f"echo listening on {listen}", file=sys.stderr, flush=True)  # several share a port: the bench waits for each
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stopping.set)
    await stopping.wait()
    await server.stop(1)


async def start_echo(port: int, workdir: Path, index: int = 0) -> Server:
    """One echo process (several may share `port`), not yet awaited."""
    return await spawn(
        "echo", ["-m", "bench.echo_server", "--listen", f"127.0.0.1:{port}"], workdir / f"echo-{index}.log"
    )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.echo_server", description=__doc__)
    parser.add_argument("--listen", default="127.0.0.1:50061")
    asyncio.run(serve(parser.parse_args().listen))


if __name__ == "__main__":
    main()
