"""CPU seconds of each thread of a process, from /proc: the event loop's thread apart from gRPC's own."""

from __future__ import annotations

from pathlib import Path

from bench.proc import stat_cpu_seconds


def thread_cpu_seconds(pid: int) -> dict[str, float]:
    """User + system CPU per thread name ("loop" for the main thread, else its comm), threads of one
    name summed; empty once the process is gone."""
    per_name: dict[str, float] = {}
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except (FileNotFoundError, ProcessLookupError):
        return per_name
    for task in tasks:
        try:
            text = (task / "stat").read_text()
        except (FileNotFoundError, ProcessLookupError):
            continue  # the thread ended between the listing and the read
        name = "loop" if task.name == str(pid) else text.rsplit(")", 1)[0].split("(", 1)[1]
        per_name[name] = per_name.get(name, 0.0) + stat_cpu_seconds(text)
    return per_name
