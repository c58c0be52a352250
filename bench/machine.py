"""What /proc says about the machine: its CPU seconds and the facts a report names (a process's own
figures are `devstack.proc`'s). Linux only, the benchmark's machine."""

from __future__ import annotations

import os
import platform
import sys
from pathlib import Path

from devstack.proc import CLOCK_TICKS


def machine_cpu_seconds() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, all cores summed."""
    first = Path("/proc/stat").read_text().splitlines()[0].split()
    ticks = [int(v) for v in first[1:9]]  # user nice system idle iowait irq softirq steal
    total = sum(ticks)
    busy = total - ticks[3] - ticks[4]
    return busy / CLOCK_TICKS, total / CLOCK_TICKS


def machine() -> dict[str, object]:
    """The facts docs/performance.md asks for: cores, memory, model, Python, load."""
    model = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    memory_kb = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            memory_kb = int(line.split()[1])
    return {
        "nproc": os.cpu_count(),
        "cpu_model": model,
        "memory_total_gb": round(memory_kb / 1024 / 1024, 1),
        "kernel": platform.release(),
        "python": sys.version.split()[0],
        "load_average_at_start": [round(v, 2) for v in os.getloadavg()],
    }
