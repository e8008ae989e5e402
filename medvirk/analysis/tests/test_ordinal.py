# SPDX-License-Identifier: AGPL-3.0-or-later
"""Tests for medvirk.analysis.ordinal against R's MASS::polr (fixtures/reference.R)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest

from medvirk.analysis.ordinal import adjusted_group_effect

FIXTURES = Path(__file__).parent / "fixtures"
REF = json.loads((FIXTURES / "reference_expected.json").read_text())["polr"]


def _load() -> dict[str, list[str]]:
    with (FIXTURES / "ordinal_data.csv").open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    return {k: [r[k] for r in rows] for k in rows[0]}


DATA = _load()


def test_group_effect_matches_r_polr() -> None:
    # R: polr(factor(answer) ~ group + age + gender + district, method = "logistic"), with
    # the most frequent level as reference (the reference category does not change beta)
    # and reltol = 1e-14 so R stops at the optimum rather than near it.
    res = adjusted_group_effect(
        np.array(DATA["answer"], dtype=int),
        np.array(DATA["group"], dtype=int) == 1,
        {"age_band": DATA["age"], "gender": DATA["gender"], "district": DATA["district"]},
    )
    assert res.fitted and res.reason is None
    # Both fits converge to the same MLE within optimiser tolerance (~1e-8 observed).
    assert res.estimate == pytest.approx(REF["beta"], abs=1e-6)
    assert res.interval == pytest.approx((REF["low"], REF["high"]), abs=1e-6)
    assert res.p_value == pytest.approx(REF["p_value"], rel=1e-5)
    assert res.odds_ratio == pytest.approx(np.exp(REF["beta"]), rel=1e-6)


def _synthetic(n: int = 200, seed: int = 4) -> tuple[np.ndarray, np.ndarray, dict]:
    rng = np.random.default_rng(seed)
    g = rng.random(n) < 0.4
    gender = rng.choice(["female", "male"], n)
    district = rng.choice(["999901", "999902"], n)
    y = np.digitize(0.5 * g + rng.logistic(size=n), [-1.0, 0.0, 1.0, 2.0]) + 1
    return y, g, {"gender": list(gender), "district": list(district)}


def test_too_few_rows_is_graceful() -> None:
    y, g, c = _synthetic(n=20)
    res = adjusted_group_effect(y, g, c)
    assert not res.fitted and res.reason is not None and "too few rows" in res.reason
    assert np.isnan(res.estimate)


def test_separation_is_graceful() -> None:
    y, g, c = _synthetic()
    y = np.where(g, 5, np.minimum(y, 4))
    res = adjusted_group_effect(y, g, c)
    assert not res.fitted and res.reason is not None and "separation" in res.reason


def test_group_determined_by_controls_is_graceful() -> None:
    y, _, c = _synthetic()
    g = np.array(c["district"]) == "999901"
    res = adjusted_group_effect(y, g, c)
    assert not res.fitted and res.reason is not None and "singular" in res.reason


def test_redundant_control_is_dropped_not_fatal() -> None:
    y, g, c = _synthetic()
    c = {**c, "copy_of_gender": list(c["gender"])}
    res = adjusted_group_effect(y, g, c)
    assert res.fitted
    assert res.dropped_controls == ("copy_of_gender=male",) or len(res.dropped_controls) == 1


def test_missing_controls_drop_rows() -> None:
    y, g, c = _synthetic()
    gender: list[str | None] = list(c["gender"])
    gender[0] = None
    res = adjusted_group_effect(y, g, {**c, "gender": gender})
    assert res.n == len(y) - 1
