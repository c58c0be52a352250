"""Run the core: a grpc.aio server with the wallet service, health checks and reflection.

On SIGTERM or SIGINT the health status turns NOT_SERVING, new calls are refused and
in-flight calls get ``shutdown_grace_seconds`` to finish.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import grpc
import prometheus_client
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from telemetry.tracing import tracer_provider
from wallet.v1 import events_pb2, events_pb2_grpc, wallet_pb2, wallet_pb2_grpc
from wallet_core import bootstrap
from wallet_core.config import CoreSettings, TlsSettings
from wallet_core.ledger import Ledger
from wallet_core.outbox import Outbox
from wallet_core.outbox_service import OutboxService

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider

log = logging.getLogger("wallet_core.server")

SERVICE_NAME = wallet_pb2.DESCRIPTOR.services_by_name["WalletService"].full_name
OUTBOX_SERVICE_NAME = events_pb2.DESCRIPTOR.services_by_name["OutboxService"].full_name

KEEPALIVE_PERMIT = (
    # Gateways ping every 0.5 s to know a silent core is dead within 1.5 s (gateways.kit.core_channel);
    # by default a server answers pings more often than every 5 minutes with GOAWAY.
    ("grpc.keepalive_permit_without_calls", 1),
    ("grpc.http2.min_ping_interval_without_data_ms", 250),
    ("grpc.http2.max_ping_strikes", 0),
)


@dataclass
class RunningCore:
    server: grpc.aio.Server
    port: int
    ledger: Ledger
    health: health.aio.HealthServicer
    backlog_watch: asyncio.Task[None]
    tracer: TracerProvider | None = None

    async def stop(self, grace: float | None) -> None:
        await self.health.enter_graceful_shutdown()
        await self.server.stop(grace)
        self.backlog_watch.cancel()
        await asyncio.gather(self.backlog_watch, return_exceptions=True)
        await self.ledger.close()
        if self.tracer is not None:
            self.tracer.shutdown()  # exports what is left


async def start(settings: CoreSettings, tracer: TracerProvider | None = None) -> RunningCore:
    """Open the store, bind the port and start serving; the caller owns the result. Traced by
    ``tracer`` when given (a test's), else as ``[core.tracing]`` says (off: nothing installed)."""
    tracer = tracer or tracer_provider(settings.tracing, "wallet-core")
    service = await bootstrap.wallet_service(settings, tracer)
    try:
        server = grpc.aio.server(options=[("grpc.so_reuseport", 1), *KEEPALIVE_PERMIT])
        wallet_pb2_grpc.add_WalletServiceServicer_to_server(service, server)
        outbox = Outbox(service.ledger.engine)
        events_pb2_grpc.add_OutboxServiceServicer_to_server(OutboxService(service, outbox), server)
        # The asyncio servicer: each gateway channel keeps a Watch open per core (client-side health
        # checking), which the thread-based one would hold a thread for.
        health_servicer = health.aio.HealthServicer()
        health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
        reflection.enable_server_reflection(
            (
                SERVICE_NAME,
                OUTBOX_SERVICE_NAME,
                health_pb2.DESCRIPTOR.services_by_name["Health"].full_name,
                reflection.SERVICE_NAME,
            ),
            server,
        )
        if settings.tls is None:
            port = server.add_insecure_port(settings.listen)
        else:
            port = server.add_secure_port(settings.listen, _credentials(settings.tls))
        await server.start()
    except Exception:  # a port taken, a TLS file missing: the store's connections are not left open
        await service.ledger.close()
        if tracer is not None:
            tracer.shutdown()
        raise
    for name in ("", SERVICE_NAME):
        await health_servicer.set(name, health_pb2.HealthCheckResponse.SERVING)
    log.info("core listening", extra={"address": settings.listen, "port": port, "tls": settings.tls is not None})
    backlog_watch = asyncio.create_task(outbox.watch_backlog())
    return RunningCore(server, port, service.ledger, health_servicer, backlog_watch, tracer)


async def serve(settings: CoreSettings) -> None:
    """Serve until SIGTERM/SIGINT, then drain in-flight calls."""
    core = await start(settings)
    serve_metrics(settings)
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stopping.set)
    await stopping.wait()
    log.info("core stopping: draining in-flight calls", extra={"grace_seconds": settings.shutdown_grace_seconds})
    await core.stop(settings.shutdown_grace_seconds)
    log.info("core stopped")


def serve_metrics(settings: CoreSettings) -> None:
    """Prometheus metrics over HTTP on ``metrics_listen`` (a daemon thread), when set."""
    if settings.metrics_listen:
        host, _, port = settings.metrics_listen.rpartition(":")
        prometheus_client.start_http_server(int(port), addr=host)
        log.info("core metrics listening", extra={"address": f"http://{settings.metrics_listen}/metrics"})


def _credentials(tls: TlsSettings) -> grpc.ServerCredentials:
    key, cert = Path(tls.key_file).read_bytes(), Path(tls.cert_file).read_bytes()
    if tls.client_ca_file:
        return grpc.ssl_server_credentials(
            [(key, cert)], root_certificates=Path(tls.client_ca_file).read_bytes(), require_client_auth=True
        )
    return grpc.ssl_server_credentials([(key, cert)])
