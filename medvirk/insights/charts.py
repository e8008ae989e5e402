"""Server-rendered SVG bar charts. Each chart has a data table beside it with the same numbers.

Every chart comes in two layouts: the wide one (label left of the bar, 560 units across) and a
narrow one for phones (label above the bar, wrapped, 300 units across), which the page shows
below 35em instead (``results.css``). An SVG scales its text with its width: the wide layout on
a 320 px screen would draw 13-unit labels about 6 px high; the narrow one draws 15-unit labels
at about 14 px. The PDF uses the wide layout only.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .figures import QuestionFigures
from .readings import answer_table
from .templatetags.insights import pct

ROW = 28
LABEL_WIDTH = 190
BAR_WIDTH = 300

# The narrow layout (see the module docstring); its font size is in _chart.html.
NARROW_WIDTH = 300
NARROW_BAR = 210  # the value's text follows the bar ("100 %" needs about 45 units)
NARROW_LINE = 18  # one line of label text
NARROW_BAR_HEIGHT = 16
NARROW_GAP = 10
NARROW_CHARS = 32  # characters per label line (Inter at 15 units: about 8 units a character)
NARROW_LINES = 2


@dataclass(frozen=True)
class Bar:
    label: str
    value: float  # 0–1
    text: str
    y: int
    width: float
    low: float | None = None  # interval whisker, in SVG units
    high: float | None = None
    benchmark: bool = False  # the national benchmark, drawn in its own fill
    full_label: str = ""  # untruncated, for the narrow layout's wrapped lines
    low_share: float | None = None  # the interval as shares (0–1), for the narrow layout
    high_share: float | None = None

    @property
    def css_class(self) -> str:
        return "mv-chart__bar mv-chart__bar--benchmark" if self.benchmark else "mv-chart__bar"

    @property
    def text_y(self) -> int:
        return self.y + 15

    @property
    def mid_y(self) -> int:
        return self.y + 10


@dataclass(frozen=True)
class Chart:
    id: str
    bars: tuple[Bar, ...]

    @property
    def height(self) -> int:
        return len(self.bars) * ROW + 4

    @property
    def bar_x(self) -> int:
        return LABEL_WIDTH

    @property
    def text_x(self) -> int:
        return LABEL_WIDTH + BAR_WIDTH + 8

    @property
    def narrow(self) -> NarrowChart:
        """Return the same bars laid out for a phone: label lines above each bar."""
        rows: list[NarrowRow] = []
        y = 2
        for bar in self.bars:
            lines = _wrapped(bar.full_label or bar.label)
            label_ys = tuple((y + NARROW_LINE * (i + 1) - 4, line) for i, line in enumerate(lines))
            bar_y = y + NARROW_LINE * len(lines) + 2
            rows.append(
                NarrowRow(
                    bar=bar,
                    lines=label_ys,
                    y=bar_y,
                    width=round(bar.value * NARROW_BAR, 1),
                    low=None if bar.low_share is None else round(bar.low_share * NARROW_BAR, 1),
                    high=None if bar.high_share is None else round(bar.high_share * NARROW_BAR, 1),
                )
            )
            y = bar_y + NARROW_BAR_HEIGHT + NARROW_GAP
        return NarrowChart(f"{self.id}-narrow", tuple(rows), y)


@dataclass(frozen=True)
class NarrowRow:
    """One bar of the narrow layout: its label lines (y, text), then the bar at ``y``."""

    bar: Bar
    lines: tuple[tuple[int, str], ...]
    y: int
    width: float
    low: float | None
    high: float | None

    @property
    def mid_y(self) -> int:
        return self.y + NARROW_BAR_HEIGHT // 2

    @property
    def text_y(self) -> int:
        return self.y + NARROW_BAR_HEIGHT - 3


@dataclass(frozen=True)
class NarrowChart:
    id: str
    rows: tuple[NarrowRow, ...]
    height: int
    width: int = NARROW_WIDTH
    bar_width: int = NARROW_BAR
    text_x: int = NARROW_BAR + 6


def _wrapped(label: str) -> list[str]:
    """Return ``label`` in at most two lines for the narrow layout (the last cut with "…")."""
    lines = textwrap.wrap(label, NARROW_CHARS, break_long_words=True) or [""]
    if len(lines) > NARROW_LINES:
        rest = " ".join(lines[NARROW_LINES - 1 :])
        lines = [*lines[: NARROW_LINES - 1], _short(rest, NARROW_CHARS)]
    return lines


def _short(label: str, limit: int = 28) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _bar(
    i: int,
    label: str,
    share: float,
    low: float | None = None,
    high: float | None = None,
    *,
    benchmark: bool = False,
) -> Bar:
    share = max(0.0, min(1.0, share))
    return Bar(
        _short(label),
        share,
        pct(share),  # as the data table beside it shows it (rounded, not truncated)
        i * ROW + 2,
        round(share * BAR_WIDTH, 1),
        None if low is None else LABEL_WIDTH + round(low * BAR_WIDTH, 1),
        None if high is None else LABEL_WIDTH + round(high * BAR_WIDTH, 1),
        benchmark,
        label,
        None if low is None else max(0.0, min(1.0, low)),
        None if high is None else max(0.0, min(1.0, high)),
    )


def distribution_chart(chart_id: str, figures: QuestionFigures) -> Chart | None:
    """Return the answer distribution of a shown group as bars: the rows of its answer table
    (``readings.answer_table``), so that the chart, the table and the words use the same groups."""
    rows = [row for row in answer_table(figures).rows if row.share is not None]
    if not rows or (figures.has_merged and sum(1 for row in rows if row.share) < 2):
        return None  # every answer is among "other options": one full bar says nothing
    return Chart(chart_id, tuple(_bar(i, row.bar_label, row.share or 0.0) for i, row in enumerate(rows)))


def top_box_chart(
    chart_id: str,
    rows: list[tuple[str, QuestionFigures]],
    benchmark: QuestionFigures | None = None,
) -> Chart | None:
    """Return the top-box share with its Wilson interval per group; hidden groups are left out.

    ``benchmark`` (the national benchmark's figures, if any) comes last as a bar of its own kind.
    """
    bars: list[Bar] = []
    for label, fig in rows:
        if fig.shown and fig.top_box is not None:
            low, high = fig.top_box.interval
            bars.append(_bar(len(bars), label, fig.top_box.estimate, low, high))
    if benchmark is not None and benchmark.shown and benchmark.top_box is not None:
        low, high = benchmark.top_box.interval
        label = _("National benchmark")
        bars.append(_bar(len(bars), label, benchmark.top_box.estimate, low, high, benchmark=True))
    return Chart(chart_id, tuple(bars)) if bars else None
