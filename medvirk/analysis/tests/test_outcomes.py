"""Scoring, reliable change, cut-off crossing, alerts and pre-post figures against hand-computed cases."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from medvirk.analysis.outcomes import (
    AlertKind,
    AlertRules,
    Change,
    ChangeSums,
    Direction,
    ScoreMethod,
    ScoreRule,
    Thresholds,
    alerts,
    classify,
    clinical_cutoff,
    pre_post,
    rci_from_reliability,
    score,
)

PHQ9 = ScoreRule(items=tuple(f"i{n}" for n in range(1, 10)), item_min=0, item_max=3, max_missing=1)
PHQ9_T = Thresholds(Direction.LOWER_BETTER, rci=6, cutoff=10)
ORS = ScoreRule(items=("a", "b", "c", "d"), item_min=0, item_max=10)
ORS_T = Thresholds(Direction.HIGHER_BETTER, rci=5, cutoff=25)


def test_sum_score() -> None:
    # 1+2+3+0+1+2+3+0+1 = 13
    answers = dict(zip(PHQ9.items, [1, 2, 3, 0, 1, 2, 3, 0, 1], strict=True))
    assert score(PHQ9, answers) == 13


def test_prorated_when_one_item_missing() -> None:
    # Eight answers summing to 12: prorated 12 * 9 / 8 = 13.5
    answers = dict(zip(PHQ9.items[:8], [1, 2, 3, 0, 1, 2, 3, 0], strict=True))
    assert score(PHQ9, answers) == 13.5


def test_too_many_missing_gives_no_score() -> None:
    answers = dict(zip(PHQ9.items[:7], [1] * 7, strict=True))
    assert score(PHQ9, answers) is None


def test_reverse_items_and_mean() -> None:
    rule = ScoreRule(
        items=("x", "y"), item_min=1, item_max=5, method=ScoreMethod.MEAN, reverse=frozenset({"y"})
    )
    # x = 4, y = 2 reversed to 1 + 5 - 2 = 4: mean 4
    assert score(rule, {"x": 4, "y": 2}) == 4


def test_out_of_range_is_refused() -> None:
    with pytest.raises(ValueError):
        score(ORS, {"a": 11, "b": 1, "c": 1, "d": 1})


def test_vas_total_keeps_decimals() -> None:
    assert score(ORS, {"a": 2.5, "b": 3.1, "c": 4.0, "d": 0.7}) == pytest.approx(10.3)


def test_rci_from_reliability_by_hand() -> None:
    # SD 7.7, r = 0.8 (an often quoted PHQ-9 pair): 1.96 * 7.7 * sqrt(0.4) = 9.545...
    assert rci_from_reliability(7.7, 0.8) == pytest.approx(1.96 * 7.7 * math.sqrt(0.4))
    assert rci_from_reliability(10, 0.875) == pytest.approx(1.96 * 10 * 0.5)


def test_clinical_cutoff_c() -> None:
    # Clinical 20 (SD 5), normal 30 (SD 5): halfway, 25. Unequal spreads pull towards the tighter one.
    assert clinical_cutoff(20, 5, 30, 5) == 25
    assert clinical_cutoff(20, 10, 30, 5) == pytest.approx((10 * 30 + 5 * 20) / 15)


@pytest.mark.parametrize(
    ("intake", "last", "expected"),
    [
        (18, 12, Change.IMPROVED),  # 6 better: reliable, 12 still >= 10 (clinical)
        (14, 8, Change.RECOVERED),  # 6 better and crosses below 10
        (14, 9, Change.NO_CHANGE),  # 5 better: not reliable, although it crosses the cut-off
        (8, 2, Change.IMPROVED),  # started outside the clinical range: improved, not recovered
        (9, 15, Change.DETERIORATED),  # 6 worse
        (9, 14, Change.NO_CHANGE),
    ],
)
def test_classify_lower_is_better(intake: float, last: float, expected: Change) -> None:
    assert classify(intake, last, PHQ9_T) is expected


@pytest.mark.parametrize(
    ("intake", "last", "expected"),
    [
        (19, 25, Change.RECOVERED),  # +6, 19 < 25 clinical, 25 not clinical
        (19, 24.9, Change.IMPROVED),  # +5.9, still below the cut-off
        (20, 24.9, Change.NO_CHANGE),  # +4.9
        (30, 25, Change.DETERIORATED),  # -5 exactly: reliable
        (30, 25.1, Change.NO_CHANGE),
    ],
)
def test_classify_higher_is_better(intake: float, last: float, expected: Change) -> None:
    assert classify(intake, last, ORS_T) is expected


def kinds(found: list[Any]) -> set[AlertKind]:
    return {a.kind for a in found}


def test_deterioration_alert() -> None:
    found = alerts([(1, 20), (2, 14.5)], ORS_T)
    assert kinds(found) == {AlertKind.DETERIORATED}
    assert found[0].detail["change"] == -5.5


def test_no_change_after_n_sessions() -> None:
    rules = AlertRules(no_change_after=4)
    series: list[tuple[int, float]] = [(1, 20), (2, 21), (3, 22)]
    assert kinds(alerts(series, ORS_T, rules=rules)) == set()  # session 3: too early
    series.append((4, 23.9))  # +3.9 < 5 at the fourth session
    assert kinds(alerts(series, ORS_T, rules=rules)) == {AlertKind.NO_CHANGE}
    series[-1] = (4, 25)  # +5: reliable improvement, no alert
    assert kinds(alerts(series, ORS_T, rules=rules)) == set()


def test_not_on_track_against_the_lower_edge() -> None:
    edge = {2: -3.0, 3: 1.0, 4: 2.5}
    # Session 3: improvement 0.5 < 1.0 -> not on track
    found = alerts([(1, 20), (2, 20), (3, 20.5)], ORS_T, expected_worse_edge=edge)
    assert AlertKind.NOT_ON_TRACK in kinds(found)
    # Exactly on the edge is on track.
    assert AlertKind.NOT_ON_TRACK not in kinds(alerts([(1, 20), (3, 21)], ORS_T, expected_worse_edge=edge))
    # Session 2 is before not_on_track_from (3), whatever the edge says.
    assert AlertKind.NOT_ON_TRACK not in kinds(
        alerts([(1, 20), (2, 10.1)], ORS_T, expected_worse_edge={2: 9})
    )
    # Lower-is-better: PHQ-9 from 18 to 17 is an improvement of 1 < 2.5.
    found = alerts([(1, 18), (4, 17)], PHQ9_T, expected_worse_edge=edge)
    assert AlertKind.NOT_ON_TRACK in kinds(found)


def test_alliance_below_cutoff_and_drop() -> None:
    rules = AlertRules(alliance_cutoff=36, alliance_drop=3)
    assert kinds(alerts([(1, 20)], ORS_T, alliance=[(1, 38), (2, 37)], rules=rules)) == set()
    found = alerts([(1, 20)], ORS_T, alliance=[(1, 37), (2, 35)], rules=rules)
    assert found[0].kind is AlertKind.ALLIANCE_DROPPED
    assert found[0].detail["reason"] == "below_cutoff"
    found = alerts([(1, 20)], ORS_T, alliance=[(1, 39.5), (2, 36.5)], rules=rules)
    assert found[0].detail["reason"] == "fell"  # a fall of 3 while still >= 36
    found = alerts([(1, 20)], ORS_T, alliance=[(1, 39), (2, 35)], rules=rules)
    assert found[0].detail["reason"] == "below_cutoff+fell"


def test_critical_item_only_when_latest() -> None:
    found = alerts([(1, 12), (2, 11)], PHQ9_T, critical=[(2, "i9")])
    assert kinds(found) == {AlertKind.CRITICAL_ITEM}
    assert found[0].detail["items"] == "i9"
    # Answered at intake, not at the latest session: no alert now.
    assert kinds(alerts([(1, 12), (2, 11)], PHQ9_T, critical=[(1, "i9")])) == set()


def test_pre_post_by_hand() -> None:
    # ORS: pre 10, 20, 30 -> post 16, 24, 31: changes 6, 4, 1 (mean 11/3)
    pairs = [(10.0, 16.0), (20.0, 24.0), (30.0, 31.0)]
    result = pre_post(ChangeSums.of(pairs), Direction.HIGHER_BETTER)
    changes = np.array([6.0, 4.0, 1.0])
    assert result.mean_change == pytest.approx(11 / 3)
    half = 4.302652729911275 * changes.std(ddof=1) / math.sqrt(3)  # t(0.975, 2)
    assert result.change_interval == pytest.approx((11 / 3 - half, 11 / 3 + half))
    assert result.effect_size == pytest.approx((11 / 3) / 10.0)  # SD of 10, 20, 30 is 10


def test_pre_post_lower_is_better_and_sums_add_up() -> None:
    a = ChangeSums.of([(18.0, 12.0), (15.0, 9.0)])
    b = ChangeSums.of([(20.0, 19.0)])
    together = a + b
    assert together == ChangeSums.of([(18.0, 12.0), (15.0, 9.0), (20.0, 19.0)])
    result = pre_post(together, Direction.LOWER_BETTER)
    assert result.mean_change == pytest.approx((6 + 6 + 1) / 3)
    assert result.effect_size is not None and result.effect_size > 0


def test_pre_post_needs_two() -> None:
    assert pre_post(ChangeSums.of([(1.0, 2.0)]), Direction.HIGHER_BETTER).mean_change is None
