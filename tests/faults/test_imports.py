"""The fault drills stand on their own: they start the wallet through `devstack`, never through the
benchmark (whose HTTP/2 and HTTP/1 clients are for load, not for starting servers)."""

from __future__ import annotations

import ast
from pathlib import Path

FAULTS = Path(__file__).resolve().parents[2] / "faults"


def imported_modules(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
    return found


def test_no_fault_module_imports_the_benchmark() -> None:
    modules = sorted(FAULTS.glob("*.py"))
    assert len(modules) > 20  # the package is where this test looks
    offending = {
        path.name: sorted(m for m in imported_modules(path) if m == "bench" or m.startswith("bench."))
        for path in modules
    }
    assert {name: found for name, found in offending.items() if found} == {}


def test_the_check_sees_an_import_of_the_benchmark(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("import os\nfrom bench.servers import spawn\nimport bench.proc as proc\nfrom . import x\n")
    assert imported_modules(module) == {"os", "bench.servers", "bench.proc"}
