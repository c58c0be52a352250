"""The printed results, as Markdown tables (they paste into docs/faults.md as they are)."""

from __future__ import annotations

from collections.abc import Sequence

from faults.audit import Audit
from faults.events import EventsPhase
from faults.oplog import ZERO
from faults.run import RunResult
from faults.serverlogs import LogLines
from faults.soak import SoakResult


def markdown(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def _audit_cells(a: Audit) -> list[object]:
    return [
        a.operations,
        f"{a.acknowledged}/{a.applied_exactly_once}",
        a.retried_to_success,
        f"{a.unknown}/{a.unknown_taken}",
        f"{a.lost:.2f}",
        f"{a.duplicated:.2f}",
        f"{a.balances_checked - len(a.balance_mismatches)}/{a.balances_checked}",
    ]


AUDIT_HEADER = ["operations", "acked/exactly once", "retried", "unknown/taken", "lost", "duplicated", "balances equal"]


def _seconds(value: float | None) -> str:
    return "never" if value is None else f"{value:.2f}"


def _warnings(logs: LogLines, most: int = 4) -> list[str]:
    return [f"{line} x{n}" for line, n in logs.warnings.most_common(most)]


def drills(result: RunResult) -> str:
    rows = [
        [
            p.drill,
            p.store,
            p.injection.injected if not p.injection.skipped else "skipped",
            *_audit_cells(p.audit),
            p.tally.requests,
            p.tally.failures,
            sum(p.tally.unexpected.values()),
            p.verified,
        ]
        for p in result.phases
    ]
    rows += [
        ["all rounds, at the end", store, "", *_audit_cells(final), "", "", "", ""]
        for store, final in result.finals.items()
    ]
    parts = [
        markdown(
            ["fault", "store", "injected", *AUDIT_HEADER, "requests", "failed answers", "unexpected", "wallet verify"],
            rows,
        )
    ]
    probes = [
        [
            p.drill,
            p.store,
            probe.gateway,
            probe.code,
            probe.expected,
            f"{probe.seconds:.2f}",
            f"{probe.deadline:.1f}",
            "ok" if probe.ok else "FAILED",
        ]
        for p in result.phases
        for probe in p.injection.probes
    ]
    if probes:
        parts.append(markdown(["fault", "store", "gateway", "answered", "expected", "seconds", "deadline", ""], probes))
    failovers = [
        [
            p.drill,
            p.store,
            f"{f.promoted_seconds:.2f}",
            _seconds(f.first_success_seconds),
            _seconds(f.all_back_seconds),
            f.acknowledged_before,
            f.on_new_primary,
            f"{p.audit.lost:.2f}",
            f"{p.audit.duplicated:.2f}",
        ]
        for p in result.phases
        if (f := p.injection.failover) is not None
    ]
    if failovers:
        header = [
            "fault",
            "store",
            "standby promoted (s after the kill)",
            "outage window: kill to first success (s)",
            "every gateway back (s)",
            "acked before the kill",
            "on the new primary",
            "lost",
            "duplicated",
        ]
        parts.append(markdown(header, failovers))
    notes = [
        f"- {p.store} / {p.drill}: "
        + "; ".join(
            [p.injection.skipped]
            if p.injection.skipped
            else [
                *p.injection.notes,
                *([f"{p.cut} requests cut mid-flight"] if p.cut else []),
                f"failures seen for {p.tally.outage_seconds:.1f} s",
                f"slowest answer {p.tally.slowest:.2f} s",
                f"{p.tally.repeats} repeats",
                *_warnings(p.logs),
            ]
        )
        for p in result.phases
    ]
    notes += [f"- {skipped}" for skipped in result.skipped]
    parts.append("\n".join(notes))
    injected = sum(p.injection.injected for p in result.phases)
    lost = sum((a.lost for a in result.finals.values()), ZERO)
    duplicated = sum((a.duplicated for a in result.finals.values()), ZERO)
    operations = sum(a.operations for a in result.finals.values())
    parts.append(
        f"faults injected: {injected}; operations: {operations}; money lost: {lost:.2f}; "
        f"money duplicated: {duplicated:.2f} (both must be 0)"
    )
    return "\n\n".join(parts)


def soak(result: SoakResult) -> str:
    names = list(result.samples[0].rss_mb) if result.samples else []
    rows = [
        [f"{s.seconds:.0f}", s.requests, s.failures, s.verified or "", *(s.rss_mb[n] for n in names)]
        for s in result.samples
    ]
    table = markdown(["seconds", "requests", "failed", "wallet verify", *(f"{n} RSS MB" for n in names)], rows)
    growth = ", ".join(f"{name} {mb:+.1f} MB" for name, mb in result.growth_mb().items()) or "n/a (too short)"
    a = result.audit
    balances_equal = a.balances_checked - len(a.balance_mismatches)
    return "\n\n".join(
        [
            table,
            (
                f"operations: {a.operations} ({a.acknowledged} acknowledged, {a.applied_exactly_once} exactly once); "
                f"requests: {result.tally.requests}, failed: {result.tally.failures}, "
                f"unexpected: {sum(result.tally.unexpected.values())}; money lost: {a.lost:.2f}, duplicated: "
                f"{a.duplicated:.2f}; balances equal: {balances_equal}/{a.balances_checked}; "
                f"final wallet verify: {result.final_verify}; memory after the first check: {growth}"
            ),
            "\n".join(f"- {line}" for line in _warnings(result.logs, most=10)) or "- no warnings logged",
        ]
    )


def events(phases: Sequence[EventsPhase]) -> str:
    rows = [
        [
            p.drill,
            p.store,
            p.injection.injected,
            p.events.committed,
            p.events.in_stream,
            p.events.lost,
            p.events.duplicated,
            p.events.out_of_order,
            f"{p.money.lost:.2f}",
            f"{p.money.duplicated:.2f}",
            p.verified,
        ]
        for p in phases
    ]
    header = [
        "fault",
        "store",
        "injected",
        "events committed",
        "in the stream",
        "events lost",
        "events duplicated in the stream",
        "out of order",
        "money lost",
        "money duplicated",
        "wallet verify",
    ]
    lost = sum(p.events.lost for p in phases)
    duplicated = sum(p.events.duplicated for p in phases)
    notes = "\n".join(f"- {p.store} / {p.drill}: {'; '.join(p.injection.notes)}" for p in phases)
    return "\n\n".join(
        [
            markdown(header, rows),
            notes,
            f"events lost: {lost}; events duplicated in the stream: {duplicated} (both must be 0)",
        ]
    )
