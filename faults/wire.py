"""One HTTP POST to a gateway, as a vendor sends it: the JSON answer, or what went wrong on the wire."""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

VENDOR_TIMEOUT_SECONDS = 5.0
"""Providers give a wallet call 3-10 s (wallet-rules.md, rule 11)."""


@dataclass(frozen=True)
class Reply:
    body: dict[str, Any] | None
    problem: str
    """"" with a body; otherwise refused, cut, timeout, http NNN or not json."""
    seconds: float


def new_client() -> httpx.AsyncClient:
    return httpx.AsyncClient(timeout=VENDOR_TIMEOUT_SECONDS)


async def post(client: httpx.AsyncClient, url: str, body: bytes, headers: Mapping[str, str] | None = None) -> Reply:
    started = time.monotonic()
    try:
        response = await client.post(url, content=body, headers={"Content-Type": "application/json", **(headers or {})})
    except httpx.ConnectError:
        return Reply(None, "refused", time.monotonic() - started)
    except httpx.TimeoutException:
        return Reply(None, "timeout", time.monotonic() - started)
    except httpx.TransportError:  # the connection died with the request in flight
        return Reply(None, "cut", time.monotonic() - started)
    seconds = time.monotonic() - started
    if response.status_code != 200:
        return Reply(None, f"http {response.status_code}", seconds)
    try:
        answer = json.loads(response.content)
    except ValueError:
        return Reply(None, "not json", seconds)
    return Reply(answer, "", seconds) if isinstance(answer, dict) else Reply(None, "not json", seconds)
