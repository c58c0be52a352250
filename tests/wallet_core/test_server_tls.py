"""TLS and mutual TLS on the core's gRPC port, with certificates made for the test (trustme)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import grpc
import pytest
import trustme

from tests.support.core import ADMIN_TOKEN, bearer, core_settings
from wallet.v1 import wallet_pb2 as pb
from wallet.v1 import wallet_pb2_grpc
from wallet_core import server
from wallet_core.config import TlsSettings
from wallet_core.store.migrate import upgrade


@pytest.fixture
def pki(tmp_path: Path) -> Iterator[dict[str, Path]]:
    ca = trustme.CA()
    server_cert = ca.issue_cert("localhost", "127.0.0.1")
    client_cert = ca.issue_cert("gateway.example")
    files = {
        "ca": tmp_path / "ca.pem",
        "cert": tmp_path / "server.pem",
        "key": tmp_path / "server.key",
        "client_cert": tmp_path / "client.pem",
        "client_key": tmp_path / "client.key",
    }
    ca.cert_pem.write_to_path(str(files["ca"]))
    server_cert.cert_chain_pems[0].write_to_path(str(files["cert"]))
    server_cert.private_key_pem.write_to_path(str(files["key"]))
    client_cert.cert_chain_pems[0].write_to_path(str(files["client_cert"]))
    client_cert.private_key_pem.write_to_path(str(files["client_key"]))
    yield files


async def _balance_over(channel: grpc.aio.Channel) -> str:
    stub = wallet_pb2_grpc.WalletServiceStub(channel)
    answer = await stub.GetBalance(
        pb.GetBalanceRequest(player_id="p", currency="USD"), metadata=bearer(ADMIN_TOKEN), timeout=5
    )
    return str(answer.account.balance)


def _sqlite_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'tls.db'}"


async def test_tls_port_serves_tls_clients_only(pki: dict[str, Path], tmp_path: Path) -> None:
    await upgrade(_sqlite_url(tmp_path))
    tls = TlsSettings(cert_file=str(pki["cert"]), key_file=str(pki["key"]))
    core = await server.start(replace(core_settings(_sqlite_url(tmp_path)), tls=tls))
    try:
        await core.ledger.create_account("p", "USD", "3.00")
        trusted = grpc.ssl_channel_credentials(root_certificates=pki["ca"].read_bytes())
        async with grpc.aio.secure_channel(f"127.0.0.1:{core.port}", trusted) as channel:
            assert await _balance_over(channel) == "3.00"
        async with grpc.aio.insecure_channel(f"127.0.0.1:{core.port}") as plain:
            with pytest.raises(grpc.aio.AioRpcError) as refused:
                await _balance_over(plain)
        assert refused.value.code() == grpc.StatusCode.UNAVAILABLE
    finally:
        await core.stop(0.5)


async def test_mutual_tls_requires_a_client_certificate(pki: dict[str, Path], tmp_path: Path) -> None:
    await upgrade(_sqlite_url(tmp_path))
    tls = TlsSettings(cert_file=str(pki["cert"]), key_file=str(pki["key"]), client_ca_file=str(pki["ca"]))
    core = await server.start(replace(core_settings(_sqlite_url(tmp_path)), tls=tls))
    try:
        await core.ledger.create_account("p", "USD", "4.00")
        with_cert = grpc.ssl_channel_credentials(
            root_certificates=pki["ca"].read_bytes(),
            private_key=pki["client_key"].read_bytes(),
            certificate_chain=pki["client_cert"].read_bytes(),
        )
        async with grpc.aio.secure_channel(f"127.0.0.1:{core.port}", with_cert) as channel:
            assert await _balance_over(channel) == "4.00"
        without_cert = grpc.ssl_channel_credentials(root_certificates=pki["ca"].read_bytes())
        async with grpc.aio.secure_channel(f"127.0.0.1:{core.port}", without_cert) as channel:
            with pytest.raises(grpc.aio.AioRpcError) as refused:
                await _balance_over(channel)
        assert refused.value.code() == grpc.StatusCode.UNAVAILABLE
    finally:
        await core.stop(0.5)
