"""A stand-in OTLP collector for `--tracing-cost`: it takes every export (OTLP over HTTP, protobuf)
and answers success, so that a traced core pays for building, batching, encoding and sending its
spans as it would in production, and nothing else runs on the machine for them."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from devstack.ports import LOOPBACK


class _Handler(BaseHTTPRequestHandler):
    exports = 0

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        type(self).exports += 1
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0")  # an empty ExportTraceServiceResponse: all accepted
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def otlp_sink() -> Iterator[dict[str, str]]:
    """A sink on a free loopback port, and the standard variables that send a process's traces to it."""
    server = ThreadingHTTPServer((LOOPBACK, 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, name="otlp-sink", daemon=True)
    thread.start()
    try:
        yield {
            "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "http/protobuf",
            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": f"http://{LOOPBACK}:{server.server_address[1]}/v1/traces",
        }
    finally:
        server.shutdown()
        server.server_close()


def exports() -> int:
    """How many exports the sink took (a traced run with none did not trace)."""
    return _Handler.exports
