"""The soak: mixed load on the three gateways for a long while (ten minutes by default), `wallet
verify` every minute with the load running, the processes' resident memory read at each check. It
passes when no request failed (nothing is injected, so every failure is an error), every verify
passed, the final audit is clean and no process grew by more than `plan.max_rss_growth_mb` after
its first minute (memory flat)."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from pathlib import Path

from faults.audit import Audit
from faults.environment import environment
from faults.plan import Plan
from faults.run import Say, check
from faults.serverlogs import LogLines, LogWatch
from faults.tally import Tally
from faults.verify import Verified, wallet_verify

MB = 1024 * 1024


@dataclass(frozen=True)
class Sample:
    seconds: float
    rss_mb: dict[str, float]
    requests: int
    failures: int
    verified: Verified | None


@dataclass
class SoakResult:
    plan: Plan
    samples: list[Sample] = field(default_factory=list)
    tally: Tally = field(default_factory=Tally)
    audit: Audit = field(default_factory=Audit)
    final_verify: Verified | None = None
    logs: LogLines = field(default_factory=LogLines)
    operations: int = 0

    def growth_mb(self) -> dict[str, float]:
        """Per process, resident memory at the end minus after the first check (its warm-up)."""
        if len(self.samples) < 3:
            return {}
        first, last = self.samples[1], self.samples[-1]
        return {name: round(last.rss_mb[name] - first.rss_mb[name], 1) for name in last.rss_mb}

    @property
    def problems(self) -> list[str]:
        found = self.audit.all_problems
        if self.tally.failures:
            found.append(
                f"{self.tally.failures} requests not acknowledged: "
                + ", ".join(f"{k} x{n}" for k, n in self.tally.answers.items() if " ok " not in k)
            )
        found += [f"unexpected answer {code} x{n}" for code, n in sorted(self.tally.unexpected.items())]
        found += [
            f"wallet verify at {s.seconds:.0f} s: {s.verified}"
            for s in self.samples
            if s.verified is not None and not s.verified.ok
        ]
        found += [f"logged {line}" for line in self.logs.errors]
        if self.final_verify is None or not self.final_verify.ok:
            found.append(f"final wallet verify: {self.final_verify}")
        found += [
            f"{name} grew by {mb} MB after its first check (limit {self.plan.max_rss_growth_mb} MB)"
            for name, mb in self.growth_mb().items()
            if mb > self.plan.max_rss_growth_mb
        ]
        return found


def _rss_mb(rss: dict[str, int]) -> dict[str, float]:
    return {name: round(value / MB, 1) for name, value in rss.items()}


async def soak(plan: Plan, server_url: str, workdir: Path, say: Say) -> SoakResult:
    result = SoakResult(plan)
    kind = plan.stores[0]
    async with environment(kind, plan, server_url, workdir / f"soak-{kind}") as env:
        watch = LogWatch(env.cluster.logs())
        watch.mark()
        result.tally = tally = env.sim.start("soak")
        started = time.monotonic()
        result.samples.append(Sample(0.0, _rss_mb(env.cluster.rss_bytes()), 0, 0, None))
        say(f"soak on {kind}: {plan.soak_seconds:.0f} s, wallet verify every {plan.verify_every_seconds:.0f} s")
        while (elapsed := time.monotonic() - started) < plan.soak_seconds:
            await asyncio.sleep(
                min(plan.verify_every_seconds - elapsed % plan.verify_every_seconds, plan.soak_seconds - elapsed)
            )
            env.cluster.check_alive()
            verified = await wallet_verify(env.config)
            sample = Sample(
                time.monotonic() - started, _rss_mb(env.cluster.rss_bytes()), tally.requests, tally.failures, verified
            )
            result.samples.append(sample)
            say(
                f"soak {sample.seconds:4.0f} s: {sample.requests} requests, {sample.failures} failed, "
                f"verify {verified}, RSS MB {sample.rss_mb}"
            )
        await env.sim.drain()
        result.audit, result.final_verify = await check(env, None)
        result.operations = result.audit.operations
        result.logs = watch.since_mark()
    return result
