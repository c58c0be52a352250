from __future__ import annotations

from wallet.v1 import wallet_pb2 as pb
from wallet_console.chart import charts


def day(day: str, provider: str, currency: str, ggr: str) -> pb.DailyFigures:
    return pb.DailyFigures(day=day, provider=provider, currency=currency, ggr=ggr)


def test_one_chart_per_currency_one_bar_per_provider_and_day() -> None:
    days = [
        day("2026-12-05", "aigame", "USD", "10.00"),
        day("2026-12-06", "aigame", "USD", "-5.00"),
        day("2026-12-06", "hrg", "USD", "2.50"),
        day("2026-12-06", "hrg", "BRL", "7.00"),
    ]
    found = charts(days, ["2026-12-05", "2026-12-06"])
    assert [(c.currency, c.providers) for c in found] == [("BRL", ["hrg"]), ("USD", ["aigame", "hrg"])]
    usd = str(found[1].svg)
    assert usd.count('class="bar"') == 3
    assert "2026-12-06 aigame: GGR -5.00 USD" in usd


def test_names_are_escaped_in_the_svg() -> None:
    (chart,) = charts([day("2026-12-06", "<script>", "USD", "1.00")], ["2026-12-06"])
    assert "<script>" not in str(chart.svg) and "&lt;script&gt;" in str(chart.svg)


def test_no_activity_no_chart() -> None:
    assert charts([], ["2026-12-06"]) == []
