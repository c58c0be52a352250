"""``wallet audit``: the admin actions, who did them and when (wallet_core/audit.py)."""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping
from typing import Any

from wallet_cli.commands import core_settings
from wallet_cli.database import migrated_engine
from wallet_core.audit import AdminAudit, AuditEntry


async def audit(args: argparse.Namespace, config: Mapping[str, Any], is_demo: bool) -> int:
    settings = core_settings(config)
    async with migrated_engine(settings.database_url) as engine:
        found = await AdminAudit(engine).entries(since=args.since, until=args.until, limit=args.limit)
    if args.json:
        print(json.dumps([entry.as_dict() for entry in found], indent=2))
    else:
        print("\n".join(_line(entry) for entry in found) if found else "no admin actions recorded")
    return 0


def _line(entry: AuditEntry) -> str:
    details = " ".join(f"{key}={value}" for key, value in entry.details.items())
    return (
        f"{entry.at.isoformat(timespec='seconds')}  {entry.actor:<20}  {entry.action:<16}  {entry.subject}  {details}"
    )
