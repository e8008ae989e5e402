"""The charts' narrow layout for phones: labels above the bars, wrapped, never overlapping."""

from __future__ import annotations

from types import SimpleNamespace

from django.template.loader import render_to_string

from medvirk.insights.charts import NARROW_BAR, NARROW_CHARS, Chart, _bar
from medvirk.insights.equity_charts import NARROW_WIDTH, ratio_chart

LONG = "Andre svaralternativer samlet, slått sammen for å verne få personer i gruppen"


def _chart() -> Chart:
    bars = (_bar(0, "Ja", 0.25), _bar(1, LONG, 0.75, 0.5, 0.9), _bar(2, "Nei", 1.0, benchmark=True))
    return Chart("q1", bars)


def test_narrow_rows_wrap_long_labels_and_stack_without_overlap() -> None:
    narrow = _chart().narrow
    assert narrow.id == "q1-narrow"
    first, long, last = narrow.rows
    assert [line for _y, line in first.lines] == ["Ja"]
    lines = [line for _y, line in long.lines]
    assert len(lines) == 2 and all(len(line) <= NARROW_CHARS for line in lines)
    assert lines[0] == "Andre svaralternativer samlet,"  # the wide layout cuts at 28 characters
    assert lines[1].endswith("…") and LONG.startswith(" ".join(lines)[:-1])
    assert (first.width, long.width, last.width) == (0.25 * NARROW_BAR, 0.75 * NARROW_BAR, NARROW_BAR)
    assert (long.low, long.high) == (0.5 * NARROW_BAR, 0.9 * NARROW_BAR)
    # Each row's label lines come below the previous bar and above its own bar.
    bottom = 0
    for row in narrow.rows:
        ys = [y for y, _line in row.lines]
        assert ys == sorted(ys) and ys[0] - 15 >= bottom and ys[-1] < row.y
        bottom = row.y + 16
    assert narrow.height >= bottom


def test_the_page_gets_both_layouts_and_the_pdf_only_the_wide_one() -> None:
    page = render_to_string("insights/_chart.html", {"chart": _chart(), "title": "Trivsel"})
    assert 'class="mv-chart mv-chart--wide"' in page and 'class="mv-chart mv-chart--narrow"' in page
    assert 'aria-labelledby="q1-title"' in page and 'aria-labelledby="q1-narrow-title"' in page
    assert ">Andre svaralternativer samlet,</text>" in page and 'font-size="15"' in page
    pdf = render_to_string("insights/_chart.html", {"chart": _chart(), "title": "Trivsel", "wide_only": True})
    assert "mv-chart--narrow" not in pdf and "mv-chart--wide" not in pdf
    assert 'aria-labelledby="q1-title"' in pdf


def test_equity_narrow_layout_keeps_the_dots_in_order_inside_the_drawing() -> None:
    rows = [
        SimpleNamespace(label="0–15 år", ratio=0.2, ratio_interval=(0.0, 0.5), under=True, over=False),
        SimpleNamespace(label=LONG, ratio=1.4, ratio_interval=(1.1, 1.9), under=False, over=True),
    ]
    chart = ratio_chart(rows)
    assert chart is not None
    narrow = chart.narrow
    low, high = narrow.rows
    assert 0 < low.x_low <= low.x <= low.x_high < high.x_low <= high.x <= high.x_high < NARROW_WIDTH
    assert low.x_low < narrow.one < high.x_low  # 1 (as large a share as in the population) lies between
    assert len(high.lines) == 2 and high.lines[0][0] > low.y
    assert [x for x, _label in narrow.ticks] == sorted(x for x, _label in narrow.ticks)
