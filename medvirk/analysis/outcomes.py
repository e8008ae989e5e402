# SPDX-License-Identifier: AGPL-3.0-or-later
"""Outcome measurement for client feedback (KOR/FIT): scores, reliable change, alerts, effect sizes.

Pure (no Django). The instrument definitions of ``medvirk.feedback`` are turned into the plain
values here (:class:`ScoreRule`, :class:`Thresholds`), so every number a practitioner or a unit
leader sees is computed in one place and tested against hand-computed cases
(``analysis/tests/test_outcomes.py``).

Conventions
-----------
* **Improvement** is a change expressed so that a positive number is always better:
  ``score - intake`` for instruments where higher is better (ORS), ``intake - score`` where
  lower is better (PHQ-9). Alerts, trajectories and classifications work in improvement.
* **Reliable change** (Jacobson & Truax 1991): an improvement of at least the instrument's
  reliable-change value (RCI, in score points) is reliable; ``rci_from_reliability`` computes it
  as ``1.96 · SD · sqrt(2 · (1 − r))`` when the manual gives SD and reliability instead.
* **Clinical range**: for lower-is-better instruments a score at or above the cut-off (PHQ-9
  ≥ 10); for higher-is-better ones a score below it (ORS < 25). *Recovered* means reliably
  improved, starting in and ending outside the clinical range.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from scipy import stats

__all__ = [
    "AlertKind",
    "AlertRules",
    "Change",
    "ChangeSums",
    "Direction",
    "OutcomeAlert",
    "PrePost",
    "ScoreMethod",
    "ScoreRule",
    "Thresholds",
    "alerts",
    "classify",
    "clinical_cutoff",
    "improvement",
    "pre_post",
    "rci_from_reliability",
    "score",
]


class Direction(StrEnum):
    """Which way an instrument's total score is better."""

    HIGHER_BETTER = "higher_better"
    LOWER_BETTER = "lower_better"


class ScoreMethod(StrEnum):
    SUM = "sum"
    MEAN = "mean"


@dataclass(frozen=True, slots=True)
class ScoreRule:
    """How the items' answers make one total score.

    ``max_missing``: how many items may be unanswered; the total is then prorated (a sum is
    scaled by items / answered items, the published rule for PHQ-9 and CORE-10). ``reverse``
    items are scored ``item_min + item_max - value``.
    """

    items: tuple[str, ...]
    item_min: float
    item_max: float
    method: ScoreMethod = ScoreMethod.SUM
    reverse: frozenset[str] = frozenset()
    max_missing: int = 0

    @property
    def total_min(self) -> float:
        return self.item_min * (len(self.items) if self.method is ScoreMethod.SUM else 1)

    @property
    def total_max(self) -> float:
        return self.item_max * (len(self.items) if self.method is ScoreMethod.SUM else 1)


def score(rule: ScoreRule, answers: Mapping[str, float | None]) -> float | None:
    """Return the total score of one completed instrument, or None when too many items are missing.

    Values outside the item range are refused (``ValueError``): they are a programming error,
    since answers are parsed against the same range before they get here.
    """
    values: list[float] = []
    for key in rule.items:
        value = answers.get(key)
        if value is None:
            continue
        value = float(value)
        if not rule.item_min <= value <= rule.item_max or math.isnan(value):
            raise ValueError(f"{key}: {value} is outside {rule.item_min}–{rule.item_max}")
        values.append(rule.item_min + rule.item_max - value if key in rule.reverse else value)
    missing = len(rule.items) - len(values)
    if not values or missing > rule.max_missing:
        return None
    if rule.method is ScoreMethod.MEAN:
        return sum(values) / len(values)
    return sum(values) * len(rule.items) / len(values)


def rci_from_reliability(sd: float, reliability: float, *, z: float = 1.96) -> float:
    """Return the reliable-change value in score points (Jacobson & Truax 1991).

    ``sd``: standard deviation of the clinical (or normative) sample; ``reliability``: test-retest
    or internal consistency. The standard error of a difference is ``SD · sqrt(2(1 − r))``.
    """
    if sd <= 0 or not 0 <= reliability < 1:
        raise ValueError("sd must be positive and reliability in [0, 1)")
    return z * sd * math.sqrt(2 * (1 - reliability))


def clinical_cutoff(clinical_mean: float, clinical_sd: float, normal_mean: float, normal_sd: float) -> float:
    """Return Jacobson & Truax's criterion *c*: the point between the two populations' means,
    weighted by their spreads, where a score is as likely to belong to either."""
    return (clinical_sd * normal_mean + normal_sd * clinical_mean) / (clinical_sd + normal_sd)


@dataclass(frozen=True, slots=True)
class Thresholds:
    """An instrument's (or age version's) clinical cut-off, reliable-change value and direction."""

    direction: Direction
    rci: float
    cutoff: float | None = None

    def improvement(self, intake: float, later: float) -> float:
        """Return the change from ``intake`` to ``later``, positive when better."""
        return improvement(intake, later, self.direction)

    def clinical(self, value: float) -> bool | None:
        """Return whether a score lies in the clinical range (None without a cut-off)."""
        if self.cutoff is None:
            return None
        if self.direction is Direction.LOWER_BETTER:
            return value >= self.cutoff
        return value < self.cutoff


def improvement(intake: float, later: float, direction: Direction) -> float:
    """Return ``later - intake`` signed so that positive is better."""
    return later - intake if direction is Direction.HIGHER_BETTER else intake - later


class Change(StrEnum):
    """Where an episode ended relative to its start (Jacobson & Truax)."""

    RECOVERED = "recovered"  # reliably improved, from the clinical into the non-clinical range
    IMPROVED = "improved"  # reliably improved, without crossing the cut-off that way
    NO_CHANGE = "no_change"  # no reliable change either way
    DETERIORATED = "deteriorated"  # reliably worse


def classify(intake: float, last: float, thresholds: Thresholds) -> Change:
    """Return the change category of an episode from its first and last score."""
    gain = thresholds.improvement(intake, last)
    if gain <= -thresholds.rci:
        return Change.DETERIORATED
    if gain < thresholds.rci:
        return Change.NO_CHANGE
    if thresholds.clinical(intake) and thresholds.clinical(last) is False:
        return Change.RECOVERED
    return Change.IMPROVED


# --- alerts ------------------------------------------------------------------------------------


class AlertKind(StrEnum):
    """Signals a practitioner sees on a client's graph and in the caseload."""

    NOT_ON_TRACK = "not_on_track"  # reliably below the expected trajectory
    NO_CHANGE = "no_change"  # no reliable change after N sessions
    DETERIORATED = "deteriorated"  # reliably worse than at intake
    ALLIANCE_DROPPED = "alliance_dropped"  # session rating below its cut-off, or fallen since last time
    CRITICAL_ITEM = "critical_item"  # an item the instrument flags (PHQ-9 item 9) was answered above 0


@dataclass(frozen=True, slots=True)
class AlertRules:
    """When alerts fire. Defaults are documented in docs/methods.md ("Client feedback")."""

    no_change_after: int = 4  # sessions (intake = session 1)
    not_on_track_from: int = 3  # the first session at which "not on track" can fire
    alliance_cutoff: float | None = None  # alliance total below this is a signal (SRS: 36)
    alliance_drop: float | None = None  # a fall of at least this since the previous session


@dataclass(frozen=True, slots=True)
class OutcomeAlert:
    kind: AlertKind
    session: int  # the session number the alert is about
    detail: Mapping[str, float | int | str] = field(default_factory=dict)


def alerts(
    outcome: Sequence[tuple[int, float]],
    thresholds: Thresholds,
    *,
    expected_worse_edge: Mapping[int, float] | None = None,
    alliance: Sequence[tuple[int, float]] = (),
    critical: Sequence[tuple[int, str]] = (),
    rules: AlertRules | None = None,
) -> list[OutcomeAlert]:
    """Return the alerts about the latest session of an episode.

    ``outcome``: (session number, total score) in session order, the first being intake.
    ``expected_worse_edge``: per session number, the improvement below which a client is
    "not on track" (the lower edge of the expected band, from :mod:`trajectories`).
    ``alliance``: (session number, alliance total) in order. ``critical``: (session number, item
    key) of flagged items answered above zero. Only the latest session's state raises an alert:
    the practitioner acts on where the client is now.
    """
    rules = rules or AlertRules()
    found: list[OutcomeAlert] = []
    if len(outcome) >= 2:
        (_first, intake), (session, latest) = outcome[0], outcome[-1]
        gain = thresholds.improvement(intake, latest)
        if gain <= -thresholds.rci:
            found.append(OutcomeAlert(AlertKind.DETERIORATED, session, {"change": round(gain, 1)}))
        elif session >= rules.no_change_after and abs(gain) < thresholds.rci:
            found.append(OutcomeAlert(AlertKind.NO_CHANGE, session, {"sessions": session}))
        edge = (expected_worse_edge or {}).get(session)
        if session >= rules.not_on_track_from and edge is not None and gain < edge:
            found.append(
                OutcomeAlert(
                    AlertKind.NOT_ON_TRACK, session, {"change": round(gain, 1), "expected": round(edge, 1)}
                )
            )
    if alliance:
        session, latest_alliance = alliance[-1]
        reasons = []
        if rules.alliance_cutoff is not None and latest_alliance < rules.alliance_cutoff:
            reasons.append("below_cutoff")
        if rules.alliance_drop is not None and len(alliance) >= 2:
            fall = alliance[-2][1] - latest_alliance
            if fall >= rules.alliance_drop:
                reasons.append("fell")
        if reasons:
            found.append(
                OutcomeAlert(
                    AlertKind.ALLIANCE_DROPPED,
                    session,
                    {"score": round(latest_alliance, 1), "reason": "+".join(reasons)},
                )
            )
    if critical:
        last_session = max(s for s, _ in critical)
        latest_outcome_session = outcome[-1][0] if outcome else last_session
        if last_session >= latest_outcome_session:
            items = sorted({item for s, item in critical if s == last_session})
            found.append(OutcomeAlert(AlertKind.CRITICAL_ITEM, last_session, {"items": ",".join(items)}))
    return found


# --- pre-post summaries (additive, so units and groups can be added up) -----------------------


@dataclass(frozen=True, slots=True)
class ChangeSums:
    """Sums over episodes from which mean change and the pre-post effect size follow.

    All fields add up over disjoint groups of episodes (a district = its units), so figures of a
    group are computed from sums that obey the same relations the anonymity decision protects.
    """

    n: int = 0
    pre: float = 0.0
    post: float = 0.0
    pre2: float = 0.0
    post2: float = 0.0
    prepost: float = 0.0

    @classmethod
    def of(cls, pairs: Sequence[tuple[float, float]]) -> ChangeSums:
        """Return the sums of (pre, post) improvement-oriented pairs."""
        return cls(
            len(pairs),
            sum(p for p, _ in pairs),
            sum(q for _, q in pairs),
            sum(p * p for p, _ in pairs),
            sum(q * q for _, q in pairs),
            sum(p * q for p, q in pairs),
        )

    def __add__(self, other: ChangeSums) -> ChangeSums:
        return ChangeSums(
            self.n + other.n,
            self.pre + other.pre,
            self.post + other.post,
            self.pre2 + other.pre2,
            self.post2 + other.post2,
            self.prepost + other.prepost,
        )


@dataclass(frozen=True, slots=True)
class PrePost:
    """Mean change (positive = better) with its t interval, and the pre-post effect size with its
    approximate interval; ``None`` where too few episodes or no spread make them undefined."""

    n: int
    mean_change: float | None
    change_interval: tuple[float, float] | None
    effect_size: float | None
    effect_interval: tuple[float, float] | None


def pre_post(sums: ChangeSums, direction: Direction, *, level: float = 0.95) -> PrePost:
    """Return mean change and the standardised mean change ``d = mean change / SD(pre)``.

    *d* is Becker's (1988) pre-post effect size, standardised by the intake SD so it does not
    depend on how consistent change was; its interval uses Becker's large-sample variance
    ``2(1 − r)/n + d²/(2n)`` with *r* the pre-post correlation. Scores are oriented so that a
    positive change is an improvement.
    """
    n = sums.n
    if n < 2:
        return PrePost(n, None, None, None, None)
    sign = 1.0 if direction is Direction.HIGHER_BETTER else -1.0
    mean_pre, mean_post = sums.pre / n, sums.post / n
    var_pre = (sums.pre2 - n * mean_pre**2) / (n - 1)
    var_post = (sums.post2 - n * mean_post**2) / (n - 1)
    cov = (sums.prepost - n * mean_pre * mean_post) / (n - 1)
    mean_change = sign * (mean_post - mean_pre)
    var_change = max(var_pre + var_post - 2 * cov, 0.0)
    t = float(stats.t.ppf(0.5 + level / 2, n - 1))
    half = t * math.sqrt(var_change / n)
    change_interval = (mean_change - half, mean_change + half)
    if var_pre <= 1e-12:
        return PrePost(n, mean_change, change_interval, None, None)
    sd_pre = math.sqrt(var_pre)
    d = mean_change / sd_pre
    r = cov / math.sqrt(var_pre * var_post) if var_post > 1e-12 else 0.0
    r = max(-1.0, min(1.0, r))
    z = float(stats.norm.ppf(0.5 + level / 2))
    se = math.sqrt(2 * (1 - r) / n + d * d / (2 * n))
    return PrePost(n, mean_change, change_interval, d, (d - z * se, d + z * se))
