"""``wallet console`` serves the back-office console; ``wallet console-password`` makes a staff
member's password hash for ``[console.staff.<name>]`` (docs/console.md)."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Mapping
from typing import Any

from wallet_cli.errors import CommandError


def add_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    sub.add_parser("console", parents=[common], help="serve the back-office console (the [console] section)")
    password = sub.add_parser(
        "console-password", parents=[common], help="print the argon2 hash of a staff member's password"
    )
    password.add_argument("name", help="the staff member's name in [console.staff.NAME]")
    password.add_argument(
        "--role", choices=("support", "finance", "admin"), default="support", help="for the printed table"
    )


def served_console(config: Mapping[str, Any]) -> tuple[str, Any]:
    """(where it listens, the app) of the configuration's [console] section, with its reconciler."""
    from wallet_console import Settings, create_app
    from wallet_console.settings import ConsoleConfigError
    from wallet_reconcile.reconciler import reconciler_from_config

    section = config.get("console")
    if not section:
        raise CommandError("no [console] section in the configuration (docs/console.md)")
    try:
        settings = Settings.from_mapping(section)
    except ConsoleConfigError as error:
        raise CommandError(f"[console]: {error}") from None
    return settings.listen, create_app(settings, reconciler_from_config(config))


async def console_password(args: argparse.Namespace, config: Mapping[str, Any], is_demo: bool) -> int:
    from wallet_console.passwords import hash_password

    if sys.stdin.isatty():
        password = getpass.getpass(f"password for {args.name}: ")
        if password != getpass.getpass("again: "):
            raise CommandError("the two passwords differ; nothing printed")
    else:  # a script: the first line of standard input
        password = sys.stdin.readline().rstrip("\n")
    if len(password) < 8:
        raise CommandError("a staff password has at least 8 characters")
    print(f"[console.staff.{args.name}]")
    print(f'role = "{args.role}"')
    print(f'password_hash = "{hash_password(password)}"')
    return 0
