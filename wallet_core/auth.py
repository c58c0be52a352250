"""Bearer tokens in the call's metadata, mapped to a client identity.

A gateway's token may act only for its own provider(s); only an admin identity may
open accounts. Tokens are compared in constant time.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable

from wallet_core.config import Client
from wallet_core.errors import Reason, WalletError


class Authenticator:
    def __init__(self, clients: Iterable[Client]) -> None:
        self._clients = [(client.token.encode(), client) for client in clients]

    def identify(self, metadata: Iterable[tuple[str, str | bytes]]) -> Client:
        header = next((v for k, v in metadata if k == "authorization"), None)
        if isinstance(header, bytes):
            header = header.decode("latin-1")
        if not header or not header.startswith("Bearer "):
            raise WalletError(Reason.UNAUTHENTICATED, "send 'authorization: Bearer <token>' metadata")
        presented = header.removeprefix("Bearer ").strip().encode()
        found = None
        for token, client in self._clients:  # no early exit: the time does not tell which token is close
            if hmac.compare_digest(token, presented):
                found = client
        if found is None:
            raise WalletError(Reason.UNAUTHENTICATED, "unknown token")
        return found


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


def require_admin(client: Client) -> None:
    if not client.admin:
        raise WalletError(Reason.PERMISSION_DENIED, f"{client.name} may not open accounts", client=client.name)
