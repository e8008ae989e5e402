"""Server-rendered SVG geometry for representation charts (no JavaScript).

Like the results charts (``charts.py``), each chart has a narrow layout for phones: the group's
name above its dot and line instead of beside them, so the text stays readable when the SVG
shrinks to a 320 px screen (the page shows it below 35em, ``population.css``).
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass
from typing import Any

WIDTH = 640
LABEL = 190
RIGHT = 24
ROW = 28
TOP = 28


@dataclass
class Bar:
    label: str
    y: float
    x: float
    x_low: float
    x_high: float
    ratio: float
    low: float
    high: float
    under: bool
    over: bool


@dataclass
class Chart:
    height: int
    bars: list[Bar]
    ticks: list[tuple[float, str]]
    one: float
    plot_left: int
    plot_right: int

    @property
    def narrow(self) -> NarrowChart:
        """Return the same dots laid out for a phone: each label line above its dot and line."""
        scale = (NARROW_WIDTH - 2 * NARROW_SIDE) / (self.plot_right - self.plot_left)

        def nx(x: float) -> float:
            return round(NARROW_SIDE + (x - self.plot_left) * scale, 1)

        rows: list[NarrowRow] = []
        y = float(TOP)
        for bar in self.bars:
            lines = _wrapped(bar.label)
            label_ys = tuple((y + NARROW_LINE * (i + 1) - 4, line) for i, line in enumerate(lines))
            dot_y = y + NARROW_LINE * len(lines) + 8
            rows.append(NarrowRow(bar, label_ys, dot_y, nx(bar.x), nx(bar.x_low), nx(bar.x_high)))
            y = dot_y + 14
        ticks = [(nx(x), label) for x, label in self.ticks]
        return NarrowChart(round(y + 4), rows, ticks, nx(self.one))


NARROW_WIDTH = 300
NARROW_SIDE = 12  # room for the first and last tick's text
NARROW_LINE = 18
NARROW_CHARS = 34


@dataclass
class NarrowRow:
    bar: Bar
    lines: tuple[tuple[float, str], ...]
    y: float
    x: float
    x_low: float
    x_high: float


@dataclass
class NarrowChart:
    height: int
    rows: list[NarrowRow]
    ticks: list[tuple[float, str]]
    one: float
    width: int = NARROW_WIDTH


def _wrapped(label: str) -> list[str]:
    """Return ``label`` in at most two lines (the second cut with "…")."""
    lines = textwrap.wrap(label, NARROW_CHARS) or [""]
    if len(lines) > 2:
        second = " ".join(lines[1:])
        lines = [lines[0], second[: NARROW_CHARS - 1] + "…"]
    return lines


def ratio_chart(rows: list[Any]) -> Chart | None:
    """Return geometry for a dot-and-interval chart of representation ratios (1 = proportional)."""
    usable = [r for r in rows if r.ratio is not None and r.ratio_interval and math.isfinite(r.ratio)]
    if not usable:
        return None
    top = max(2.0, max(r.ratio_interval[1] for r in usable))
    top = min(5.0, math.ceil(top * 2) / 2)
    span = WIDTH - LABEL - RIGHT

    def x(v: float) -> float:
        return round(LABEL + span * min(max(v, 0.0), top) / top, 1)

    bars = [
        Bar(
            label=r.label,
            y=TOP + i * ROW + ROW / 2,
            x=x(r.ratio),
            x_low=x(r.ratio_interval[0]),
            x_high=x(r.ratio_interval[1]),
            ratio=r.ratio,
            low=r.ratio_interval[0],
            high=r.ratio_interval[1],
            under=r.under,
            over=r.over,
        )
        for i, r in enumerate(usable)
    ]
    step = 0.5 if top <= 3 else 1.0
    ticks = [(x(t * step), f"{t * step:g}") for t in range(int(top / step) + 1)]
    return Chart(TOP + len(bars) * ROW + 8, bars, ticks, x(1.0), LABEL, WIDTH - RIGHT)
