"""A chart of labelled horizontal bars, laid out for wide screens and for phones.

The panel's transparency report (chance per group), the yearly participation report (activities
per ladder level) and the comparison of municipalities (the same, one bar per municipality under
each level's heading) draw this chart; ``core/_bars.html`` draws it::

    {% include "core/_bars.html" with chart=report.chart title=title %}

Each chart comes in two layouts. The wide one puts a label left of its bar (470 units across);
the narrow one, shown on phones instead (``mv-chart--narrow``, results.css), puts it above the
bar (300 across): an SVG scales its text with its width, and the wide layout on a 320 px screen
would draw 14-unit labels about 8 px high. The layouts are worked out here, every position in
SVG units, so the template draws both with the same markup. Survey results' charts (intervals,
the benchmark, wrapped labels) are their own, in ``insights/charts.py``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Bar:
    """A bar: its label, its length as a share of the longest possible (0–1) and its value as shown.

    Laid out (``bar_chart``), it also says where a layout draws them; a heading is laid out as a
    bar with ``heading`` set and nothing but its label.
    """

    label: str
    share: float = 0.0
    text: str = ""
    heading: bool = False
    label_y: int = 0  # the label's baseline
    bar_y: int = 0  # the bar's top
    width: int = 0
    text_x: int = 0  # where the value starts, after the end of the bar
    text_y: int = 0


@dataclass(frozen=True)
class Layout:
    """A layout's measures, in SVG units; laid out (``bar_chart``), also its height and its bars."""

    name: str  # "wide" or "narrow": the CSS modifier and part of the SVG title's id
    width: int
    beside: bool  # a label left of its bar, the value on the same line (wide); else above the bar
    bar_height: int
    font: int  # a label's and a value's font size; a heading's is one larger, bold
    label_chars: int  # longer labels are cut short with "…"
    heading: int  # the height of a heading's line
    gap: int  # after a group of bars under a heading
    height: int = 0
    bars: tuple[Bar, ...] = ()  # with the headings, in drawing order

    @property
    def bar_x(self) -> int:
        return LABEL_WIDTH if self.beside else 0


LABEL_WIDTH = 190  # the labels' column in the wide layout
BAR_MAX = 220  # the length of a bar whose share is 1
VALUE_GAP = 6  # from the end of a bar to its value
WIDE = Layout("wide", 470, beside=True, bar_height=22, font=14, label_chars=24, heading=24, gap=12)
NARROW = Layout("narrow", 300, beside=False, bar_height=18, font=15, label_chars=34, heading=26, gap=10)


@dataclass(frozen=True)
class BarChart:
    """A chart: ``id`` names its SVG title and description, which says every figure in words."""

    id: str
    description: str
    layouts: tuple[Layout, ...]


def _description(groups: Mapping[str, Sequence[Bar]]) -> str:
    """Say every figure for screen readers: "Kvinner: 0,400. Menn: 0,200." or "Dialog: Bergen 4, Oslo 2."."""
    parts: list[str] = []
    for heading, bars in groups.items():
        if heading:
            parts.append(f"{heading}: {', '.join(f'{b.label} {b.text}' for b in bars)}.")
        else:
            parts.extend(f"{b.label}: {b.text}." for b in bars)
    return " ".join(parts)


def _layout(groups: Mapping[str, Sequence[Bar]], layout: Layout) -> Layout:
    laid: list[Bar] = []
    y = 6  # the top margin
    for heading, bars in groups.items():
        if heading:
            laid.append(Bar(heading, heading=True, label_y=y + layout.heading - 8))  # baseline above the bars
            y += layout.heading
        for bar in bars:
            width = round(BAR_MAX * min(max(bar.share, 0.0), 1.0))
            if layout.beside:  # label, bar and value on one line
                bar_y = y + 4
                label_y = text_y = bar_y + layout.bar_height - 6
            else:  # the label's line, then the bar with its value
                label_y = y + layout.font + 3
                bar_y = label_y + 6
                text_y = bar_y + layout.bar_height - 4
            text_x = layout.bar_x + width + VALUE_GAP
            laid.append(replace(bar, label_y=label_y, bar_y=bar_y, width=width, text_x=text_x, text_y=text_y))
            y = bar_y + layout.bar_height + (6 if layout.beside else 4)
        if heading:
            y += layout.gap
    return replace(layout, height=y + 6, bars=tuple(laid))


def bar_chart(chart_id: str, groups: Mapping[str, Sequence[Bar]]) -> BarChart:
    """Return the chart of ``groups`` (bars by heading) in the wide and the narrow layout.

    A chart without headings is one group under the empty heading: ``bar_chart("ladder", {"": bars})``.
    """
    return BarChart(chart_id, _description(groups), (_layout(groups, WIDE), _layout(groups, NARROW)))
