"""Ranking questions' first places in the round's option decision, against the LP attacker.

Results show, per unit whose count of respondents who ranked is shown, the share who put each
option first where the round's option decision shows that count, "other options together"
where it allows their total, and the mean places only where the group shows every first-place
count and every shown unit of the round has first-place counts of 0 or at least the option
minimum (``rankings.py``). The attacker (``attacker.py``) counts respondents by the order they
gave (one family per order of the three options, so a first-place count and a sum of places are
both linear) and knows every respondent count results show and the answer count of every shown
group, background groups included. No withheld first-place count (shown or hidden group) from 1
to m − 1 and no hidden count from 1 to k − 1 may be pinned.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medvirk.analysis.suppression import SuppressionPolicy, suppress
from medvirk.insights.disclosure import (
    Layout,
    Marginals,
    _shape,
    answer_table,
    cell_key,
    decide_answers,
    marginals,
    respondent_table,
)
from medvirk.insights.disclosure_options import (
    decide_options,
    first_place_layout,
    option_table,
    option_view,
)

from ..questions import OptionInfo, QuestionInfo
from .attacker import Attacker, Figures
from .test_disclosure import LAYOUT, _tree
from .test_number_attack import answered_rounds, answers_by_group

pytestmark = pytest.mark.sqlite_only  # no database: once is enough

POLICY = SuppressionPolicy()
K, M = POLICY.threshold, POLICY.option_min_answers
OPTIONS = (21, 22, 23)
ORDERS = list(itertools.permutations(OPTIONS))  # family i: respondents who gave ORDERS[i]
RANKING = QuestionInfo(
    7,
    "q_rank",
    "ranking",
    "What matters most?",
    None,
    None,
    tuple(OptionInfo(o, f"o{o}", f"o{o}") for o in OPTIONS),
)
Data = dict[tuple[int, tuple[str, ...]], list[int | None]]  # (unit, categories) → order index (None: skipped)


def attack_rankings(tree: Any, layout: Layout, data: Data) -> list[tuple[Any, ...]]:
    """Decide a round as the results do, publish every ranking figure and count, attack; return leaks."""
    resp = {k: len(v) for k, v in data.items() if v}
    ranked = {k: sum(x is not None for x in v) for k, v in data.items()}
    respondents = suppress(respondent_table(tree, layout, resp), POLICY)
    answers = decide_answers(answer_table(tree, layout, resp, ranked), respondents, POLICY)
    first_of = {o: [i for i, order in enumerate(ORDERS) if order[0] == o] for o in OPTIONS}
    per: dict[int | None, Marginals] = {}
    for o in OPTIONS:
        leaf = {k: sum(x in first_of[o] for x in v) for k, v in data.items()}
        per[o] = marginals(layout, {k: n for k, n in leaf.items() if n})
    fp_layout = first_place_layout(RANKING, without_first=False)  # everyone who ranked put one first
    table = option_table(
        _shape(tree, layout), fp_layout, marginals(layout, resp), marginals(layout, ranked), per, None, POLICY
    )
    decision = decide_options(table, respondents, answers, POLICY)

    slots = [None, *layout.slots()]
    truth = answers_by_group(tree, layout, data)

    def firsts(group: Any) -> dict[int | None, int]:
        orders = [x for x in truth[group] if x is not None]
        out: dict[int | None, int] = {o: sum(x in first_of[o] for x in orders) for o in OPTIONS}
        out[None] = 0
        return out

    # first_places_safe: every shown unit's first-place counts are 0 or at least m.
    safe = all(
        all(c == 0 or c >= M for c in firsts((node, None)).values())
        for node in tree.nodes
        if answers[cell_key(node)].shown
    )
    attacker = Attacker(
        {n.id: n.parent_id for n in tree.nodes.values()},
        {d: list(layout.cats[d]) for d in layout.dims},
        dict.fromkeys(range(len(ORDERS))),
    )

    def first_terms(group: Any, option: int) -> dict[int, float]:
        return {attacker.index[group, i]: 1.0 for i in first_of[option]}

    for node in tree.nodes:
        for slot in slots:
            group, key = (node, slot), cell_key(node, *(slot or ()))
            a = answers[key]
            attacker.publish(group, Figures(respondents=respondents[key].count))
            if not (a.shown and a.count is not None):
                continue
            attacker.publish(group, Figures(n=a.count))
            if slot is not None:
                continue  # rankings are shown per unit only
            counts = firsts(group)
            view = option_view(decision, fp_layout, key, counts, POLICY)
            for o in OPTIONS:
                if o in view.shown:
                    attacker.exact(first_terms(group, o), counts[o])
            if view.merged_total:
                hidden = [o for o in OPTIONS if o not in view.shown]
                merged = {i: 1.0 for o in hidden for i in first_terms(group, o)}
                if merged:
                    attacker.exact(merged, sum(counts[o] for o in hidden))
            if view.mean and safe:
                orders = [x for x in truth[group] if x is not None]
                for o in OPTIONS:
                    places = {
                        attacker.index[group, i]: float(order.index(o) + 1) for i, order in enumerate(ORDERS)
                    }
                    attacker.exact(places, sum(ORDERS[x].index(o) + 1 for x in orders))
    leaks = []
    for node in tree.nodes:
        for slot in slots:
            group, key = (node, slot), cell_key(node, *(slot or ()))
            true_r = len(truth[group])
            if not respondents[key].shown and 0 < true_r < K:
                pinned = attacker.pins(attacker.respondents(group), K)
                if pinned is not None:
                    leaks.append((node, slot, "respondents", true_r, *pinned))
            counts = firsts(group)
            shown: frozenset[Any] = frozenset()
            if answers[key].shown and slot is None:
                shown = option_view(decision, fp_layout, key, counts, POLICY).shown
            for o in OPTIONS:
                if o not in shown and 0 < counts[o] < M:
                    pinned = attacker.pins(first_terms(group, o), M)
                    if pinned is not None:
                        leaks.append((node, slot, f"first {o}", counts[o], *pinned))
    return leaks


@st.composite
def ranking_rounds(draw: st.DrawFn) -> tuple[Any, Layout, Data]:
    # Skewed towards a few popular orders, so that some first places are small and some large.
    return answered_rounds(draw, st.sampled_from([0, 0, 0, 1, 2, 3, 4, 5]))


@settings(max_examples=20, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ranking_rounds())
def test_no_withheld_first_place_count_follows_from_the_ranking_figures(case: Any) -> None:
    tree, layout, data = case
    assert attack_rankings(tree, layout, data) == []


def test_mean_places_would_give_a_merged_first_place_away() -> None:
    """Why mean places need every first-place count shown: with the mean places of a unit whose
    small count is merged, the attacker pins it (the same unit, published with them, leaks)."""
    tree = _tree([1])
    (unit,) = (n.id for n in tree.nodes.values() if n.is_survey_unit)
    # 5 put 21 first (order 0), 1 put 23 first (order 4: 23, 21, 22): 23's count 1 is merged.
    orders: list[int | None] = [0, 0, 0, 0, 0, 4]
    data: Data = {(unit, ("female",)): orders}
    assert attack_rankings(tree, LAYOUT, data) == []
    attacker = Attacker(
        {n.id: n.parent_id for n in tree.nodes.values()}, {}, dict.fromkeys(range(len(ORDERS)))
    )
    group = (unit, None)
    attacker.publish(group, Figures(n=6))
    attacker.exact({attacker.index[group, i]: 1.0 for i, o in enumerate(ORDERS) if o[0] == 22}, 0)
    attacker.exact({attacker.index[group, i]: 1.0 for i, o in enumerate(ORDERS) if o[0] != 22}, 6)
    places = {attacker.index[group, i]: float(o.index(23) + 1) for i, o in enumerate(ORDERS)}
    attacker.exact(places, 5 * 3 + 1)  # 23's mean place 16 / 6
    first_23 = {attacker.index[group, i]: 1.0 for i, o in enumerate(ORDERS) if o[0] == 23}
    assert attacker.pins(first_23, M) is not None  # at most (3·6 − 16) / 2 = 1
