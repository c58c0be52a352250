"""Generate the Python code of the wallet.v1 contract from protos/.

Usage: python scripts/generate_protos.py [--check]

With --check, generate into a temporary folder and fail if the committed code under
wallet/v1/ differs (CI runs this so that generated code is never stale).
"""

from __future__ import annotations

import filecmp
import os
import sys
import tempfile
from importlib import resources
from pathlib import Path

from grpc_tools import protoc

ROOT = Path(__file__).resolve().parent.parent
PROTO_ROOT = ROOT / "protos"
GENERATED = Path("wallet") / "v1"


def generate(out_dir: Path) -> None:
    # mypy-protobuf's plugins sit beside this interpreter, which may not be on PATH.
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    protos = sorted(str(p.relative_to(PROTO_ROOT)) for p in (PROTO_ROOT / GENERATED).glob("*.proto"))
    well_known = resources.files("grpc_tools") / "_proto"
    args = [
        "grpc_tools.protoc",
        f"-I{PROTO_ROOT}",
        f"-I{well_known}",
        f"--python_out={out_dir}",
        f"--grpc_python_out={out_dir}",
        f"--mypy_out={out_dir}",
        f"--mypy_grpc_out={out_dir}",
        *protos,
    ]
    if protoc.main(args) != 0:
        raise SystemExit("protoc failed")
    for package in (out_dir / "wallet", out_dir / GENERATED):
        (package / "__init__.py").touch()


def differences(expected: Path, actual: Path) -> list[str]:
    names = {p.name for p in expected.iterdir()} | {p.name for p in actual.iterdir()}
    names.discard("__pycache__")
    return sorted(
        n
        for n in names
        if not (expected / n).exists()
        or not (actual / n).exists()
        or not filecmp.cmp(expected / n, actual / n, shallow=False)
    )


def main() -> None:
    if "--check" in sys.argv[1:]:
        with tempfile.TemporaryDirectory() as tmp:
            generate(Path(tmp))
            stale = differences(Path(tmp) / GENERATED, ROOT / GENERATED)
        if stale:
            raise SystemExit(f"generated code is stale: {', '.join(stale)}; run `make protos` and commit")
        print("generated code is up to date")
        return
    generate(ROOT)
    print(f"generated {GENERATED}")


if __name__ == "__main__":
    main()
