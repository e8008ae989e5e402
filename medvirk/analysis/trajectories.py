# SPDX-License-Identifier: AGPL-3.0-or-later
"""Expected trajectories: how much a client starting at a given score usually improves by session *t*.

Pure (no Django). Two sources, documented in docs/methods.md ("Expected trajectories"):

* :func:`rule_band` — before a service has enough closed episodes of its own: the expected
  improvement grows along ``log t`` to a target reached at session ``reach`` (the larger of one
  reliable-change value and the distance to the cut-off), and the band is one reliable-change
  value either side. "Not on track" below the band means *reliably worse than expected*.
* :func:`fit_quantiles` — from the service's own closed episodes: linear quantile regression
  (statsmodels ``QuantReg``) of the improvement at session *t* on ``log t`` and
  ``intake · log t`` (no intercept, so the expected improvement at intake is 0), for the 25th,
  50th and 75th percentile. The interval of the median path comes from a bootstrap over
  episodes (an episode's sessions are resampled together, as they are not independent).

Improvement is oriented so that positive is better (see :mod:`outcomes`).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from statsmodels.regression.quantile_regression import QuantReg
from statsmodels.tools.sm_exceptions import ConvergenceWarning, IterationLimitWarning

from .outcomes import Direction, Thresholds, improvement

__all__ = [
    "MIN_EPISODES",
    "Band",
    "Episode",
    "QuantileModel",
    "fit_quantiles",
    "rule_band",
]

#: Closed episodes with at least two outcome scores a service needs before its own data replace
#: the rule (the simulation study in ``analysis/tests/test_trajectories.py`` shows the 25th and
#: 50th percentile paths within about one point of the truth on a 0–40 scale at this size).
MIN_EPISODES = 100
QUANTILES = (0.25, 0.5, 0.75)
REACH = 6  # the rule's session by which the target improvement is expected
HORIZON = 12  # sessions a band is computed for


@dataclass(frozen=True, slots=True)
class Band:
    """Expected improvement per session number (1 = intake): lower edge, median, upper edge.

    ``median_low``/``median_high``: 95 % interval of the median path where it was estimated
    (own data), else None. ``source``: "rule" or "own_data".
    """

    sessions: tuple[int, ...]
    lower: tuple[float, ...]
    median: tuple[float, ...]
    upper: tuple[float, ...]
    source: str
    median_low: tuple[float, ...] | None = None
    median_high: tuple[float, ...] | None = None

    def worse_edge(self) -> dict[int, float]:
        """Return the lower edge per session (what "not on track" compares with)."""
        return dict(zip(self.sessions, self.lower, strict=True))

    def as_scores(self, intake: float, direction: Direction) -> dict[str, list[float]]:
        """Return the band as scores on the instrument's own scale (for the graph)."""
        sign = 1.0 if direction is Direction.HIGHER_BETTER else -1.0

        def to_scores(values: Sequence[float]) -> list[float]:
            return [intake + sign * v for v in values]

        return {
            "lower": to_scores(self.lower),
            "median": to_scores(self.median),
            "upper": to_scores(self.upper),
        }


def _room(intake: float, thresholds: Thresholds, scale: tuple[float, float]) -> float:
    """Return how far a client at ``intake`` can still improve on the scale."""
    low, high = scale
    return high - intake if thresholds.direction is Direction.HIGHER_BETTER else intake - low


def _clip(
    values: Sequence[float], intake: float, thresholds: Thresholds, scale: tuple[float, float]
) -> list[float]:
    """Keep improvements within what the scale allows either way."""
    room = _room(intake, thresholds, scale)
    worst = -(scale[1] - scale[0] - room)
    return [max(worst, min(room, v)) for v in values]


def _clipped_band(
    sessions: tuple[int, ...],
    lines: tuple[Sequence[float], Sequence[float], Sequence[float]],
    source: str,
    intake: float,
    thresholds: Thresholds,
    scale: tuple[float, float],
    median_interval: tuple[Sequence[float], Sequence[float]] | None = None,
) -> Band:
    """Return the band of ``lines`` (lower, median, upper) and the median's interval, each clipped."""

    def clip(values: Sequence[float]) -> tuple[float, ...]:
        return tuple(_clip(values, intake, thresholds, scale))

    lower, median, upper = (clip(line) for line in lines)
    low, high = (clip(line) for line in median_interval) if median_interval else (None, None)
    return Band(sessions, lower, median, upper, source, low, high)


def rule_band(
    intake: float,
    thresholds: Thresholds,
    scale: tuple[float, float],
    *,
    sessions: int = HORIZON,
    reach: int = REACH,
) -> Band:
    """Return the rule-based expected band for a client starting at ``intake``.

    Target improvement ``g = max(RCI, distance to the non-clinical side of the cut-off)`` (a
    client already outside the clinical range is expected one RCI), capped by the room left on
    the scale; median ``g · min(1, log t / log reach)``; edges one RCI either side.
    """
    target = thresholds.rci
    if thresholds.cutoff is not None and thresholds.clinical(intake):
        target = max(target, abs(thresholds.cutoff - intake))
    target = min(target, max(_room(intake, thresholds, scale), 0.0))
    ts = tuple(range(1, sessions + 1))
    median = [target * min(1.0, math.log(t) / math.log(reach)) for t in ts]
    lower = [m - thresholds.rci if t > 1 else 0.0 for t, m in zip(ts, median, strict=True)]
    upper = [m + thresholds.rci if t > 1 else 0.0 for t, m in zip(ts, median, strict=True)]
    return _clipped_band(ts, (lower, median, upper), "rule", intake, thresholds, scale)


@dataclass(frozen=True, slots=True)
class Episode:
    """One closed episode's outcome scores: (session number, score), intake first."""

    scores: tuple[tuple[int, float], ...]


@dataclass(frozen=True, slots=True)
class QuantileModel:
    """Fitted quantile paths: improvement_τ(t | intake) = (a_τ + b_τ · intake) · log t.

    ``params``: τ → (a, b). ``boot``: bootstrap draws of the median's (a, b) for its interval.
    ``episodes``/``observations``: what it was fitted on.
    """

    direction: Direction
    params: Mapping[float, tuple[float, float]]
    boot: tuple[tuple[float, float], ...]
    episodes: int
    observations: int

    def predict(self, tau: float, intake: float, t: int) -> float:
        a, b = self.params[tau]
        return (a + b * intake) * math.log(t)

    def band(
        self, intake: float, thresholds: Thresholds, scale: tuple[float, float], *, sessions: int = HORIZON
    ) -> Band:
        """Return the band of a client starting at ``intake``: 25th–75th percentile, and the
        median with its 95 % interval."""
        ts = tuple(range(1, sessions + 1))
        lower, median, upper = ([self.predict(q, intake, t) for t in ts] for q in QUANTILES)
        # Quantile lines fitted separately may cross; a band is ordered.
        lower = [min(lo, m) for lo, m in zip(lower, median, strict=True)]
        upper = [max(up, m) for up, m in zip(upper, median, strict=True)]
        interval = None
        if self.boot:
            draws = np.array([[(a + b * intake) * math.log(t) for t in ts] for a, b in self.boot])
            interval = (
                np.percentile(draws, 2.5, axis=0).tolist(),
                np.percentile(draws, 97.5, axis=0).tolist(),
            )
        return _clipped_band(ts, (lower, median, upper), "own_data", intake, thresholds, scale, interval)

    def as_json(self) -> dict[str, object]:
        """Return a JSON-ready form (stored with the service's fit)."""
        return {
            "direction": self.direction.value,
            "params": {str(q): list(ab) for q, ab in self.params.items()},
            "boot": [list(ab) for ab in self.boot],
            "episodes": self.episodes,
            "observations": self.observations,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> QuantileModel:
        params = data["params"]
        boot = data.get("boot") or []
        episodes, observations = data["episodes"], data["observations"]
        assert isinstance(params, Mapping) and isinstance(boot, list)
        assert isinstance(episodes, int | float | str) and isinstance(observations, int | float | str)
        return cls(
            Direction(str(data["direction"])),
            {float(q): (float(ab[0]), float(ab[1])) for q, ab in params.items()},
            tuple((float(a), float(b)) for a, b in boot),
            int(episodes),
            int(observations),
        )


def _design(episodes: Sequence[Episode], direction: Direction) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return X (log t, intake · log t), y (improvement) and the episode index of each row."""
    rows: list[tuple[float, float]] = []
    ys: list[float] = []
    owner: list[int] = []
    for i, episode in enumerate(episodes):
        (_t0, intake), *later = episode.scores
        for t, value in later:
            if t < 2:
                continue
            lt = math.log(t)
            rows.append((lt, intake * lt))
            ys.append(improvement(intake, value, direction))
            owner.append(i)
    return np.array(rows, dtype=float).reshape(-1, 2), np.array(ys, dtype=float), np.array(owner, dtype=int)


def _fit(x: np.ndarray, y: np.ndarray, tau: float) -> tuple[float, float]:
    with warnings.catch_warnings():
        # Degenerate bootstrap samples may not converge fully; the estimate is still usable.
        warnings.simplefilter("ignore", (ConvergenceWarning, IterationLimitWarning, RuntimeWarning))
        params = QuantReg(y, x).fit(q=tau, max_iter=2000).params
    return float(params[0]), float(params[1])


def fit_quantiles(
    episodes: Sequence[Episode], direction: Direction, *, bootstrap: int = 200, seed: int = 0
) -> QuantileModel | None:
    """Fit the quantile paths on closed episodes; None when fewer than two have a later score.

    The bootstrap resamples whole episodes ``bootstrap`` times with a fixed ``seed`` (the same
    data always give the same interval) and refits the median.
    """
    usable = [e for e in episodes if len(e.scores) >= 2 and any(t >= 2 for t, _ in e.scores[1:])]
    if len(usable) < 2:
        return None
    x, y, owner = _design(usable, direction)
    params = {q: _fit(x, y, q) for q in QUANTILES}
    boot: list[tuple[float, float]] = []
    if bootstrap:
        rng = np.random.default_rng(seed)
        rows_of = [np.flatnonzero(owner == i) for i in range(len(usable))]
        for _ in range(bootstrap):
            pick = rng.integers(0, len(usable), len(usable))
            rows = np.concatenate([rows_of[i] for i in pick])
            boot.append(_fit(x[rows], y[rows], 0.5))
    return QuantileModel(direction, params, tuple(boot), len(usable), len(y))
