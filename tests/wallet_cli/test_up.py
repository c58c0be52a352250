"""`wallet up` as a real process: the core and the three gateways, the README's "Try it" run against
them as written, a clean stop on SIGINT, and the demo's refusal of a public address (its ports already
taken: test_first_hour.py)."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import grpc
import httpx

from devstack.ports import free_port
from tests.wallet_cli.demo_config import (
    DEMO_ADDRESSES,
    demo_config_at,
    environment,
    fresh_addresses,
    wallet,
)
from wallet.v1 import wallet_pb2 as pb
from wallet.v1 import wallet_pb2_grpc

README = Path(__file__).resolve().parents[2] / "README.md"
ANY_TEXT = "…"  # "…" in a promised answer: a string that changes from run to run
ANY_NUMBER = "… a number"  # a bare … (not JSON): a number that changes, e.g. a time in ms
BARE_WILDCARD = re.compile(r"(?<=[:\[,])…(?=[,\]}])")


@contextmanager
def wallet_up(config: Path, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as stderr:
        process = subprocess.Popen(
            wallet("up", "--config", str(config)), stderr=stderr, env=environment(), cwd=config.parent
        )
        try:
            yield process
        finally:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=10)


def wait_until_up(addresses: dict[str, str], process: subprocess.Popen[bytes], log: Path) -> None:
    pending = {addresses[name] for name in ("aigame", "hrg", "sud")}
    deadline = time.monotonic() + 30
    with httpx.Client(timeout=1) as client:
        while pending:
            assert process.poll() is None, f"wallet up exited with {process.returncode}:\n{log.read_text()}"
            assert time.monotonic() < deadline, f"no healthy gateway at {pending}:\n{log.read_text()}"
            for address in sorted(pending):
                try:
                    health = client.get(f"http://{address}/healthz")
                except httpx.TransportError:
                    continue
                if health.status_code == 200 and health.json()["core"] == "up":
                    pending.discard(address)
            time.sleep(0.1)


def try_it(addresses: dict[str, str]) -> dict[str, tuple[str, list[str]]]:
    """The README's "Try it", per provider: its sh blocks as one bash script (aimed at these
    addresses, run with this interpreter) and the answers it promises, in order (the `# → ` lines)."""
    section = README.read_text().split("\n## Try it\n", 1)[1].split("\n## ", 1)[0]
    commands = {"wallet": f"{sys.executable} -m wallet_cli", "python": sys.executable}
    scripts = {}
    for part in section.split("\n### ")[1:]:
        script = "\n".join(re.findall(r"```sh\n(.*?)```", part, flags=re.DOTALL))
        for name, demo_address in DEMO_ADDRESSES.items():
            script = script.replace(demo_address, addresses[name])
        script = re.sub(r"\.venv/bin/(wallet|python)\b", lambda found: commands[found[1]], script)
        scripts[part.split("\n", 1)[0]] = (script, re.findall(r"^# → (.*)$", script, flags=re.MULTILINE))
    return scripts


def run_side_by_side(
    scripts: dict[str, tuple[str, list[str]]], cwd: Path, addresses: dict[str, str]
) -> dict[str, tuple[str, str]]:
    """Each provider's script under bash, all at once (they touch different players): stdout, stderr.
    `wallet sign` reads the demo configuration, aimed at the test's gateways from the environment."""
    env = environment(
        WALLET__GATEWAYS__AIGAME__LISTEN=addresses["aigame"],
        WALLET__GATEWAYS__SUD__LISTEN=addresses["sud"],
        WALLET__RECONCILE__CORE_ADDRESS=addresses["core"],
        WALLET__RECONCILE__PROVIDERS__AIGAME__BASE_URL=f"http://{addresses['aigame_platform']}",
    )
    runs = {
        title: subprocess.Popen(
            ["bash", "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=cwd, env=env
        )
        for title, (script, _) in scripts.items()
    }
    # Generous: each `wallet` command in the scripts starts a Python process (seconds on a loaded machine).
    return {title: run.communicate(timeout=240) for title, run in runs.items()}


def matches(expected: Any, actual: Any) -> bool:
    """Equal, except where `expected` holds a wildcard: any text, or any number."""
    if expected == ANY_TEXT:
        return isinstance(actual, str)
    if expected == ANY_NUMBER:
        return isinstance(actual, int | float) and not isinstance(actual, bool)
    if isinstance(expected, dict):
        return (
            isinstance(actual, dict)
            and expected.keys() == actual.keys()
            and all(matches(value, actual[key]) for key, value in expected.items())
        )
    if isinstance(expected, list):
        return (
            isinstance(actual, list)
            and len(expected) == len(actual)
            and all(matches(e, a) for e, a in zip(expected, actual, strict=True))
        )
    return bool(expected == actual)


def promised(expected: str, answer: str) -> bool:
    if not expected.startswith("{"):  # a line of text: "…" stands for any text
        return re.fullmatch(".*".join(re.escape(part) for part in expected.split(ANY_TEXT)), answer) is not None
    try:
        return matches(json.loads(BARE_WILDCARD.sub(lambda _: json.dumps(ANY_NUMBER), expected)), json.loads(answer))
    except json.JSONDecodeError:
        return False


def balance(address: str, player: str, currency: str = "USD") -> Decimal:
    with grpc.insecure_channel(address) as channel:
        answer = wallet_pb2_grpc.WalletServiceStub(channel).GetBalance(
            pb.GetBalanceRequest(player_id=player, currency=currency),
            metadata=[("authorization", "Bearer demo-admin-token")],
            timeout=5,
        )
    return Decimal(answer.account.balance)


def refusal_logged_as_shown() -> dict[str, Any]:
    """The README's example of a refusal's log line, less what changes from request to request."""
    section = README.read_text().split("\n### Why was it refused?\n", 1)[1]
    shown = json.loads(re.findall(r"```json\n(.*?)\n```", section, flags=re.DOTALL)[0])
    return {key: value for key, value in shown.items() if key not in {"time", "request_id", "latency_ms"}}


def logged(log: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]


def csrf_of(html: str) -> str:
    token = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert token, html
    return token[1]


@contextmanager
def console_signed_in(address: str, name: str, password: str) -> Iterator[httpx.Client]:
    """A client of the demo's console, signed in as the README says (the stale bets page asks AIGame,
    at most once per 5 s: hence the timeout)."""
    with httpx.Client(base_url=f"http://{address}", timeout=30) as client:
        form = client.get("/signin").text
        answer = client.post("/signin", data={"csrf_token": csrf_of(form), "name": name, "password": password})
        assert answer.status_code == 303, answer.text
        yield client


def console_shows_demo1(address: str) -> None:
    """The demo's console: demo1's page shows the balance the examples left; ai-stuck-1, paid by
    `wallet reconcile --apply`, is no longer a stale bet, and its Apply now does nothing."""
    with console_signed_in(address, "support", "demo-support") as client:
        page = client.get("/players/demo1")
        assert page.status_code == 200 and "1009.50" in page.text, page.text
    with console_signed_in(address, "finance", "demo-finance") as client:
        stale = client.get("/stale", params={"older_than": "0s"})
        assert stale.status_code == 200 and 'data-key="aigame:ai-stuck-1"' not in stale.text, stale.text
        data = {"csrf_token": csrf_of(stale.text), "key": "aigame:ai-stuck-1"}
        assert client.post("/stale/apply", data=data).status_code == 303
        assert "aigame:ai-stuck-1: no longer placed (settled or cancelled): nothing to do" in client.get("/stale").text


def aigame_sends(addresses: dict[str, str], path: str, payload: dict[str, Any]) -> dict[str, Any]:
    """A request signed by `wallet sign aigame` (the demo's agent), sent to the demo's AIGame gateway."""
    signed = subprocess.run(
        wallet("sign", "aigame", "--body-only", "--path", path, json.dumps(payload)),
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
        env=environment(),
    ).stdout
    answer = httpx.post(
        f"http://{addresses['aigame']}{path}", content=signed, headers={"content-type": "application/json"}, timeout=10
    )
    found: dict[str, Any] = answer.json()
    return found


def test_the_readme_examples_run_against_wallet_up_which_stops_cleanly_on_sigint(tmp_path: Path) -> None:
    addresses = fresh_addresses()
    config = demo_config_at(tmp_path / "wallet.toml", addresses, tmp_path / "wallet.db")
    log = tmp_path / "up.log"
    with wallet_up(config, log) as process:
        wait_until_up(addresses, process, log)

        scripts = try_it(addresses)
        assert sum(len(expected) for _, expected in scripts.values()) == 22
        for title, (stdout, stderr) in run_side_by_side(scripts, tmp_path, addresses).items():
            answers, expected = stdout.splitlines(), scripts[title][1]
            assert len(answers) == len(expected), f"{title}\nstdout:\n{stdout}\nstderr:\n{stderr}"
            for number, (promise, answer) in enumerate(zip(expected, answers, strict=True), start=1):
                assert promised(promise, answer), f"{title}, answer {number}: README promises\n{promise}\ngot\n{answer}"
        # Every repeat moved nothing: the balances are the last answers, counted once.
        assert balance(addresses["core"], "demo1") == Decimal("1009.50")
        assert balance(addresses["core"], "demo1", "BRL") == Decimal("1009.50")  # ai-stuck-1 paid once
        assert balance(addresses["core"], "demo2") == Decimal("1009.50")
        assert balance(addresses["core"], "demo3") == Decimal("1065.00")
        console_shows_demo1(addresses["console"])

        started = time.monotonic()
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=15) == 0, log.read_text()
        stopped_in = time.monotonic() - started  # well under the core's 10 s grace: nothing waited for it
        assert stopped_in < 8, f"stopped in {stopped_in:.1f} s:\n{log.read_text()}"

    records = logged(log)
    listening = {record["address"] for record in records if record["message"].endswith("listening")}
    assert listening == {
        addresses["core"],
        f"http://{addresses['metrics']}/metrics",
        *(f"http://{addresses[name]}" for name in ("aigame", "hrg", "sud", "aigame_platform", "console")),
    }
    assert "stopping" in [record["message"] for record in records]
    refusal = refusal_logged_as_shown()
    assert [record for record in records if refusal.items() <= record.items()] != [], refusal
    # Not even a warning: every demo gateway has its allowlist (no "any address may call" at each start).
    assert [record for record in records if record["level"] in {"WARNING", "ERROR", "CRITICAL"}] == [], log.read_text()


STUCK_BET = {
    "user_id": "demo1",
    "currency": "BRL",
    "game_id": "101",
    "inst_id": "000002",
    "shoe_id": 10231,
    "round_id": 43,
    "bet_txn_id": "ai-stuck-1",
    "bet_amount": "10.00",
    "bet_time": 1700000200000,
    "bet_detail": {"Banker": "10.00"},
}


def test_the_demos_stuck_bet_is_paid_once_by_the_consoles_button(tmp_path: Path) -> None:
    addresses = fresh_addresses()
    config = demo_config_at(tmp_path / "wallet.toml", addresses, tmp_path / "wallet.db")
    log = tmp_path / "up.log"
    with wallet_up(config, log) as process:
        wait_until_up(addresses, process, log)
        placed = aigame_sends(addresses, "/aigame/v1/wallet/bet", STUCK_BET)
        assert (placed["code"], placed["data"]["balance"]) == (200, "990.00"), placed
        with console_signed_in(addresses["console"], "finance", "demo-finance") as client:
            assert 'data-key="aigame:ai-stuck-1"' not in client.get("/stale").text  # the default: 10 minutes
            stale = client.get("/stale", params={"older_than": "0s"})
            assert 'data-key="aigame:ai-stuck-1"' in stale.text and "pay 19.50 BRL" in stale.text, stale.text
            data = {"csrf_token": csrf_of(stale.text), "key": "aigame:ai-stuck-1", "older_than": "0s"}
            applied = client.post("/stale/apply", data=data)
            assert applied.status_code == 303, applied.text
            assert "aigame:ai-stuck-1: paid 19.50 BRL to demo1 (balance 1009.50)" in client.get("/stale").text
            client.post("/stale/apply", data=data)
            assert "aigame:ai-stuck-1: no longer placed" in client.get("/stale").text
        late = aigame_sends(
            addresses,
            "/aigame/v1/wallet/payout",
            {"user_id": "demo1", "currency": "BRL", "bet_txn_id": "ai-stuck-1", "win_amount": "19.50"},
        )
        assert (late["code"], late["data"]["balance"]) == (200, "1009.50"), late  # AIGame's own, late: a replay
        assert balance(addresses["core"], "demo1", "BRL") == Decimal("1009.50")
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=15) == 0, log.read_text()


def test_the_demo_refuses_an_address_beyond_loopback(tmp_path: Path) -> None:
    for key in ("WALLET__CORE__LISTEN", "WALLET__GATEWAYS__HRG__LISTEN"):
        public = f"0.0.0.0:{free_port()}"
        result = subprocess.run(
            wallet("up"),
            capture_output=True,
            text=True,
            timeout=60,
            cwd=tmp_path,
            env=environment(**{key: public, "WALLET_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/d.db"}),
        )
        assert result.returncode == 2, result.stderr
        assert f"the demo configuration only listens on loopback, not {public}; use --config" in result.stderr
        assert not (tmp_path / "d.db").exists()
