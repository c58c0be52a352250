"""Structured logs: one JSON object per line on stderr, with the fields passed in ``extra``."""

from __future__ import annotations

import logging
import sys

from pythonjsonlogger.json import JsonFormatter


def configure(level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter(
        "%(asctime)s %(levelname)s %(name)s %(message)s",
        rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
    ))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # uvicorn's access log repeats what the gateways' own request log says, without its fields.
    logging.getLogger("uvicorn.access").disabled = True
    # uvicorn's start-up chatter does not name the gateway; `wallet` logs each listening address itself.
    logging.getLogger("uvicorn.error").setLevel(max(root.level, logging.WARNING))
