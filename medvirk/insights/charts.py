"""Server-rendered SVG bar charts. Each chart has a data table beside it with the same numbers."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from .figures import QuestionFigures
from .templatetags.insights import pct

ROW = 28
LABEL_WIDTH = 190
BAR_WIDTH = 300


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
    )


def distribution_chart(chart_id: str, figures: QuestionFigures) -> Chart | None:
    """Return the answer distribution of a shown group as bars (merged options as one bar)."""
    if not figures.shown:
        return None
    if figures.has_merged and not any(o.count for o in figures.options if o.count is not None):
        return None  # every answer is among "other options": one full bar says nothing
    shares = [(o.label, o.share) for o in figures.options if o.share is not None]
    bars = [_bar(i, label, share) for i, (label, share) in enumerate(shares)]
    if figures.merged_share is not None:
        bars.append(_bar(len(bars), _("Other options"), figures.merged_share))
    return Chart(chart_id, tuple(bars)) if bars else None


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
