"""`wallet sign`: the printed requests carry the signatures the vendors' rules give, checked here
from the rules themselves (aigame.md, sud.md), never with the gateways' signers."""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import shlex
import subprocess
import sys
import time
import tomllib
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

from wallet_cli import sign
from wallet_cli.config import demo_text
from wallet_cli.main import parser

DEMO = tomllib.loads(demo_text())
BET = {
    "user_id": "demo1",
    "currency": "USD",
    "game_id": "101",
    "inst_id": "000002",
    "shoe_id": 10231,
    "round_id": 41,
    "bet_txn_id": "ai-1",
    "bet_amount": "10.00",
    "bet_time": 1700000000000,
    "bet_detail": {"Player": "0", "Banker": "10.00"},
    "table_name": "",
    "promo": None,
}
SETTLE = (
    '{"notify_id": "n-1", "notify_time": "1700000000000", "app_id": "demo-app",\n'
    ' "notify_event": "sud.mg.merchant.user.settle", "data": {"results": [], "odds": 1.50}}'
)


def aigame_rule(params: dict[str, Any], secret: str) -> str:
    """aigame.md: every parameter but sign whose value is not null or "", sorted by name, k=v joined
    by &, prefixed with SECRET&; md5, hex. Objects (provisional): compact JSON with sorted keys."""
    pieces = []
    for name, value in sorted(params.items()):
        if name == "sign" or value is None or value == "":
            continue
        text = value if isinstance(value, str) else json.dumps(value, separators=(",", ":"), sort_keys=True)
        pieces.append(f"{name}={text}")
    return hashlib.md5(("&".join([secret, *pieces])).encode()).hexdigest()


def sud_rule(secret: str, app_id: str, timestamp: str, nonce: str, body: bytes) -> str:
    """sud.md: lower-case hex HMAC-SHA1 of appId\\ntimestamp\\nnonce\\nbody\\n under the app secret."""
    return hmac.new(
        secret.encode(), f"{app_id}\n{timestamp}\n{nonce}\n".encode() + body + b"\n", hashlib.sha1
    ).hexdigest()


def now_ms() -> int:
    return int(time.time() * 1000)


def run(*argv: str, config: dict[str, Any] = DEMO) -> str:
    args = parser().parse_args(["sign", *argv])
    return sign.aigame(args, config) if args.provider == "aigame" else sign.sud(args, config)


def curl_parts(command: str) -> tuple[str, dict[str, str], str | None]:
    """The URL, headers and body of a printed curl command, read as sh would."""
    words = shlex.split(command.replace("\\\n", ""))
    assert words[:4] == ["curl", "-sS", "-w", "\\n"]
    url, headers, body = words[4], {}, None
    options = iter(words[5:])
    for option in options:
        value = next(options)
        if option == "-H":
            name, _, text = value.partition(": ")
            headers[name] = text
        else:
            assert option == "--data-binary"
            body = value
    return url, headers, body


# --- AIGame ------------------------------------------------------------------------------------------


def test_an_aigame_request_gets_agent_timestamp_and_the_vendor_s_signature() -> None:
    before = now_ms()
    url, headers, body = curl_parts(run("aigame", "--path", "/aigame/v1/wallet/bet", json.dumps(BET)))
    assert url == "http://127.0.0.1:8081/aigame/v1/wallet/bet"
    assert headers == {"Content-Type": "application/json"}
    assert body is not None
    sent = json.loads(body)
    assert {key: sent[key] for key in BET} == BET
    assert sent["agent_id"] == "demo-agent"
    assert before <= sent["timestamp"] <= now_ms()
    assert sent["sign"] == aigame_rule(sent, "demo-secret")


def test_given_agent_and_timestamp_are_kept_and_an_old_sign_is_replaced() -> None:
    payload = {
        "user_id": "demo1",
        "currency": "USD",
        "agent_id": "demo-agent",
        "timestamp": 1700000000000,
        "sign": "0" * 32,
    }
    sent = json.loads(run("aigame", "--body-only", json.dumps(payload)))
    assert sent["timestamp"] == 1700000000000
    assert sent["sign"] == aigame_rule(payload, "demo-secret") != "0" * 32


def test_numbers_are_sent_and_signed_with_the_digits_given() -> None:
    body = run("aigame", "--body-only", '{"user_id": "demo1", "odds": 1.50, "big": 12345678901234567890}')
    assert '"odds":1.50' in body and '"big":12345678901234567890' in body
    sent = json.loads(body, parse_float=str)
    assert sent["sign"] == aigame_rule(sent, "demo-secret")


def test_the_detail_query_is_a_signed_get() -> None:
    url, headers, body = curl_parts(run("aigame", "--get", '{"txn_id": "ai 1&2"}'))
    parts = urlsplit(url)
    assert (parts.netloc, parts.path, headers, body) == ("127.0.0.1:8081", "/api/game/transaction/detail", {}, None)
    params = dict(parse_qsl(parts.query))
    assert params["txn_id"] == "ai 1&2" and params["agent_id"] == "demo-agent"
    assert params["sign"] == aigame_rule(params, "demo-secret")
    query = dict(parse_qsl(run("aigame", "--get", "--body-only", '{"txn_id": "ai-1"}')))
    assert query["sign"] == aigame_rule(query, "demo-secret")


def test_another_agent_needs_its_secret() -> None:
    with pytest.raises(sign.SignError, match="no secret for agent 'agent-x'"):
        run("aigame", "--agent-id", "agent-x", "{}")
    sent = json.loads(run("aigame", "--agent-id", "agent-x", "--secret", "s-x", "--body-only", "{}"))
    assert sent["agent_id"] == "agent-x" and sent["sign"] == aigame_rule(sent, "s-x")
    with pytest.raises(sign.SignError, match="is not --agent-id"):
        run("aigame", "--agent-id", "agent-x", "--secret", "s-x", '{"agent_id": "demo-agent"}')


def test_the_configuration_gives_agent_address_bet_path_and_nested_rule() -> None:
    config = {
        "gateways": {
            "aigame": {
                "listen": "0.0.0.0:9001",
                "agents": {"op-1": "op-secret"},
                "provisional": {"bet_path": "/v2/bet", "nested_signing": "excluded"},
            }
        }
    }
    url, _, body = curl_parts(run("aigame", '{"bet_detail": {"Banker": "1"}}', config=config))
    assert url == "http://127.0.0.1:9001/v2/bet"
    assert body is not None
    sent = json.loads(body)
    without_nested = {key: value for key, value in sent.items() if key != "bet_detail"}
    assert sent["agent_id"] == "op-1" and sent["sign"] == aigame_rule(without_nested, "op-secret")
    url, _, _ = curl_parts(run("aigame", "--url", "https://gw.example/", "{}", config=config))
    assert url == "https://gw.example/v2/bet"


@pytest.mark.parametrize("payload", ["{", "[]", '{"a": NaN}', '{"a": 1, "a": 2}'])
def test_a_payload_the_gateway_would_refuse_is_refused(payload: str) -> None:
    with pytest.raises(sign.SignError, match="PAYLOAD_JSON"):
        run("aigame", payload)
    with pytest.raises(sign.SignError, match="PAYLOAD_JSON"):
        run("sud", payload)


def test_a_query_has_no_objects() -> None:
    with pytest.raises(sign.SignError, match="'detail' cannot be a query parameter"):
        run("aigame", "--get", '{"detail": {"a": 1}}')


# --- SUD ---------------------------------------------------------------------------------------------


def test_a_sud_request_is_signed_over_exactly_the_body_it_sends() -> None:
    before = now_ms()
    url, headers, body = curl_parts(run("sud", SETTLE))
    assert url == "http://127.0.0.1:8083/sud/v1/notify"
    assert body == SETTLE
    assert headers["Content-Type"] == "application/json" and headers["Sud-AppId"] == "demo-app"
    assert before <= int(headers["Sud-Timestamp"]) <= now_ms()
    assert headers["Sud-Signature"] == sud_rule(
        "demo-secret", "demo-app", headers["Sud-Timestamp"], headers["Sud-Nonce"], SETTLE.encode()
    )


def test_each_sud_request_has_its_own_nonce() -> None:
    nonces = {curl_parts(run("sud", "{}"))[1]["Sud-Nonce"] for _ in range(5)}
    assert len(nonces) == 5


def test_sud_reads_standard_input_and_takes_other_app_path_and_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO('  {"order_id": "o-1", "uid": "ü"}\n'))
    url, headers, body = curl_parts(
        run("sud", "--app-id", "app-2", "--secret", "k-2", "--path", "/sud/v1/update_score", "-")
    )
    assert url == "http://127.0.0.1:8083/sud/v1/update_score"
    assert body == '{"order_id": "o-1", "uid": "ü"}'
    assert headers["Sud-Signature"] == sud_rule(
        "k-2", "app-2", headers["Sud-Timestamp"], headers["Sud-Nonce"], body.encode()
    )


def test_another_app_needs_its_secret() -> None:
    with pytest.raises(sign.SignError, match="give --app-id and --secret"):
        run("sud", "--app-id", "app-2", "{}")


# --- the pieces ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("listen", "url"),
    [
        ("127.0.0.1:8081", "http://127.0.0.1:8081"),
        ("0.0.0.0:8081", "http://127.0.0.1:8081"),
        ("[::]:8081", "http://[::1]:8081"),
        ("[::1]:8081", "http://[::1]:8081"),
        ("gw.local:80", "http://gw.local:80"),
    ],
)
def test_base_url(listen: str, url: str) -> None:
    assert sign.base_url(listen) == url


def test_a_command_prints_with_the_curl_it_runs() -> None:
    """Through the `wallet` entry point: the command, then its answer on stdout only."""
    result = subprocess.run(
        [sys.executable, "-m", "wallet_cli", "sign", "sud", "{}"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("curl -sS -w '\\n' http://127.0.0.1:8083/sud/v1/notify \\\n")
    refused = subprocess.run(
        [sys.executable, "-m", "wallet_cli", "sign", "aigame", "{"], capture_output=True, text=True, timeout=60
    )
    assert refused.returncode == 2 and refused.stdout == ""
    assert refused.stderr.startswith("wallet: PAYLOAD_JSON: body is not valid JSON")
