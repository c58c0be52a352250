"""Who a ``wallet`` command acts as, for the admin audit: ``cli:`` and the operating-system user."""

from __future__ import annotations

import getpass


def cli_actor() -> str:
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # a container's uid with no passwd entry and no USER variable
        user = "unknown"
    return f"cli:{user}"
