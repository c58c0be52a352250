"""Which code was measured: the git commit, the files changed since it, and a digest of every source
file the servers run. The digest is taken at the start and at the end of a run; when they differ,
someone changed the code under test while it ran, and the report says so."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
MEASURED = ("wallet_core", "gateways", "wallet_cli", "wallet")


def _git(*args: str) -> str:
    try:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return ""


def digest() -> str:
    h = hashlib.sha256()
    for directory in MEASURED:
        for path in sorted((ROOT / directory).rglob("*")):
            if path.is_file() and path.suffix in {".py", ".toml", ".ini"} and "__pycache__" not in path.parts:
                h.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()[:16]


def code_version() -> dict[str, Any]:
    changed = [line[3:] for line in _git("status", "--porcelain", "--", *MEASURED).splitlines() if line.strip()]
    head = _git("rev-parse", "--short", "HEAD").strip()
    return {"git_head": head, "changed_since_head": changed, "source_digest": digest()}
