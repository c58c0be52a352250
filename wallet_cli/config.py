"""The configuration file: TOML, with environment overrides, or the built-in demo.

Overrides: ``WALLET_DATABASE_URL`` sets ``core.database_url``; any other key is set with
``WALLET__SECTION__KEY=value`` (double underscores between levels, e.g.
``WALLET__CORE__LISTEN=0.0.0.0:50051``; names match existing keys whatever their case,
new keys are lower case); the value is read as a TOML value when it is one
(``8``, ``true``, ``["a"]``) and as a string otherwise.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

ENV_PREFIX = "WALLET__"

WalletConfig = Mapping[str, Any]
"""The configuration as ``load`` gives it: the TOML tables as dicts."""


def demo_text() -> str:
    return resources.files("wallet_cli").joinpath("demo.toml").read_text()


def load(
    path: str | None, database_url: str | None = None, environ: Mapping[str, str] = os.environ
) -> tuple[dict[str, Any], bool]:
    """The configuration as a dict, and whether it is the demo configuration."""
    is_demo = path is None
    text = demo_text() if path is None else Path(path).read_text()
    config = tomllib.loads(text)
    apply_environment(config, environ)
    if database_url:
        config.setdefault("core", {})["database_url"] = database_url
    return config, is_demo


def apply_environment(config: dict[str, Any], environ: Mapping[str, str]) -> None:
    if environ.get("WALLET_DATABASE_URL"):
        config.setdefault("core", {})["database_url"] = environ["WALLET_DATABASE_URL"]
    for name, raw in sorted(environ.items()):
        if not name.startswith(ENV_PREFIX):
            continue
        *sections, key = name.removeprefix(ENV_PREFIX).split("__")
        target = config
        for section in sections:
            target = target.setdefault(_existing_key(target, section), {})
        target[_existing_key(target, key)] = _value(raw)


def _existing_key(table: dict[str, Any], name: str) -> str:
    """Environment names are upper case: match a key of the file whatever its case
    (``USD`` in [core.currencies]), else use the lower-case spelling (``database_url``)."""
    return next((key for key in table if key.lower() == name.lower()), name.lower())


def _value(raw: str) -> Any:
    try:
        return tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        return raw
