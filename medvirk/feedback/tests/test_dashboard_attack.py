"""Everything the outcome dashboard publishes, attacked with an LP (issue 16: every statistic).

``test_disclosure.py`` attacks the decision's counts. Here the attacker gets what the page and
the API actually publish — ``dashboard.make_board``, which both render — for random services
under units with random episodes (scores drawn, change categories from ``classify``), and turns
every figure into a linear fact about the groups' counts:

* closed episodes, assessable episodes, and each share's count and base (recovered, reliably
  improved = recovered + improved, deteriorated, dropout);
* the mean change: Σ change = mean × assessable, and its t interval, which gives the standard
  deviation and so Σ change²; each change category bounds its episodes' change (deteriorated
  ≤ −RCI, no reliable change within ±RCI, improved and recovered ≥ RCI, all within the scale),
  so these sums bound the categories' counts. New variables per group: Σ change and Σ change²,
  adding up over the tree and the background groups as the counts do;
* the effect size d = mean change / SD(intake): with the mean it gives the intake variance V, so
  Σ intake² = (n − 1)·V + (Σ intake)²/n. Categories bound intake scores too (recovered starts in
  the clinical range, improved ≥ RCI above the floor, deteriorated ≥ RCI below the top), so
  Σ intake and Σ intake² bound the counts like Σ change. The equation is not linear: the LP gets
  its convex hull (tangent cuts and the chord over 0 ≤ Σ intake ≤ top·n), a slightly weaker
  attacker than an exact one. Its interval is published nowhere (page and API show d only);
* the mean session feedback: Σ feedback = mean × the episodes with feedback, an unpublished
  count between k (it is shown only from k) and the assessable episodes; where the mean change
  is shown but the feedback is not, fewer than k had feedback. Each episode's feedback lies
  within the scale (0–40). No interval is published, so no Σ feedback².

Every withheld group of clients with 0 < n < k (all closed episodes of a group, or those with one
outcome or ending) must stay unprovable: lowest possible 0, highest ≥ k. The feedback and effect
size found nothing (also with 60 examples, and in 10 with feedback shown from one episode): feedback is
tied to no category, and its base is unknown, so a hidden pair can carry it either way; the
effect size is shown only where every category is, like the mean. Pure: no database. The
solving is shared with the survey results' attacker (``tests/lp_attack.py``).
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Mapping
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from medvirk.analysis.outcomes import Direction, Thresholds, classify
from medvirk.feedback import dashboard as board
from medvirk.feedback import disclosure as d
from tests.lp_attack import LpAttacker

# Pure (no database): once, in bin/test's SQLite pass.
pytestmark = pytest.mark.sqlite_only

K = 5
RCI, CUTOFF, TOP = 6.0, 10.0, 27  # a PHQ-9-like scale: 0–27, lower is better
THRESHOLDS = Thresholds(Direction.LOWER_BETTER, RCI, CUTOFF)
# Each change category's bounds on an episode's change (positive = better) and on its square.
CHANGE_BOUNDS = {
    "recovered": ((RCI, TOP), (RCI**2, TOP**2)),
    "improved": ((RCI, TOP), (RCI**2, TOP**2)),
    "no_change": ((-RCI, RCI), (0.0, RCI**2)),
    "deteriorated": ((-TOP, -RCI), (RCI**2, TOP**2)),
}
# Each change category's bounds on an episode's intake score (lower is better): recovered starts
# in the clinical range, improved at least RCI above the floor, deteriorated at least RCI below the top.
INTAKE_BOUNDS = {
    "recovered": (CUTOFF, TOP),
    "improved": (RCI, TOP),
    "no_change": (0.0, TOP),
    "deteriorated": (0.0, TOP - RCI),
}
ALLIANCE_LOW, ALLIANCE_TOP = 0.0, 40.0  # an SRS-like session-feedback scale
TANGENTS = 9  # tangent cuts of Σ intake² ≥ (n − 1)·variance + (Σ intake)²/n, per published effect size
DIMS: dict[str, tuple[str, ...]] = {dim.key: (*dim.keys(), d.NOT_STATED) for dim in board.DIMENSIONS}


@st.composite
def worlds(draw: st.DrawFn) -> tuple[d.Tree, list[dict[str, Any]]]:
    """Services under units and the GROUP BY rows of their closed episodes (with score sums)."""
    units = draw(st.integers(1, 3))
    children: dict[str, tuple[str, ...]] = {"u0": tuple(f"u{i}" for i in range(1, units + 1))}
    services: list[int] = []
    for i in range(1, units + 1):
        ids = [10 * i + j for j in range(draw(st.integers(1, 2)))]
        children[f"u{i}"] = tuple(f"s{s}" for s in ids)
        services += ids
    # Background in one or two dimensions (the others "not stated"), few categories each.
    used = draw(st.sampled_from([("gender",), ("gender", "immigrant_background"), ("age_band",)]))
    rng = random.Random(draw(st.integers(0, 2**32 - 1)))
    episodes: list[tuple[int, dict[str, str], str, float | None, float | None, float | None]] = []
    for service in services:
        for _ in range(draw(st.integers(0, 4))):
            categories = {dim: draw(st.sampled_from((*DIMS[dim][:2], d.NOT_STATED))) for dim in used}
            end = draw(st.sampled_from(d.END_OPTIONS))
            assessable = draw(st.booleans()) or end != "dropout"
            for _ in range(draw(st.integers(1, 6))):
                pre = float(rng.randint(5, TOP)) if assessable else None
                post = float(min(TOP, max(0, round(pre - rng.gauss(4, 7))))) if pre is not None else None
                # Session feedback (an episode's mean alliance score), missing for some episodes.
                alliance = rng.uniform(ALLIANCE_LOW, ALLIANCE_TOP) if rng.random() < 0.8 else None
                episodes.append((service, categories, end, pre, post, alliance))
    rows: dict[tuple[Any, ...], dict[str, Any]] = {}
    for service, categories, end, pre, post, alliance in episodes:
        change = classify(pre, post, THRESHOLDS).value if pre is not None and post is not None else ""
        background = {dim: categories.get(dim, "") for dim in DIMS}
        key = (service, *background.values(), end, change)
        row = rows.setdefault(
            key,
            {
                "service_id": service,
                **background,
                "end_reason": end,
                "change": change,
                "n": 0,
                **dict.fromkeys(("pre", "post", "pre2", "post2", "prepost", "alliance_sum"), None),
                "alliance_n": 0,
            },
        )
        row["n"] += 1
        if change and pre is not None and post is not None:
            for name, value in (
                ("pre", pre),
                ("post", post),
                ("pre2", pre * pre),
                ("post2", post * post),
                ("prepost", pre * post),
            ):
                row[name] = (row[name] or 0) + value
            if alliance is not None:
                row["alliance_sum"] = (row["alliance_sum"] or 0) + alliance
                row["alliance_n"] += 1
    return d.Tree(children, ("u0",)), list(rows.values())


def published_board(tree: d.Tree, rows: list[dict[str, Any]]) -> tuple[board.Data, board.Board]:
    names = {node: node for node in tree.nodes()}
    paths = {node: "/" for node in tree.nodes()}
    services = [node for node in tree.nodes() if node.startswith("s")]
    data = board.assemble(
        rows, tree, names, paths, dict.fromkeys(services, 1), {1: Direction.LOWER_BETTER}, ("attack",)
    )
    policy = board.policy_for(SimpleNamespace())
    decision = board.decision_for(data, policy)
    return data, board.make_board(data, decision, policy.threshold)


class Attacker(LpAttacker):
    """An LP over every group's counts per outcome and ending, Σ change, Σ change², Σ intake,
    Σ intake², Σ session feedback and the number of episodes with session feedback."""

    FAMILIES = (
        "episodes",
        *d.CHANGE_OPTIONS,
        *d.ENDINGS,
        *("sum", "square"),  # Σ change, Σ change²
        *("pre", "pre2"),  # Σ intake, Σ intake²
        *("alliance", "rated"),  # Σ session feedback, episodes with feedback
    )
    ASSESSED = ("recovered", "improved", "no_change", "deteriorated")

    def __init__(self, tree: d.Tree) -> None:
        nodes = tree.nodes()
        slots = d.Layout(DIMS).slots()
        self.index = {
            (family, node, slot): i
            for i, (family, node, slot) in enumerate(
                (f, n, s) for f in self.FAMILIES for n in nodes for s in slots
            )
        }
        super().__init__(np.array([-math.inf if f == "sum" else 0.0 for f, _n, _s in self.index]))
        for family in self.FAMILIES:
            for node in nodes:
                for dim, cats in DIMS.items():
                    self.row({(family, node, None): 1, **{(family, node, (dim, c)): -1 for c in cats}})
                kids = tree.children.get(node, ())
                for slot in slots if kids else ():
                    self.row({(family, node, slot): 1, **{(family, kid, slot): -1 for kid in kids}})
        for node in nodes:
            for slot in slots:
                for options in (d.CHANGE_OPTIONS, d.ENDINGS):
                    self.row({("episodes", node, slot): 1, **{(o, node, slot): -1 for o in options}})
                for which, moment in ((0, "sum"), (1, "square")):
                    # Σ low_c n_c ≤ moment ≤ Σ high_c n_c
                    low_terms = {(c, node, slot): b[which][0] for c, b in CHANGE_BOUNDS.items()}
                    high_terms = {(c, node, slot): b[which][1] for c, b in CHANGE_BOUNDS.items()}
                    moment_key = (moment, node, slot)
                    self.row({moment_key: 1, **{k: -v for k, v in low_terms.items()}}, 0, math.inf)
                    self.row({moment_key: 1, **{k: -v for k, v in high_terms.items()}}, -math.inf, 0)
                for which, moment in ((1, "pre"), (2, "pre2")):
                    # Σ intake (and Σ intake²) within the categories' intake bounds
                    low_terms = {(c, node, slot): b[0] ** which for c, b in INTAKE_BOUNDS.items()}
                    high_terms = {(c, node, slot): b[1] ** which for c, b in INTAKE_BOUNDS.items()}
                    moment_key = (moment, node, slot)
                    self.row({moment_key: 1, **{k: -v for k, v in low_terms.items()}}, 0, math.inf)
                    self.row({moment_key: 1, **{k: -v for k, v in high_terms.items()}}, -math.inf, 0)
                # Episodes with session feedback: among the assessable ones, each within the scale.
                rated = ("rated", node, slot)
                self.row({rated: 1, **{(c, node, slot): -1 for c in self.ASSESSED}}, -math.inf, 0)
                self.row({("alliance", node, slot): 1, rated: -ALLIANCE_LOW}, 0, math.inf)
                self.row({("alliance", node, slot): 1, rated: -ALLIANCE_TOP}, -math.inf, 0)

    def row(self, terms: Mapping[tuple[Any, ...], float], low: float = 0.0, high: float = 0.0) -> None:
        self.add({self.index[k]: v for k, v in terms.items()}, low, high)

    def exact(self, terms: Mapping[tuple[Any, ...], float], value: float, slack: float = 0.0) -> None:
        if len(terms) == 1 and next(iter(terms.values())) == 1:  # a published count: fix its column
            self.bound([self.index[next(iter(terms))]], value - slack, value + slack)
            if value == 0 and next(iter(terms))[0] == "episodes":  # an empty group: all of it empty
                _family, node, slot = next(iter(terms))
                self.bound([self.index[f, node, slot] for f in self.FAMILIES], 0.0, 0.0)
            return
        self.row(terms, value - slack, value + slack)

    def publish(self, node: str, slot: d.Slot, f: board.Figures) -> None:
        """Turn one published row of figures into facts."""
        if f.episodes is None:
            return
        self.exact({("episodes", node, slot): 1}, f.episodes)
        if f.assessable is not None:
            self.exact({("not_assessable", node, slot): 1}, f.episodes - f.assessable)
        for share, options in (
            (f.recovered, ("recovered",)),
            (f.improved, ("recovered", "improved")),
            (f.deteriorated, ("deteriorated",)),
        ):
            if share is not None:
                assert share.n == f.assessable
                self.exact({(o, node, slot): 1 for o in options}, share.count)
        if f.dropout is not None:
            assert f.dropout.n == f.episodes
            self.exact({("dropout", node, slot): 1}, f.dropout.count)
        prepost = f.prepost
        if prepost is not None and prepost.mean_change is not None and f.assessable:
            n = f.assessable
            mean = prepost.mean_change
            self.exact({("sum", node, slot): 1}, mean * n, 1e-7 * max(1.0, abs(mean * n)))
            if prepost.change_interval is not None and n > 1:
                half = (prepost.change_interval[1] - prepost.change_interval[0]) / 2
                t = float(stats.t.ppf(0.975, n - 1))
                square = (n - 1) * (half / t) ** 2 * n + n * mean**2
                self.exact({("square", node, slot): 1}, square, 1e-6 * max(1.0, square))
            self.effect_size(node, slot, n, mean, prepost.effect_size)
        if f.alliance is not None:
            # Σ feedback = mean × episodes with feedback, shown only where those are ≥ k.
            rated = ("rated", node, slot)
            self.row({("alliance", node, slot): 1, rated: -f.alliance}, -1e-7, 1e-7)
            self.row({rated: 1}, K, math.inf)
        elif prepost is not None:  # the rest of the rule held, so fewer than k had feedback
            self.row({("rated", node, slot): 1}, -math.inf, K - 1)

    def effect_size(self, node: str, slot: d.Slot, n: int, mean: float, effect: float | None) -> None:
        """d = mean change / SD(intake): with the mean, the variance V of the intake scores.

        Σ intake² = (n − 1)·V + (Σ intake)²/n is not linear; the LP gets its convex hull over
        0 ≤ Σ intake ≤ TOP·n (tangent cuts below, the chord above), so this attacker is a little
        weaker than an exact one. ``d`` is None where the intake scores did not vary (V = 0).
        """
        if effect is not None and abs(effect) < 1e-9:  # no change: d says nothing of the SD
            return
        variance = 0.0 if effect is None else (mean / effect) ** 2
        base = (n - 1) * variance
        slack = 1e-6 * max(1.0, base)
        pre, pre2 = ("pre", node, slot), ("pre2", node, slot)
        for s0 in np.linspace(0.0, TOP * n, TANGENTS):
            self.row({pre2: 1, pre: -2 * s0 / n}, base - s0 * s0 / n - slack, math.inf)
        self.row({pre2: 1, pre: -TOP}, -math.inf, base + slack)


def truth(tree: d.Tree, data: board.Data) -> dict[tuple[Any, ...], int]:
    """The true count of every group, outcome and ending."""
    counts = d.count(tree, d.Layout(DIMS), data.leaves)
    out: dict[tuple[Any, ...], int] = defaultdict(int)
    for (node, slot), n in counts.episodes.items():
        out["episodes", node, slot] = n
    for family in counts.options.values():
        for (option, node, slot), n in family.items():
            out[option, node, slot] = n
    return out


def attack(tree: d.Tree, rows: list[dict[str, Any]]) -> list[tuple[tuple[Any, ...], int, float, float]]:
    """Return every small group the attacker narrows (key, true count, low, high)."""
    data, published = published_board(tree, rows)
    attacker = Attacker(tree)
    for node, total in published.nodes.items():
        attacker.publish(node, None, total)
        for dim, groups in published.breakdowns[node]:
            for category, f in zip(DIMS[dim], groups, strict=True):
                attacker.publish(node, (dim, category), f)
    found = []
    for key, n in truth(tree, data).items():
        if 0 < n < K and (narrowed := attacker.pins({attacker.index[key]: 1.0}, K)) is not None:
            found.append((key, n, *narrowed))
    return found


@settings(max_examples=10)
@given(worlds())
def test_no_small_group_can_be_derived_from_everything_the_dashboard_publishes(
    world: tuple[d.Tree, list[dict[str, Any]]],
) -> None:
    tree, rows = world
    assert attack(tree, rows) == []
