"""The gateway's channel to the core: which cores an `address` names, and how calls spread over them.

An address is one `host:port` (a name resolves through DNS, to as many cores as it has addresses),
a comma-separated list of `ip:port` (`127.0.0.1:50051,127.0.0.1:50052`), or a gRPC target with its
scheme (`dns:///cores.internal:50051`, `ipv4:…`, `ipv6:…`, `unix:…`). Whatever the form, every call
picks the next core in turn (gRPC's `round_robin`), and a core is picked only while its
`grpc.health.v1` watch says SERVING: one that shuts down (the core turns NOT_SERVING on SIGTERM) or
dies (its connection breaks) is left out at once, one whose machine goes silent within 1.5 s, and
each is taken back within a second of answering again.
"""

import ipaddress
import json

import grpc

SCHEMES = ("dns:", "ipv4:", "ipv6:", "unix:", "unix-abstract:")

SERVICE_CONFIG = json.dumps(
    {
        "loadBalancingConfig": [{"round_robin": {}}],
        # "" is the server as a whole: the core sets it (and turns it NOT_SERVING on shutdown), and a
        # server without the health service (UNIMPLEMENTED) counts as healthy.
        "healthCheckConfig": {"serviceName": ""},
        # No retryPolicy: the kit's CoreClient retries what the core left undecided, in one place
        # (gRPC would retry on status codes only, and its attempts would multiply the kit's).
    }
)

KEEPALIVE_MILLISECONDS = 500
"""A ping every 0.5 s: a core whose machine vanishes (no RST, no FIN) is known dead 0.5-1.5 s later.
The core permits pings this often (`wallet_core.server.KEEPALIVE_PERMIT`)."""
KEEPALIVE_TIMEOUT_MILLISECONDS = 1000
"""A whole second for the ping's answer: a core that is only slow (a loaded machine) must not have its
connection, and the calls in flight on it, cut."""

CHANNEL_OPTIONS = (
    # gRPC's default reconnect backoff grows to 120 s, and a call made while the channel waits
    # for its next attempt fails at once: after a 30 s core outage the gateways went on refusing
    # for 10-16 s (docs/faults.md). Retry the connection every 0.1-1 s instead; the core is local.
    ("grpc.initial_reconnect_backoff_ms", 100),
    ("grpc.min_reconnect_backoff_ms", 100),
    ("grpc.max_reconnect_backoff_ms", 1000),
    ("grpc.keepalive_time_ms", KEEPALIVE_MILLISECONDS),
    ("grpc.keepalive_timeout_ms", KEEPALIVE_TIMEOUT_MILLISECONDS),
    ("grpc.keepalive_permit_without_calls", 1),
    ("grpc.http2.max_pings_without_data", 0),
    ("grpc.service_config", SERVICE_CONFIG),
    # The service config above is the gateway's: never one a DNS TXT record would offer.
    ("grpc.service_config_disable_resolution", 1),
)


class CoreAddressError(ValueError):
    """An address that names no core, or a list gRPC cannot resolve."""


def channel_target(address: str) -> str:
    """The gRPC target of a configured core address (see the module's docstring for the forms)."""
    address = address.strip()
    if not address:
        raise CoreAddressError("core address is empty")
    if address.startswith(SCHEMES):
        return address
    if "," not in address:
        return address
    entries = [entry.strip() for entry in address.split(",")]
    if "" in entries:
        raise CoreAddressError(f"core address {address!r}: an empty entry in the list")
    families = {_family(entry, address) for entry in entries}
    if len(families) > 1:
        raise CoreAddressError(f"core address {address!r}: IPv4 and IPv6 in one list (use dns:/// for both)")
    return f"{families.pop()}:{','.join(entries)}"


def _family(entry: str, address: str) -> str:
    """ "ipv4" or "ipv6" for an `ip:port` (`[ip]:port` for IPv6) of a list; names have no list resolver in
    gRPC, so a name is refused with the form that does resolve it."""
    host, separator, port = entry.rpartition(":")
    if not separator or not port.isdigit() or not 0 < int(port) < 65536:
        raise CoreAddressError(f"core address {address!r}: {entry!r} is not ip:port")
    try:
        ip = ipaddress.ip_address(host.removeprefix("[").removesuffix("]"))
    except ValueError:
        raise CoreAddressError(
            f"core address {address!r}: a list takes IP addresses only; for a name with several "
            f"addresses write dns:///{entry}"
        ) from None
    if ip.version == 6 and not host.startswith("["):
        raise CoreAddressError(f"core address {address!r}: write an IPv6 address as [ip]:port")
    return f"ipv{ip.version}"


def channel_options(address: str, tls_server_name: str = "") -> tuple[tuple[str, str | int], ...]:
    """CHANNEL_OPTIONS, and the name the cores' certificates are checked against: `tls_server_name`
    when set; for a list, its first entry (gRPC would take the whole list for a host name)."""
    if tls_server_name:  # the calls' authority too: gRPC checks each call's against the certificate
        return (*CHANNEL_OPTIONS, ("grpc.ssl_target_name_override", tls_server_name))
    target = channel_target(address)
    if target != address.strip() and not address.strip().startswith(SCHEMES):
        return (*CHANNEL_OPTIONS, ("grpc.default_authority", target.partition(":")[2].split(",")[0]))
    return CHANNEL_OPTIONS


def open_channel(
    address: str, credentials: grpc.ChannelCredentials | None, tls_server_name: str = ""
) -> grpc.aio.Channel:
    """An async channel to the cores of `address`, plaintext or with `credentials`."""
    target, options = channel_target(address), channel_options(address, tls_server_name)
    if credentials is None:
        return grpc.aio.insecure_channel(target, options=options)
    return grpc.aio.secure_channel(target, credentials, options=options)
