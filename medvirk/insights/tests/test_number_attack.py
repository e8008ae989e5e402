"""Number questions and the line from 0 to 10 against the LP attacker of issue 16.

Results publish, for every unit whose answer count the round's decision shows, the number of
answers, the mean with its t interval, the median and the quartiles (``numbers.py``: pages, the
CSV/XLSX summary, the PDF and the API). The attacker (``attacker.py``) reads the answers as a
question whose options are the values given (one family per distinct value, so it can use
everything: the mean is ``Σ value · count``, the interval gives ``Σ value² · count``, and each
quartile *q* at position *h* = (n − 1) p + 1 (R type 7) says at least ⌊h⌋ answers are ≤ *q* and
at most ⌈h⌉ − 1 are below it). It also knows every respondent count results show. No hidden
group's count (respondents or answers, 0 < n < k) may be pinned.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medvirk.analysis.suppression import SuppressionPolicy, suppress
from medvirk.insights.disclosure import Layout, answer_table, cell_key, decide_answers, respondent_table

from ..numbers import summarise
from ..questions import QuestionInfo
from .attacker import Attacker, Figures
from .test_disclosure import LAYOUT, LAYOUT2, _tree
from .test_disclosure_options import _combos

pytestmark = pytest.mark.sqlite_only  # no database: once is enough

POLICY = SuppressionPolicy()
K = POLICY.threshold
NUMBER = QuestionInfo(1, "q_visits", "number", "How many visits?", None, None)
Data = dict[tuple[int, tuple[str, ...]], list[float | None]]  # (unit, categories) → answers (None: skipped)


def quartile_facts(
    attacker: Attacker, group: Any, values: dict[int, float], n: int, q: float, p: float
) -> None:
    """Add what a published quantile ``q`` (R type 7) says about the value families' counts."""
    h = (n - 1) * p + 1
    at_most = {attacker.index[group, o]: 1.0 for o, v in values.items() if v <= q + 1e-9}
    below = {attacker.index[group, o]: 1.0 for o, v in values.items() if v < q - 1e-9}
    if at_most:
        attacker.add(at_most, math.floor(h) - 1e-6, math.inf)
    if below:
        attacker.add(below, -math.inf, math.ceil(h) - 1 + 1e-6)


T = TypeVar("T")


def answers_by_group(
    tree: Any, layout: Layout, data: Mapping[tuple[int, tuple[str, ...]], list[T]]
) -> dict[tuple[int, Any], list[T]]:
    """Return every group's answers (unit or district × everyone or a background slot)."""
    slots = [None, *layout.slots()]
    truth: dict[tuple[int, Any], list[T]] = defaultdict(list)
    for (unit, cats), answered in data.items():
        node: int | None = unit
        while node is not None:
            for slot in slots:
                if slot is None or cats[layout.dims.index(slot[0])] == slot[1]:
                    truth[node, slot] += answered
            parent = tree.nodes[node].parent_id
            node = parent if parent in tree.nodes else None
    return truth


def attack_numbers(tree: Any, layout: Layout, data: Data) -> tuple[list[tuple[Any, ...]], Attacker]:
    """Decide a round as the results do, publish every number figure and count, attack.

    Returns the pinned cells and the attacker (with every fact it was given)."""
    resp = {k: len(v) for k, v in data.items() if v}
    ans = {k: sum(x is not None for x in v) for k, v in data.items()}
    respondents = suppress(respondent_table(tree, layout, resp), POLICY)
    answers = decide_answers(answer_table(tree, layout, resp, ans), respondents, POLICY)
    distinct = sorted({x for v in data.values() for x in v if x is not None})
    values = {100 + i: x for i, x in enumerate(distinct)}
    slots = [None, *layout.slots()]
    truth = answers_by_group(tree, layout, data)

    attacker = Attacker(
        {n.id: n.parent_id for n in tree.nodes.values()},
        {d: list(layout.cats[d]) for d in layout.dims},
        values,
    )
    answers_attacker = Attacker(
        {n.id: n.parent_id for n in tree.nodes.values()},
        {d: list(layout.cats[d]) for d in layout.dims},
        values,
    )
    for node in tree.nodes:
        for slot in slots:
            group = (node, slot)
            key = cell_key(node, *(slot or ()))
            r, a = respondents[key], answers[key]
            given_: list[float] = [x for x in truth[group] if x is not None]
            attacker.publish(group, Figures(respondents=r.count))
            # Answer counts are published only per unit; the attacker is given every slot's too.
            if not (a.shown and a.count is not None):
                continue
            f = summarise(NUMBER, given_) if slot is None else None
            mean = (f.mean.estimate, *f.mean.interval) if f is not None and f.mean is not None else None
            for who in (attacker, answers_attacker):
                who.publish(group, Figures(n=a.count, mean=mean))
                if f is not None and f.n:
                    assert f.q1 is not None and f.median is not None and f.q3 is not None
                    for q, p in ((f.q1, 0.25), (f.median, 0.5), (f.q3, 0.75)):
                        quartile_facts(who, group, values, f.n, q, p)
    leaks = []
    for node in tree.nodes:
        for slot in slots:
            group, key = (node, slot), cell_key(node, *(slot or ()))
            true_r = len(truth[group])
            true_a = sum(x is not None for x in truth[group])
            if not respondents[key].shown and 0 < true_r < K:
                pinned = attacker.pins(attacker.respondents(group), K)
                if pinned is not None:
                    leaks.append((node, slot, "respondents", true_r, *pinned))
            if not answers[key].shown and 0 < true_a < K:
                pinned = answers_attacker.pins(answers_attacker.answers(group), K)
                if pinned is not None:
                    leaks.append((node, slot, "answers", true_a, *pinned))
    return leaks, attacker


# Values as the two question kinds give them: whole numbers from a small range (a number
# question: how many visits), and points on the line from 0 to 10 with one decimal (vas).
NUMBER_VALUES = (0.0, 1.0, 2.0, 3.0, 7.0)
LINE_VALUES = (0.0, 2.5, 3.0, 7.3, 10.0)


def answered_rounds(
    draw: st.DrawFn, answer: st.SearchStrategy[T]
) -> tuple[Any, Layout, dict[Any, list[T | None]]]:
    """Draw a round: a tree of districts and units, a layout, and each (unit, categories) cell's
    answers from ``answer`` (None: skipped), 0 to 6 respondents a cell."""
    layout = draw(st.sampled_from([LAYOUT, LAYOUT2]))
    tree = _tree(draw(st.lists(st.integers(1, 3), min_size=1, max_size=2)))
    data: dict[Any, list[T | None]] = {}
    for node in tree.nodes.values():
        if not node.is_survey_unit:
            continue
        for cats in _combos(layout):
            size = draw(st.integers(0, 6))
            if size:
                data[node.id, tuple(cats)] = draw(
                    st.lists(st.one_of(answer, st.none()), min_size=size, max_size=size)
                )
    return tree, layout, data


@st.composite
def number_rounds(draw: st.DrawFn) -> tuple[Any, Layout, Data]:
    pool = draw(st.sampled_from([NUMBER_VALUES, LINE_VALUES]))
    return answered_rounds(draw, st.sampled_from(pool))


@settings(max_examples=25, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(number_rounds())
def test_no_hidden_count_follows_from_number_figures(case: Any) -> None:
    tree, layout, data = case
    assert attack_numbers(tree, layout, data)[0] == []


def test_the_district_gives_the_hidden_units_sum_but_not_their_counts() -> None:
    """The recovery attack on number means, tried: a district minus its shown unit.

    Three units of one district on the line from 0 to 10: A has 2 answers (10 and 10), B 5
    answers of 0, C 6 answers. The count decision hides A (2 < 5) and B with it. The district's
    and C's means and intervals give the hidden units' sum (20) and sum of squares (200) exactly,
    and the answers lie in [0, 10], so A and B together hold at least two answers — but the
    attacker cannot tell which unit holds them: A may have none or all seven.
    """
    tree = _tree([3])
    a, b, c = (n.id for n in tree.nodes.values() if n.is_survey_unit)
    data: Data = {
        (a, ("female",)): [10.0, 10.0],
        (b, ("female",)): [0.0] * 5,
        (c, ("female",)): [4.0, 5.0, 6.0, 4.0, 5.0, 6.0],
    }
    leaks, attacker = attack_numbers(tree, LAYOUT, data)
    assert leaks == []
    ten = next(o for o, v in attacker.options.items() if v == 10.0)
    both = {**attacker.option((a, None), ten), **attacker.option((b, None), ten)}
    assert attacker.interval(both) == pytest.approx((2, 2), abs=1e-4)  # the sum is out: two 10s
    low, high = attacker.interval(attacker.answers((a, None)))
    assert low == pytest.approx(0, abs=1e-6) and high >= K  # but not whose: A from 0 to 7
    low, high = attacker.interval(attacker.option((a, None), ten))
    assert low == pytest.approx(0, abs=1e-6) and high == pytest.approx(2, abs=1e-4)
