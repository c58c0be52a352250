"""GGR per provider and day as an SVG bar chart, rendered on the server (no JavaScript, nothing fetched).

One chart per currency (amounts of two currencies are never drawn on one axis); in it, each day has
one bar per provider. The amounts only place the bars: the figures themselves come from the core."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from markupsafe import Markup, escape

from wallet.v1 import wallet_pb2 as pb

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 70, 10, 10, 40
COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b")


@dataclass(frozen=True)
class Chart:
    currency: str
    providers: list[str]
    colours: dict[str, str]
    svg: Markup


def charts(days: Sequence[pb.DailyFigures], day_labels: Sequence[str]) -> list[Chart]:
    """A chart per currency over ``day_labels`` (every day of the range, a day without figures at zero)."""
    currencies = sorted({d.currency for d in days})
    return [_chart(currency, [d for d in days if d.currency == currency], day_labels) for currency in currencies]


def _chart(currency: str, days: list[pb.DailyFigures], labels: Sequence[str]) -> Chart:
    providers = sorted({d.provider for d in days})
    colours = {p: COLOURS[i % len(COLOURS)] for i, p in enumerate(providers)}
    ggr = {(d.day, d.provider): Decimal(d.ggr) for d in days}
    top = max([Decimal(0), *ggr.values()])
    bottom = min([Decimal(0), *ggr.values()])
    span = (top - bottom) or Decimal(1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def y(value: Decimal) -> float:
        return TOP + float((top - value) / span) * plot_h

    slot = plot_w / max(len(labels), 1)
    bar = max(slot * 0.8 / max(len(providers), 1), 1.0)
    parts = [
        f'<svg class="chart" role="img" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" data-currency="{escape(currency)}">',
        f"<title>GGR per day in {escape(currency)}</title>",
        f'<line x1="{LEFT}" y1="{y(Decimal(0)):.1f}" x2="{WIDTH - RIGHT}" y2="{y(Decimal(0)):.1f}" stroke="#444"/>',
        f'<text x="{LEFT - 6}" y="{y(top) + 4:.1f}" text-anchor="end" font-size="11">{escape(str(top))}</text>',
        f'<text x="{LEFT - 6}" y="{y(bottom):.1f}" text-anchor="end" font-size="11">{escape(str(bottom))}</text>',
    ]
    for i, label in enumerate(labels):
        x0 = LEFT + i * slot + slot * 0.1
        for j, provider in enumerate(providers):
            value = ggr.get((label, provider))
            if value is None:
                continue
            y_top, y_zero = min(y(value), y(Decimal(0))), max(y(value), y(Decimal(0)))
            parts.append(
                f'<rect class="bar" x="{x0 + j * bar:.1f}" y="{y_top:.1f}" width="{bar:.1f}" '
                f'height="{max(y_zero - y_top, 1):.1f}" fill="{colours[provider]}">'
                f"<title>{escape(label)} {escape(provider)}: GGR {escape(str(value))} {escape(currency)}</title></rect>"
            )
        if len(labels) <= 16 or i % 2 == 0:
            parts.append(
                f'<text x="{x0 + slot * 0.4:.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle" '
                f'font-size="10">{escape(label[5:])}</text>'
            )
    parts.append("</svg>")
    return Chart(currency, providers, colours, Markup("".join(parts)))
