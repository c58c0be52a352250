"""`python -m bench.profiled_core STATS_FILE -- <wallet arguments>`: the wallet command under cProfile,
for `python -m bench.profile`.

The profiler times each function by the CPU time of the thread running it (time.thread_time),
so that waiting (for the database, or for a CPU on a busy machine) is not counted. It profiles the
event loop's thread only, from SIGUSR1 to SIGUSR2, then writes STATS_FILE (pstats format).
"""

from __future__ import annotations

import cProfile
import os
import signal
import sys
import time
from collections.abc import Callable
from types import FrameType

SignalHandler = Callable[[int, FrameType | None], None]


def run_wallet(program: str, window: Callable[[str], tuple[SignalHandler, SignalHandler]]) -> None:
    """Read `STATS_FILE -- <wallet arguments>`, open a measuring window on SIGUSR1 and close it on
    SIGUSR2 with the handlers `window(STATS_FILE)` gives, and run the wallet command."""
    stats_file, separator, *wallet_args = sys.argv[1:]
    if separator != "--":
        raise SystemExit(f"usage: python -m {program} STATS_FILE -- <wallet arguments>")
    start, stop = window(stats_file)
    signal.signal(signal.SIGUSR1, start)
    signal.signal(signal.SIGUSR2, stop)
    from wallet_cli.main import main as wallet

    wallet(wallet_args)


def dump_stats(profiler: cProfile.Profile, stats_file: str) -> None:
    profiler.dump_stats(stats_file + ".part")
    os.replace(stats_file + ".part", stats_file)  # whoever waits for the file sees it whole


def _profile_window(stats_file: str) -> tuple[SignalHandler, SignalHandler]:
    profiler = cProfile.Profile(time.thread_time)

    def start(signum: int, frame: FrameType | None) -> None:
        profiler.enable()

    def stop(signum: int, frame: FrameType | None) -> None:
        profiler.disable()
        dump_stats(profiler, stats_file)

    return start, stop


def main() -> None:
    run_wallet("bench.profiled_core", _profile_window)


if __name__ == "__main__":
    main()
