"""Tracing's settings, and that off it installs nothing: not even an OpenTelemetry import."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from telemetry.tracing import TracingConfigError, TracingSettings, otlp_exporter, tracer_provider
from wallet_core.config import ConfigError, CoreSettings

ROOT = Path(__file__).resolve().parents[2]


def test_off_by_default_at_one_in_a_hundred_with_sql() -> None:
    assert TracingSettings.from_mapping({}, "[core.tracing]") == TracingSettings(False, 0.01, True)
    assert CoreSettings.from_mapping({}).tracing == TracingSettings()
    assert CoreSettings.from_mapping({"tracing": {"enabled": True, "sample_ratio": 1}}).tracing == TracingSettings(
        True, 1.0, True
    )


@pytest.mark.parametrize(
    ("table", "says"),
    [
        ({"enabled": "yes"}, "true or false"),
        ({"sql": 1}, "true or false"),
        ({"sample_ratio": 1.5}, "from 0 to 1"),
        ({"sample_ratio": -0.1}, "from 0 to 1"),
        ({"sample_ratio": True}, "from 0 to 1"),
        ({"ratio": 0.1}, "unknown keys: ratio"),
        ("on", "must be a table"),
    ],
)
def test_a_wrong_setting_is_named(table: object, says: str) -> None:
    with pytest.raises(TracingConfigError, match=says):
        TracingSettings.from_mapping(table, "[gateways.aigame.tracing]")
    with pytest.raises(ConfigError, match=r"\[core.tracing\]"):
        CoreSettings.from_mapping({"tracing": table})


def test_off_there_is_no_provider() -> None:
    assert tracer_provider(TracingSettings(), "wallet-core", InMemorySpanExporter()) is None


def test_on_the_provider_samples_by_ratio_following_the_parent() -> None:
    provider = tracer_provider(TracingSettings(enabled=True, sample_ratio=0.25), "wallet-core", InMemorySpanExporter())
    assert provider is not None
    assert provider.sampler.get_description().startswith("ParentBased{root:TraceIdRatioBased{0.25},")
    assert provider.resource.attributes["service.name"] == "wallet-core"
    provider.shutdown()


def test_the_otlp_protocol_comes_from_the_standard_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf")
    assert type(otlp_exporter()).__module__ == "opentelemetry.exporter.otlp.proto.http.trace_exporter"
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "grpc")
    assert type(otlp_exporter()).__module__ == "opentelemetry.exporter.otlp.proto.grpc.trace_exporter"
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "http/json")
    with pytest.raises(TracingConfigError, match="grpc or http/protobuf"):
        otlp_exporter()


def test_off_a_core_and_a_gateway_serve_a_bet_without_importing_opentelemetry(tmp_path: Path) -> None:
    """In a process of its own (this one has imported OpenTelemetry for the other tests): a core on
    SQLite and an AIGame gateway in front of it take a bet, and no module of OpenTelemetry is loaded."""
    script = textwrap.dedent(
        f"""
        import asyncio, sys
        import httpx
        from gateways.aigame import PROVIDER, Settings, create_app
        from tests.gateways.aigame.conftest import AIGAME_IP, settings_mapping
        from tests.gateways.aigame.vendor import Vendor
        from tests.support.core import core_settings, token_for, CoreHandle
        from wallet_core import server
        from wallet_core.store.migrate import upgrade

        async def main():
            url = "sqlite+aiosqlite:///{tmp_path / "wallet.db"}"
            await upgrade(url)
            core = await server.start(core_settings(url))
            handle = CoreHandle(address=f"127.0.0.1:{{core.port}}", database_url=url)
            await handle.open_account("demo1", "USD", "100.00")
            app = create_app(Settings.from_mapping(settings_mapping(handle.address, token_for(PROVIDER))))
            transport = httpx.ASGITransport(app=app, client=(AIGAME_IP, 40000))
            async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as http:
                answer = await http.post("/aigame/v1/wallet/bet", json=Vendor().bet("demo1", "t1", "10"))
            await handle.close()
            await core.stop(0.5)
            assert answer.json()["code"] == 200, answer.text
            loaded = sorted(name for name in sys.modules if name.startswith("opentelemetry"))
            assert not loaded, loaded

        asyncio.run(main())
        """
    )
    done = subprocess.run(
        [sys.executable, "-W", "error", "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-3000:]
