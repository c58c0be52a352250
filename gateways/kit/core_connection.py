"""Where a gateway finds the wallet core, who it is to the core, and how long a call may take.

Read from a gateway's `[gateways.<name>.core]` table. The channel is plaintext, or TLS when a CA file
is configured (mutual TLS with a client certificate and key as well).
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import grpc

from gateways.kit.config import ConfigReader, GatewayConfigError
from gateways.kit.core_channel import CoreAddressError, channel_target


@dataclass(frozen=True)
class CoreConnection:
    """Where the core is, who the gateway is to it, and how long a call may take."""

    address: str
    """One core or several: `host:port`, `ip:port,ip:port,…` or a gRPC target (`dns:///name:port`);
    see gateways.kit.core_channel."""
    token: str = field(repr=False)
    deadline_seconds: float = 2.0
    """Total time for one call, retries included."""
    attempt_timeout_seconds: float = 1.0
    """Time for one attempt (capped by what is left of the deadline)."""
    max_attempts: int = 3
    tls_ca_file: str = ""
    """PEM file of the CA that signed the core's certificate; set, the channel is TLS."""
    tls_cert_file: str = ""
    """PEM certificate of the gateway, for mutual TLS (with tls_key_file)."""
    tls_key_file: str = ""
    tls_server_name: str = ""
    """The name the core's certificate must carry, when not the address's host (several cores by IP)."""

    def __post_init__(self) -> None:
        try:
            channel_target(self.address)
        except CoreAddressError as error:
            raise GatewayConfigError(str(error)) from None
        if bool(self.tls_cert_file) != bool(self.tls_key_file):
            raise GatewayConfigError("core TLS: give both cert_file and key_file, or neither")
        if self.tls_cert_file and not self.tls_ca_file:
            raise GatewayConfigError("core TLS: a client certificate needs ca_file")
        if self.tls_server_name and not self.tls_ca_file:
            raise GatewayConfigError("core TLS: server_name needs ca_file")

    @classmethod
    def from_mapping(cls, data: Mapping[str, object], path: str = "core") -> "CoreConnection":
        """From a table with `address`, `token` and optionally `deadline_seconds`,
        `attempt_timeout_seconds`, `max_attempts`, and `ca_file`, `cert_file`, `key_file`, `server_name` for TLS."""
        reader = ConfigReader(data, path)
        connection = cls(
            address=reader.string("address"),
            token=reader.secret("token"),
            deadline_seconds=reader.positive_number("deadline_seconds", cls.deadline_seconds),
            attempt_timeout_seconds=reader.positive_number("attempt_timeout_seconds", cls.attempt_timeout_seconds),
            max_attempts=reader.positive_integer("max_attempts", cls.max_attempts),
            tls_ca_file=reader.optional_string("ca_file"),
            tls_cert_file=reader.optional_string("cert_file"),
            tls_key_file=reader.optional_string("key_file"),
            tls_server_name=reader.optional_string("server_name"),
        )
        reader.finish()
        return connection

    def credentials(self) -> grpc.ChannelCredentials | None:
        """TLS credentials read from the configured files (None for plaintext); OSError if unreadable."""
        if not self.tls_ca_file:
            return None
        return grpc.ssl_channel_credentials(
            root_certificates=Path(self.tls_ca_file).read_bytes(),
            private_key=Path(self.tls_key_file).read_bytes() if self.tls_key_file else None,
            certificate_chain=Path(self.tls_cert_file).read_bytes() if self.tls_cert_file else None,
        )
