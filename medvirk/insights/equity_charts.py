"""Server-rendered SVG geometry for representation charts (no JavaScript)."""

from __future__ import annotations

import math
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
