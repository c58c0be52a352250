"""/proc readings of a process: CPU seconds that grow with work, resident memory, nothing for the gone."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from devstack.proc import CLOCK_TICKS, cpu_seconds, rss_bytes, stat_cpu_seconds


def test_cpu_seconds_grow_with_work() -> None:
    before = cpu_seconds(os.getpid())
    ends = time.process_time() + 0.3
    while time.process_time() < ends:
        pass
    assert cpu_seconds(os.getpid()) - before >= 0.2


def test_a_command_name_with_spaces_and_parentheses_is_skipped() -> None:
    fields = " ".join(["S", *["0"] * 10, str(3 * CLOCK_TICKS), str(2 * CLOCK_TICKS), *["0"] * 30])
    assert stat_cpu_seconds(f"123 (a (b) c) {fields}") == 5.0


def test_a_process_that_is_gone_has_no_cpu() -> None:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    assert cpu_seconds(process.pid) == 0.0


def test_resident_memory_of_this_process() -> None:
    assert rss_bytes(os.getpid()) > 10 * 1024 * 1024
