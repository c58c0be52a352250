"""`python -m bench.profiled_gateway STATS_FILE -- <wallet arguments>`: the wallet command under cProfile
and a watch on the cyclic garbage collector, for `python -m bench.profile_gateway`.

Each window runs from SIGUSR1 to SIGUSR2; they come in this order:
1. `plain`: the garbage collector's passes per generation, their CPU time (which cProfile does not
   show: the collector runs inside whatever allocation triggered it) and the objects they freed,
   into STATS_FILE.plain.gc.json;
2. `profile`: the same into STATS_FILE.gc.json, and, as `bench.profiled_core` does, the event loop's
   thread profiled by its own CPU time, into STATS_FILE (pstats);
3. `garbage`: what the collector frees is kept (DEBUG_SAVEALL), and its types written into
   STATS_FILE.garbage.json: objects only a collection frees are reference cycles, made per request
   by someone.
"""

from __future__ import annotations

import cProfile
import gc
import json
import os
import time
from collections import Counter
from types import FrameType
from typing import Any

from bench.profiled_core import SignalHandler, dump_stats, run_wallet

WINDOWS = ("plain", "profile", "garbage")


class GcWatch:
    """Passes, CPU seconds and freed objects of the collector, per generation, while `on`."""

    def __init__(self) -> None:
        self._started = 0.0
        self.restart(on=False)

    def restart(self, *, on: bool = True) -> None:
        self.passes = [0, 0, 0]
        self.seconds = [0.0, 0.0, 0.0]
        self.freed = [0, 0, 0]
        self.on = on

    def figures(self) -> dict[str, list[float]]:
        return {"passes": list(map(float, self.passes)), "seconds": self.seconds, "freed": list(map(float, self.freed))}

    def __call__(self, phase: str, info: dict[str, Any]) -> None:
        if not self.on:
            return
        if phase == "start":
            self._started = time.thread_time()
            return
        generation = int(info["generation"])
        self.passes[generation] += 1
        self.seconds[generation] += time.thread_time() - self._started
        self.freed[generation] += int(info["collected"])


def garbage_types() -> dict[str, int]:
    """What the collector frees now, by type (it keeps it in gc.garbage under DEBUG_SAVEALL)."""
    gc.collect()
    kinds = Counter(type(thing).__qualname__ for thing in gc.garbage)
    gc.garbage.clear()
    return dict(kinds.most_common(30))


def _write(path: str, figures: object) -> None:
    with open(path + ".part", "w") as sink:
        json.dump(figures, sink)
    os.replace(path + ".part", path)


def _windows(stats_file: str) -> tuple[SignalHandler, SignalHandler]:
    profiler = cProfile.Profile(time.thread_time)
    watch = GcWatch()
    gc.callbacks.append(watch)

    opened: list[str] = []

    def start(signum: int, frame: FrameType | None) -> None:
        window = WINDOWS[min(len(opened), len(WINDOWS) - 1)]
        opened.append(window)
        gc.collect()  # the window starts from an empty young generation
        if window == "garbage":
            gc.set_debug(gc.DEBUG_SAVEALL)
            return
        watch.restart()
        if window == "profile":
            profiler.enable()

    def stop(signum: int, frame: FrameType | None) -> None:
        window = opened[-1]
        if window == "garbage":
            kinds = garbage_types()
            gc.set_debug(0)
            _write(stats_file + ".garbage.json", kinds)
            return
        watch.on = False
        if window == "plain":
            _write(stats_file + ".plain.gc.json", watch.figures())
            return
        profiler.disable()
        _write(stats_file + ".gc.json", watch.figures())
        dump_stats(profiler, stats_file)

    return start, stop


def main() -> None:
    run_wallet("bench.profiled_gateway", _windows)


if __name__ == "__main__":
    main()
