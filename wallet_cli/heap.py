"""Keeping the cyclic garbage collector out of the way of a process that serves calls (the core,
a gateway, `wallet up`), applied by `wallet` around those commands.

Measured under load, the collector cost a gateway about 80 µs of CPU per request, though requests
leave no reference cycles behind (the core is the same case; the figures are in
docs/performance.md):

- Every full pass walked the few hundred thousand objects built at start (modules, gRPC, protobuf,
  Starlette, SQLAlchemy): about 50 ms a pass. Frozen (`gc.freeze`) before serving starts, they are
  left out of every pass; none of them was ever going to be collected.
- The young passes came every ~10 requests: the allocation count only has to grow by 700 between
  passes, and the objects of the requests in flight (64 of them, waiting for the core) survive each
  pass, so their frees no longer count it down. With a first threshold above what requests in flight
  hold, passes become rare; garbage that does form cycles (an exception and its traceback) is still
  collected, only later.

Both are undone when the command ends, so that a process that runs many (the tests) gets its own
settings back.
"""

import gc
from collections.abc import Iterator
from contextlib import contextmanager

YOUNG_THRESHOLD = 10_000
"""Net allocations between young passes (Python's default: 700)."""


@contextmanager
def collector_tuned_for_serving() -> Iterator[None]:
    """While the block runs: every object alive at its start frozen, young passes rarer."""
    thresholds = gc.get_threshold()
    gc.collect()
    gc.freeze()
    gc.set_threshold(max(YOUNG_THRESHOLD, thresholds[0]), *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()
