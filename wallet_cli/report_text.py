"""``wallet report`` for a person: the totals, the rounds and the open bets as aligned tables."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from wallet_core.report import Figures, Report

FIGURE_HEADERS = ("bets #", "bets", "wins", "cancels", "reversed", "promotions", "GGR")


def render(report: Report) -> str:
    lines = [
        f"wallet report from {report.since.isoformat()} to {report.until.isoformat()} (end excluded)",
        "GGR = bets - cancels - (wins - reversed payouts); promotions are not in GGR",
        "",
        "Totals per provider and currency",
    ]
    totals = [[p.provider, p.currency, *_cells(report, p.figures, p.currency)] for p in report.providers]
    totals += [["all providers", c, *_cells(report, f, c)] for c, f in report.currencies.items()]
    lines += (
        _table(("provider", "currency", *FIGURE_HEADERS), totals, text_columns=2)
        if totals
        else ["  no completed transactions in this range"]
    )
    if report.rounds:
        lines += ["", "Rounds"]
        rounds = [
            [r.provider, r.currency, r.round_id or "-", *_cells(report, r.figures, r.currency)] for r in report.rounds
        ]
        lines += _table(("provider", "currency", "round", *FIGURE_HEADERS), rounds, text_columns=3)
    threshold = report.unsettled_after // timedelta(minutes=1)
    lines += ["", f"Unsettled bets (placed more than {threshold} min before the end, still open)"]
    if report.unsettled:
        open_bets = [
            [
                b.provider,
                b.bet_id,
                b.player_id,
                b.round_id or "-",
                b.currency,
                report.amount(b.stake, b.currency),
                _age(b.age),
            ]
            for b in report.unsettled
        ]
        lines += _table(
            ("provider", "bet id", "player", "round", "currency", "stake", "age"), open_bets, text_columns=5
        )
    else:
        lines.append("  none")
    return "\n".join(lines)


def _cells(report: Report, figures: Figures, currency: str) -> list[str]:
    amounts = (figures.bets, figures.wins, figures.cancels, figures.reversed_payouts, figures.promotions, figures.ggr)
    return [str(figures.bet_count), *(report.amount(minor, currency) for minor in amounts)]


def _age(age: timedelta) -> str:
    hours, minutes = divmod(age // timedelta(minutes=1), 60)
    return f"{hours}h{minutes:02d}m"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], *, text_columns: int) -> list[str]:
    """Columns as wide as their widest cell: the first ``text_columns`` left-aligned, numbers right-aligned."""
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    return [
        "  "
        + "  ".join(
            cell.ljust(width) if i < text_columns else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in [header, *rows]
    ]
