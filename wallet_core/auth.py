"""Bearer tokens in the call's metadata, mapped to a client identity.

The core knows each token by its SHA-256 (``wallet_core.config``): the presented token is hashed
and looked up by that hash, then compared to the stored one in constant time. A lookup's timing can
only tell about the SHA-256 of a guess, which an attacker cannot steer toward a stored one. The hash
of a presented header is cached (bounded), so a call costs one dictionary lookup, not a SHA-256.

A token past its ``not_after`` is refused TOKEN_EXPIRED (still UNAUTHENTICATED to gRPC), so that an
operator tells a client that missed a rotation from one with a wrong token. A gateway's token may act
only for its own provider(s); only an admin identity may open accounts.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from wallet_core.config import Client
from wallet_core.errors import Reason, WalletError

HEADER_CACHE_SIZE = 1024
"""Headers whose hash is kept: far more than a deployment's clients, few enough that junk tokens
sent by a stranger cost bounded memory."""
_SCHEME = "Bearer "


@functools.lru_cache(maxsize=HEADER_CACHE_SIZE)
def _header_sha256(header: str) -> bytes | None:
    """The SHA-256 of the token in an ``authorization`` value, None if it is not ``Bearer <token>``."""
    if not header.startswith(_SCHEME):
        return None
    token = header.removeprefix(_SCHEME).strip()
    return hashlib.sha256(token.encode()).digest() if token else None


@dataclass(frozen=True)
class _Known:
    """A configured token: its hash, its client, and when it stops being accepted (epoch seconds)."""

    sha256: bytes
    client: Client
    not_after: datetime | None

    @property
    def expires(self) -> float | None:
        return self.not_after.timestamp() if self.not_after else None


class Authenticator:
    def __init__(self, clients: Iterable[Client], clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        known = [_Known(bytes.fromhex(t.sha256), c, t.not_after) for c in clients for t in c.tokens]
        self._by_sha256 = {k.sha256: (k, k.expires) for k in known}

    def identify(self, metadata: Iterable[tuple[str, str | bytes]]) -> Client:
        header = next((v for k, v in metadata if k == "authorization"), None)
        if isinstance(header, bytes):
            header = header.decode("latin-1")
        presented = _header_sha256(header) if header else None
        if presented is None:
            raise WalletError(Reason.UNAUTHENTICATED, "send 'authorization: Bearer <token>' metadata")
        known, expires = self._by_sha256.get(presented, (None, None))
        # The lookup found an equal hash; the comparison that decides is constant-time all the same.
        if known is None or not hmac.compare_digest(known.sha256, presented):
            raise WalletError(Reason.UNAUTHENTICATED, "unknown token")
        if expires is not None and self._clock() > expires:
            raise _expired(known)
        return known.client


def _expired(known: _Known) -> WalletError:
    not_after = known.not_after.isoformat() if known.not_after else ""
    return WalletError(
        Reason.TOKEN_EXPIRED,
        f"this token of {known.client.name} expired at {not_after}: use the client's new token",
        client=known.client.name,
        not_after=not_after,
    )


def require_provider(client: Client, provider: str) -> None:
    if not provider:
        raise WalletError(Reason.INVALID_ARGUMENT, "provider is required", field="provider")
    if not client.may_act_for(provider):
        raise WalletError(
            Reason.PERMISSION_DENIED,
            f"{client.name} may not act for provider {provider!r}",
            client=client.name,
            provider=provider,
        )


def require_admin(client: Client, action: str = "open accounts") -> None:
    if not client.admin:
        raise WalletError(
            Reason.PERMISSION_DENIED, f"{client.name} is not an admin client: it may not {action}", client=client.name
        )


def require_relay(client: Client) -> None:
    if not client.relay:
        raise WalletError(
            Reason.PERMISSION_DENIED,
            f"{client.name} is not a relay client (relay = true): it may not lease events",
            client=client.name,
        )


def require_reader(client: Client, action: str) -> None:
    """The admin or a console (either scope) may read every provider's records and the figures."""
    if not client.reads_all:
        raise WalletError(
            Reason.PERMISSION_DENIED,
            f"{client.name} is not an admin or console client: it may not {action}",
            client=client.name,
        )


def require_reconcile(client: Client, provider: str) -> None:
    """An admin, or a reconcile client that may act for ``provider``."""
    if client.admin:
        if not provider:
            raise WalletError(Reason.INVALID_ARGUMENT, "provider is required", field="provider")
        return
    require_provider(client, provider)
    if not client.reconcile:
        raise WalletError(
            Reason.PERMISSION_DENIED,
            f"{client.name} is not a reconcile client: it may not reconcile {provider!r}",
            client=client.name,
            provider=provider,
        )


def require_decider(client: Client, action: str) -> None:
    """The admin or a console whose scope is "act" may decide held payouts."""
    if not (client.admin or client.console == "act"):
        raise WalletError(
            Reason.PERMISSION_DENIED,
            f'{client.name} may not {action}: an admin or console "act" client may',
            client=client.name,
        )


ACTOR_HEADER = "x-wallet-actor"
MAX_ACTOR = 64


def actor_of(client: Client, metadata: Iterable[tuple[str, str | bytes]]) -> str:
    """Who the admin audit records for a call: the client's name, and for a console the staff member
    it names, as ``console-name/alice``. A console that names nobody is refused (every action of a
    person is recorded with that person); other clients' header is ignored (their name is the actor)."""
    if not client.names_staff:
        return client.name
    named = next((v for k, v in metadata if k == ACTOR_HEADER), "")
    staff = (named.decode("latin-1") if isinstance(named, bytes) else named).strip()
    if not staff or len(staff) > MAX_ACTOR or not staff.isprintable():
        raise WalletError(
            Reason.INVALID_ARGUMENT,
            f"a console's action names its staff member in {ACTOR_HEADER!r} (1 to {MAX_ACTOR} printable characters)",
            field=ACTOR_HEADER,
        )
    return f"{client.name}/{staff}"
