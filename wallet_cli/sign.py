"""``wallet sign``: a correctly signed AIGame or SUD request, printed for a person to run with curl.

The CLI is a client of the dialects here, so it signs with the gateways' own signers
(``gateways.aigame.signature``, ``gateways.sud.signature``). Defaults (agent and secret, app id and
secret, the gateway's address, AIGame's bet path and nested-value rule) come from the configuration,
the demo's unless ``--config`` says otherwise. Secrets are used, never printed.
"""

from __future__ import annotations

import argparse
import json
import secrets
import shlex
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any, TypeVar
from urllib.parse import urlencode

from gateways.aigame.app import DETAIL_PATH
from gateways.aigame.provisional import NestedSigning, Provisional
from gateways.aigame.signature import SIGN_FIELD
from gateways.aigame.signature import signature as aigame_signature
from gateways.kit.config import ConfigReader, GatewayConfigError
from gateways.kit.jsonbody import JsonObject, JsonValue, parse_json_object
from gateways.kit.refusals import Refusal
from gateways.sud.app import NOTIFY_PATH
from gateways.sud.signature import signature as sud_signature

Headers = Sequence[tuple[str, str]]

T = TypeVar("T")


class SignError(Exception):
    """The request cannot be signed; the message says why."""


# --- the two rules ---------------------------------------------------------------------------------


def signed_aigame(payload: JsonObject, *, agent_id: str, secret: str, nested: NestedSigning, now_ms: int) -> JsonObject:
    """`payload` with `agent_id` and `timestamp` (now, ms) filled in when absent, and `sign` computed."""
    params: JsonObject = {key: value for key, value in payload.items() if key != SIGN_FIELD}
    params.setdefault("agent_id", agent_id)
    params.setdefault("timestamp", now_ms)
    params[SIGN_FIELD] = aigame_signature(params, secret, nested)
    return params


def sud_headers(body: bytes, *, app_id: str, secret: str, timestamp: str, nonce: str) -> list[tuple[str, str]]:
    """The four Sud-* headers for exactly these body bytes."""
    signature = sud_signature(secret, app_id.encode(), timestamp.encode(), nonce.encode(), body)
    return [("Sud-AppId", app_id), ("Sud-Timestamp", timestamp), ("Sud-Nonce", nonce), ("Sud-Signature", signature)]


# --- text in and out -------------------------------------------------------------------------------


def read_payload(text: str) -> str:
    """The payload argument (``-``: standard input), without surrounding white space."""
    return (sys.stdin.read() if text == "-" else text).strip()


def parse_payload(text: str) -> JsonObject:
    try:
        return parse_json_object(text.encode("utf-8"))
    except Refusal as refusal:
        raise SignError(f"PAYLOAD_JSON: {refusal.detail}") from None


def to_json(value: JsonValue) -> str:
    """Compact JSON, numbers exactly as parsed (a Decimal keeps its digits: never through a float)."""
    if isinstance(value, dict):
        return (
            "{"
            + ",".join(f"{json.dumps(key, ensure_ascii=False)}:{to_json(item)}" for key, item in value.items())
            + "}"
        )
    if isinstance(value, list):
        return "[" + ",".join(to_json(item) for item in value) + "]"
    if isinstance(value, Decimal):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def query_string(params: JsonObject) -> str:
    """A GET query; values as AIGame signs them (integers as digits, strings raw), then URL-encoded."""
    pairs = []
    for key, value in params.items():
        if isinstance(value, dict | list) or value is None or isinstance(value, bool):
            raise SignError(f"PAYLOAD_JSON: {key!r} cannot be a query parameter (only strings and numbers)")
        pairs.append((key, str(value)))
    return urlencode(pairs)


def curl(url: str, headers: Headers = (), body: str | None = None) -> str:
    """A curl command line (POST when there is a body), one option per line, for sh or eval."""
    lines = [f"curl -sS -w '\\n' {shlex.quote(url)}"]
    lines += [f"-H {shlex.quote(f'{name}: {value}')}" for name, value in headers]
    if body is not None:
        lines.append(f"--data-binary {shlex.quote(body)}")
    return " \\\n  ".join(lines)


def base_url(listen: str) -> str:
    """http://HOST:PORT for a `listen` address; an unspecified host (0.0.0.0, ::) becomes loopback."""
    host, _, port = listen.rpartition(":")
    host = {"0.0.0.0": "127.0.0.1", "": "127.0.0.1", "::": "::1"}.get(host.strip("[]"), host.strip("[]"))
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


# --- the commands ------------------------------------------------------------------------------------


def _section(config: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    section = config.get("gateways", {}).get(name, {})
    return section if isinstance(section, Mapping) else {}


def _configured(read: Callable[[ConfigReader], T], section: Mapping[str, Any], name: str) -> T:
    """A secret of the gateway's section, as the gateway reads it (inline, from a file or a variable)."""
    try:
        return read(ConfigReader(section, f"gateways.{name}"))
    except GatewayConfigError as error:
        raise SignError(f"configuration: {error}") from None


def _url(args: argparse.Namespace, section: Mapping[str, Any], name: str) -> str:
    if args.url:
        return str(args.url).rstrip("/")
    if not section.get("listen"):
        raise SignError(f"no [gateways.{name}] listen address in the configuration: give --url")
    return base_url(str(section["listen"]))


def aigame(args: argparse.Namespace, config: Mapping[str, Any]) -> str:
    """`wallet sign aigame`: the curl command, or with --body-only the body (the query for --get)."""
    section = _section(config, "aigame")
    payload = parse_payload(read_payload(args.payload))
    agents = _configured(lambda reader: reader.secret_table("agents"), section, "aigame")
    given = payload.get("agent_id")
    if given is not None and args.agent_id and str(given) != args.agent_id:
        raise SignError(f"the payload's agent_id {given!r} is not --agent-id {args.agent_id!r}")
    agent_id = str(given) if given is not None else args.agent_id or next(iter(agents), None)
    if agent_id is None:
        raise SignError("no agent in [gateways.aigame.agents]: give --agent-id and --secret")
    secret = args.secret or agents.get(agent_id)
    if not secret:
        raise SignError(f"no secret for agent {agent_id!r} in the configuration: give --secret")
    try:
        provisional = Provisional.from_mapping(section.get("provisional", {}), "gateways.aigame.provisional")
    except GatewayConfigError as error:
        raise SignError(f"configuration: {error}") from None
    params = signed_aigame(
        payload,
        agent_id=agent_id,
        secret=str(secret),
        nested=provisional.nested_signing,
        now_ms=int(time.time() * 1000),
    )
    path = args.path or (DETAIL_PATH if args.get else provisional.bet_path)
    if args.get:
        query = query_string(params)
        return query if args.body_only else curl(f"{_url(args, section, 'aigame')}{path}?{query}")
    body = to_json(params)
    if args.body_only:
        return body
    return curl(f"{_url(args, section, 'aigame')}{path}", [("Content-Type", "application/json")], body)


def sud(args: argparse.Namespace, config: Mapping[str, Any]) -> str:
    """`wallet sign sud`: the curl command with the four Sud-* headers over exactly the body it sends."""
    section = _section(config, "sud")
    body = read_payload(args.payload)
    parse_payload(body)  # refuse what the gateway would refuse; the text is sent (and signed) as given
    app_id = args.app_id or section.get("app_id")
    configured = _configured(lambda reader: reader.secret("app_secret", ""), section, "sud")
    secret = args.secret or (configured if app_id == section.get("app_id") else None)
    if not app_id or not secret:
        raise SignError("no app id and secret for SUD in the configuration: give --app-id and --secret")
    headers = sud_headers(
        body.encode("utf-8"),
        app_id=str(app_id),
        secret=str(secret),
        timestamp=str(int(time.time() * 1000)),
        nonce=secrets.token_hex(8),
    )
    url = f"{_url(args, section, 'sud')}{args.path or NOTIFY_PATH}"
    return curl(url, [("Content-Type", "application/json"), *headers], body)
