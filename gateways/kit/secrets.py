"""Secrets as container platforms hand them over: in the configuration itself, in a file (a mounted
secret) or in an environment variable.

A setting `X` may be given as `X = "..."`, `X_file = "/run/secrets/x"` or `X_env = "NAME"`, exactly one
of them; an entry of a table of secrets (AIGame's agents) as `"..."`, `{ file = "..." }` or
`{ env = "..." }`. A file's surrounding whitespace (its final newline) is not part of the secret.
"""

import os
from collections.abc import Mapping
from pathlib import Path

SOURCES = ("file", "env")


class SecretUnavailable(ValueError):
    """The file or variable a secret is to be read from is missing or empty."""


def from_file(path: str, where: str) -> str:
    try:
        secret = Path(path).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) else "not UTF-8 text"
        raise SecretUnavailable(f"{where}: cannot read the secret file {path}: {reason}") from None
    if not secret:
        raise SecretUnavailable(f"{where}: the secret file {path} is empty")
    return secret


def from_env(name: str, where: str, environ: Mapping[str, str] = os.environ) -> str:
    secret = environ.get(name, "")
    if not secret:
        raise SecretUnavailable(f"{where}: the environment variable {name} is not set or empty")
    return secret


def read(source: str, reference: str, where: str) -> str:
    """The secret that `reference` (a path, a variable name) names, by its source ("file", "env")."""
    return from_file(reference, where) if source == "file" else from_env(reference, where)


def entry(value: object, where: str) -> str:
    """One entry of a table of secrets: the secret itself, `{ file = PATH }` or `{ env = NAME }`."""
    if isinstance(value, str) and value:
        return value
    if isinstance(value, Mapping) and len(value) == 1:
        ((source, reference),) = value.items()
        if source in SOURCES and isinstance(reference, str) and reference:
            return read(source, reference, where)
    raise SecretUnavailable(f'{where} must be a non-empty string, {{ file = "PATH" }} or {{ env = "NAME" }}')
