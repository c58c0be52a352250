"""The load generator process: `python -m bench.generator`, driven by `bench` over its stdin/stdout.

One JSON object per line. In: {"op": "prepare", "task": {...}} builds the payloads, opens the
connections and runs the warm-up, then answers {"ready": true}; {"op": "go"} runs the timed part
and answers {"result": {...}}; {"op": "close"} closes its connections (only then: the database
backends they hold are measured after the run); {"op": "quit"} ends the process. A failure answers {"error": "..."}.
It runs on uvloop when available, in its own process so that its CPU time is its own.
"""

from __future__ import annotations

import asyncio
import json
import signal
import sys
import traceback
from typing import Any

from bench.aigame_case import AIGameCase
from bench.arrival import PacedAIGameCase
from bench.driver import DriverCase
from bench.grpc_case import GrpcCase
from bench.load import Case


def make_case(task: dict[str, Any]) -> Case:
    kind = task["kind"]
    if kind == "grpc":
        return GrpcCase(task)
    if kind == "aigame":
        return AIGameCase(task)
    if kind == "aigame-paced":
        return PacedAIGameCase(task)
    if kind == "driver":
        return DriverCase(task)
    raise ValueError(f"unknown task kind {kind!r}")


def answer(message: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


async def serve() -> None:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=2**24)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    case: Case | None = None
    while line := await reader.readline():
        command = json.loads(line)
        op = command["op"]
        try:
            if op == "prepare":
                case = make_case(command["task"])
                await case.prepare()
                answer({"ready": True})
            elif op == "go":
                assert case is not None, "go before prepare"
                answer({"result": await case.run()})
            elif op == "close":  # after go, once the orchestrator has read the CPU counters
                if case is not None:
                    await case.close()
                    case = None
                answer({"closed": True})
            elif op == "quit":
                return
            else:
                raise ValueError(f"unknown op {op!r}")
        except Exception as error:  # reported to the orchestrator, which stops the run
            if case is not None:
                await case.close()
                case = None
            answer({"error": f"{type(error).__name__}: {error}", "traceback": traceback.format_exc()})


def main() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a Ctrl-C is for the orchestrator, which ends this process
    try:
        import uvloop
    except ImportError:  # the generator still works, only with more CPU per request
        asyncio.run(serve())
    else:
        uvloop.run(serve())


if __name__ == "__main__":
    main()
