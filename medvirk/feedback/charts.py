"""The client's graph as server-rendered SVG: scores per session, cut-off, expected band.

Like the results charts, every graph has a data table beside it with the same numbers, and the
SVG uses presentation attributes only (the CSP allows no inline style). Pure view-model: the
template ``feedback/_graph.html`` draws it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.utils.formats import number_format

from .selectors import EpisodeView

WIDTH, HEIGHT = 560, 300
LEFT, RIGHT, TOP, BOTTOM = 44, 16, 16, 36


@dataclass(frozen=True)
class Tick:
    value: str
    x: float
    y: float


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    label: str


@dataclass(frozen=True)
class Graph:
    id: str
    width: int
    height: int
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    band: str  # SVG polygon points ("" when none)
    median: str  # polyline points
    scores: str  # the client's polyline
    dots: tuple[Dot, ...]
    collateral: tuple[str, ...]  # other raters' polylines
    cutoff_y: float | None
    left: int = LEFT
    right_edge: int = WIDTH - RIGHT
    top: int = TOP
    bottom_edge: int = HEIGHT - BOTTOM


def _fmt(value: float) -> str:
    """Return ``value`` with at most one decimal, as the page's language writes it ("6,8" in bokmål)."""
    return number_format(f"{value:.1f}".rstrip("0").rstrip("."))


def _round_ticks(low: float, high: float) -> list[float]:
    """Return the values the score axis is labelled at: round numbers, at most seven (PHQ-9's 0–27:
    0, 5, 10 … 25, where its quarters were 6,8, 13,5 and 20,2; the cut-off 10 among them)."""
    span = high - low or 1
    step = next((s for s in (1, 2, 2.5, 5, 10, 20, 25, 50, 100) if span / s <= 6), span / 4)
    first = math.ceil(low / step) * step
    return [first + i * step for i in range(int((high - first) // step) + 1)]


def graph(view: EpisodeView, graph_id: str = "graph") -> Graph:
    """Return the SVG view-model of an episode's outcome graph."""
    low, high = view.scale
    rated = [p for p in view.outcome if p.score is not None]
    last = max([p.session for p in view.outcome] or [1])
    sessions = max(6, min(last + 2, 24))
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM

    def x(session: float) -> float:
        return round(LEFT + (session - 1) * plot_w / max(sessions - 1, 1), 1)

    def y(value: float) -> float:
        value = max(low, min(high, value))
        return round(TOP + (high - value) * plot_h / (high - low or 1), 1)

    x_ticks = tuple(Tick(str(n), x(n), HEIGHT - BOTTOM + 16) for n in range(1, sessions + 1))
    y_ticks = tuple(Tick(_fmt(v), LEFT - 6, y(v) + 4) for v in _round_ticks(low, high))
    band = median = ""
    if view.band is not None and view.band_scores:
        n = min(len(view.band.sessions), sessions)
        upper = [
            (x(t), y(v)) for t, v in zip(view.band.sessions[:n], view.band_scores["upper"][:n], strict=True)
        ]
        lower = [
            (x(t), y(v)) for t, v in zip(view.band.sessions[:n], view.band_scores["lower"][:n], strict=True)
        ]
        band = " ".join(f"{a},{b}" for a, b in [*upper, *reversed(lower)])
        median = " ".join(
            f"{x(t)},{y(v)}"
            for t, v in zip(view.band.sessions[:n], view.band_scores["median"][:n], strict=True)
        )
    scores = " ".join(f"{x(p.session)},{y(p.score)}" for p in rated if p.score is not None)
    dots = tuple(Dot(x(p.session), y(p.score), _fmt(p.score)) for p in rated if p.score is not None)
    collateral = tuple(
        " ".join(f"{x(p.session)},{y(p.score)}" for p in points if p.score is not None)
        for points in view.collateral.values()
    )
    return Graph(
        graph_id,
        WIDTH,
        HEIGHT,
        x_ticks,
        y_ticks,
        band,
        median,
        scores,
        dots,
        collateral,
        y(view.cutoff) if view.cutoff is not None else None,
    )


@dataclass(frozen=True)
class Row:
    session: int
    held_on: object
    score: str
    expected: str
    band: str
    alliance: str


def table(view: EpisodeView) -> list[Row]:
    """Return the data table beside the graph: the same numbers, per session."""
    alliance = {p.session: p.score for p in view.alliance}
    rows = []
    for p in view.outcome:
        expected = band = ""
        if view.band is not None and view.band_scores and p.session <= len(view.band.sessions):
            i = p.session - 1
            expected = _fmt(view.band_scores["median"][i])
            lo, hi = sorted((view.band_scores["lower"][i], view.band_scores["upper"][i]))
            band = f"{_fmt(lo)}–{_fmt(hi)}"
        a = alliance.get(p.session)
        rows.append(
            Row(
                p.session,
                p.held_on,
                "" if p.score is None else _fmt(p.score),
                expected,
                band,
                "" if a is None else _fmt(a),
            )
        )
    return rows
