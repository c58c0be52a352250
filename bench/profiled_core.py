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
from types import FrameType


def main() -> None:
    stats_file, separator, *wallet_args = sys.argv[1:]
    if separator != "--":
        raise SystemExit("usage: python -m bench.profiled_core STATS_FILE -- <wallet arguments>")
    profiler = cProfile.Profile(time.thread_time)

    def start(signum: int, frame: FrameType | None) -> None:
        profiler.enable()

    def stop(signum: int, frame: FrameType | None) -> None:
        profiler.disable()
        profiler.dump_stats(stats_file + ".part")
        os.replace(stats_file + ".part", stats_file)  # whoever waits for the file sees it whole

    signal.signal(signal.SIGUSR1, start)
    signal.signal(signal.SIGUSR2, stop)
    from wallet_cli.main import main as wallet

    wallet(wallet_args)


if __name__ == "__main__":
    main()
