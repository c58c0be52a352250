"""Staff roles: support reads; finance and admin may also act (decide held payouts, apply proposals)."""

from __future__ import annotations

SUPPORT = "support"
FINANCE = "finance"
ADMIN = "admin"
ROLES = (SUPPORT, FINANCE, ADMIN)
ACTING_ROLES = frozenset({FINANCE, ADMIN})


def may_act(role: str) -> bool:
    return role in ACTING_ROLES
