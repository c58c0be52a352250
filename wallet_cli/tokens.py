"""``wallet tokens new NAME``: a fresh core client token, and the line that names it in ``[core]``."""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from typing import Any

from wallet_core.tokens import config_entry, new_token


async def tokens_new(args: argparse.Namespace, config: Mapping[str, Any], is_demo: bool) -> int:
    token = new_token()
    known = {str(client.get("name")) for client in config.get("core", {}).get("clients", [])}
    where = (
        f'the tokens of the [[core.clients]] whose name = "{args.name}"'
        if args.name in known
        else f'a new [[core.clients]] with name = "{args.name}", its providers, and tokens = [ this line ]'
    )
    print(f"token for {args.name} (shown once; the client presents it, e.g. from [gateways.NAME.core] token_file):")
    print(f"  {token}")
    print(f"add to {where}:")
    print(f"  {config_entry(token, args.not_after)},")
    print("then restart the core; once every client presents the new token, give the old one a not_after or drop it.")
    return 0
