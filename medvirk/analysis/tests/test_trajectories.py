"""Expected trajectories: the rule by hand, and quantile regression on simulated data whose truth is known."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from medvirk.analysis.outcomes import Direction, Thresholds
from medvirk.analysis.trajectories import MIN_EPISODES, Episode, QuantileModel, fit_quantiles, rule_band

ORS_T = Thresholds(Direction.HIGHER_BETTER, rci=5, cutoff=25)
PHQ9_T = Thresholds(Direction.LOWER_BETTER, rci=6, cutoff=10)


def test_rule_band_by_hand() -> None:
    band = rule_band(15, ORS_T, (0, 40), sessions=8, reach=6)
    # Target: max(5, 25 - 15) = 10, reached at session 6 along log t / log 6.
    assert band.median[0] == 0
    assert band.median[1] == pytest.approx(10 * math.log(2) / math.log(6))
    assert band.median[5] == pytest.approx(10)
    assert band.median[7] == pytest.approx(10)  # stays at the target
    assert band.lower[5] == pytest.approx(5)  # one RCI below
    assert band.upper[5] == pytest.approx(15)
    assert band.lower[0] == band.upper[0] == 0  # intake is the intake
    assert band.source == "rule"


def test_rule_band_outside_clinical_range_expects_one_rci() -> None:
    band = rule_band(30, ORS_T, (0, 40), reach=6)
    assert band.median[5] == pytest.approx(5)


def test_rule_band_is_capped_by_the_scale() -> None:
    band = rule_band(38, ORS_T, (0, 40))
    assert max(band.upper) <= 2  # only two points left on the scale
    low = rule_band(2, PHQ9_T, (0, 27))
    assert max(low.upper) <= 2  # PHQ-9 at 2 can improve by 2 at most
    scores = low.as_scores(2, Direction.LOWER_BETTER)
    assert min(scores["upper"]) >= 0


def simulate(n: int, *, a: float, b: float, sigma: float, seed: int, sessions: int = 8) -> list[Episode]:
    """Improvement at session t = (a + b * intake + sigma * e) * log t, e ~ N(0, 1) per client.

    The client's own rate e is shared by all their sessions (sessions are not independent), and the
    true tau-quantile is (a + sigma * z_tau + b * intake) * log t: inside the fitted model family.
    """
    rng = np.random.default_rng(seed)
    episodes = []
    for _ in range(n):
        intake = float(rng.uniform(8, 32))
        e = rng.normal()
        count = int(rng.integers(2, sessions + 1))
        scores = [(1, intake)] + [
            (t, intake + (a + b * intake + sigma * e) * math.log(t)) for t in range(2, count + 1)
        ]
        episodes.append(Episode(tuple(scores)))
    return episodes


def test_quantile_fit_recovers_the_truth() -> None:
    a, b, sigma = 6.0, -0.15, 1.5
    model = fit_quantiles(simulate(400, a=a, b=b, sigma=sigma, seed=3), Direction.HIGHER_BETTER, bootstrap=50)
    assert model is not None
    for tau in (0.25, 0.5, 0.75):
        z = stats.norm.ppf(tau)
        for intake in (10.0, 20.0, 30.0):
            for t in (2, 4, 8):
                truth = (a + sigma * z + b * intake) * math.log(t)
                assert model.predict(tau, intake, t) == pytest.approx(truth, abs=0.6), (tau, intake, t)


def test_median_interval_covers_the_truth_and_narrows_with_data() -> None:
    a, b, sigma = 6.0, -0.15, 1.5
    small = fit_quantiles(simulate(MIN_EPISODES, a=a, b=b, sigma=sigma, seed=5), Direction.HIGHER_BETTER)
    large = fit_quantiles(simulate(800, a=a, b=b, sigma=sigma, seed=6), Direction.HIGHER_BETTER)
    assert small is not None and large is not None
    intake, t = 15.0, 6
    truth = (a + b * intake) * math.log(t)
    for model in (small, large):
        band = model.band(intake, ORS_T, (0, 40), sessions=8)
        assert band.median_low is not None and band.median_high is not None
        assert band.median_low[t - 1] <= truth <= band.median_high[t - 1]

    def width(model: QuantileModel) -> float:
        band = model.band(intake, ORS_T, (0, 40))
        assert band.median_high is not None and band.median_low is not None
        return band.median_high[t - 1] - band.median_low[t - 1]

    assert width(large) < width(small)


def test_at_the_minimum_the_paths_are_within_a_point() -> None:
    """The size behind MIN_EPISODES: at 100 episodes, the 25th and 50th percentile within 1 point."""
    a, b, sigma = 6.0, -0.15, 1.5
    errors = []
    for seed in range(5):
        model = fit_quantiles(
            simulate(MIN_EPISODES, a=a, b=b, sigma=sigma, seed=100 + seed),
            Direction.HIGHER_BETTER,
            bootstrap=0,
        )
        assert model is not None
        for tau in (0.25, 0.5):
            truth = (a + sigma * stats.norm.ppf(tau) + b * 15) * math.log(6)
            errors.append(abs(model.predict(tau, 15, 6) - truth))
    assert max(errors) < 1.0


def test_lower_is_better_is_oriented_as_improvement() -> None:
    # PHQ-9 falling by (4 - 0.1 * intake) * log t: improvement is positive.
    episodes = []
    for intake in np.linspace(8, 24, 60):
        scores = [(1, float(intake))] + [
            (t, float(intake - (4 - 0.1 * intake) * math.log(t))) for t in range(2, 7)
        ]
        episodes.append(Episode(tuple(scores)))
    model = fit_quantiles(episodes, Direction.LOWER_BETTER, bootstrap=0)
    assert model is not None
    assert model.predict(0.5, 20, 4) == pytest.approx((4 - 2) * math.log(4), abs=1e-3)
    band = model.band(20, PHQ9_T, (0, 27))
    assert band.as_scores(20, Direction.LOWER_BETTER)["median"][3] == pytest.approx(
        20 - 2 * math.log(4), abs=1e-3
    )


def test_json_round_trip() -> None:
    model = fit_quantiles(simulate(30, a=5, b=-0.1, sigma=1, seed=1), Direction.HIGHER_BETTER, bootstrap=5)
    assert model is not None
    again = QuantileModel.from_json(model.as_json())
    assert again.predict(0.5, 12, 5) == pytest.approx(model.predict(0.5, 12, 5))
    assert again.boot == model.boot


def test_too_little_data() -> None:
    assert fit_quantiles([Episode(((1, 10.0),))], Direction.HIGHER_BETTER) is None


def test_bootstrap_is_repeatable() -> None:
    episodes = simulate(40, a=5, b=-0.1, sigma=1, seed=2)
    one = fit_quantiles(episodes, Direction.HIGHER_BETTER, bootstrap=20, seed=7)
    two = fit_quantiles(episodes, Direction.HIGHER_BETTER, bootstrap=20, seed=7)
    assert one is not None and two is not None and one.boot == two.boot
