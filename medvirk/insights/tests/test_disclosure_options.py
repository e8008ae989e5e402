"""Option counts, means and top-box shares against an attacker who combines them all (issue 16).

The attacker (``attacker.py``, written apart from the code under test) turns every figure a
round publishes for a group into a linear fact: respondents, answers, shown option counts, the
merged total, "don't know", shares, the top-box share, the mean (Σ value · count) and its
interval (which gives Σ value² · count). It knows the unit tree and the background groups, and
that every count is ≥ 0 and adds up over both. It must not pin any withheld cell (an option
count in a shown group, or any count of a hidden group) to 1 … m−1 or to an interval narrower
than m, where m is the option minimum for options and the threshold for groups.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medvirk.analysis.suppression import SuppressionPolicy, suppress, suppress_options
from medvirk.insights.disclosure import (
    NOT_STATED,
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
    group_view,
    option_layout,
    option_table,
    option_view,
)
from medvirk.insights.figures import question_figures
from medvirk.insights.questions import OptionInfo, QuestionInfo
from medvirk.insights.selectors import Registry
from medvirk.surveys.types import Scale

from .attacker import DONT_KNOW, Attacker, Figures
from .test_disclosure import LAYOUT, LAYOUT2, _tree

POLICY = SuppressionPolicy()
K, M = POLICY.threshold, POLICY.option_min_answers
VALUES = (1, 2, 3, 4, 5)
DK_ID = 90


def _question(values: tuple[int, ...] = VALUES, dont_know: bool = True) -> QuestionInfo:
    options = [OptionInfo(10 + v, str(v), str(v), v) for v in values]
    if dont_know:
        options.append(OptionInfo(DK_ID, "dont_know", "Don't know"))
    scale = Scale(min=values[0], max=values[-1], dont_know=dont_know)
    return QuestionInfo(1, "q", "rating", "How satisfied are you?", None, scale, tuple(options))


def _registry(info: QuestionInfo) -> Registry:
    return Registry({}, {o.id: o.key for o in info.options}, {(info.id, o.key): o.id for o in info.options})


def _figures(f: Any, respondents: int | None, digits: int | None = None) -> Figures:
    """Turn the results' figures for a group into what the attacker reads (as the API gives them)."""
    if not f.shown:
        return Figures(respondents=respondents)
    values = {o.key: o.id for o in f.question.options}
    return Figures(
        n=f.n,
        respondents=respondents,
        options={values[o.key]: o.count for o in f.options if o.count is not None},
        shares={values[o.key]: o.share for o in f.options if o.share is not None},
        merged=[([values[o.key] for o in f.options if o.count is None], f.merged_count)]
        if f.merged_count is not None
        else [],
        dont_know=f.dont_know,
        mean=(f.mean.estimate, *f.mean.interval) if f.mean is not None else None,
        top=f.top_box.estimate if f.top_box is not None else None,
        digits=digits,
    )


def attack_round(
    tree: Any, layout: Layout, info: QuestionInfo, data: dict[tuple[int, tuple[str, ...]], dict[Any, int]]
) -> list[tuple[Any, ...]]:
    """Decide a round as the results do, publish every figure, attack; return the pinned cells.

    ``data``: (survey unit, categories) → family → respondents, families being option ids,
    ``"dk"`` and ``"none"`` (no answer).
    """
    option_ids = [o.id for o in info.options if o.value is not None]
    resp = {k: sum(v.values()) for k, v in data.items() if sum(v.values())}
    ans = {k: sum(v.get(o, 0) for o in option_ids) for k, v in data.items()}
    respondents = suppress(respondent_table(tree, layout, resp), POLICY)
    answers = decide_answers(answer_table(tree, layout, resp, ans), respondents, POLICY)
    per: dict[Any, Marginals] = {}
    for family in [*option_ids, DK_ID]:
        leaf = {k: v.get(family if family != DK_ID else DONT_KNOW, 0) for k, v in data.items()}
        per[family] = marginals(layout, {k: n for k, n in leaf.items() if n})
    opt_layout = option_layout(info, _registry(info), option_ids)
    table = option_table(
        _shape(tree, layout),
        opt_layout,
        marginals(layout, resp),
        marginals(layout, ans),
        per,
        per[DK_ID],
        POLICY,
    )
    options = decide_options(table, respondents, answers, POLICY)

    # Every group's true counts per family, for the figures and to know which cells are small.
    slots = [None, *layout.slots()]
    truth: dict[tuple[int, Any], dict[Any, int]] = defaultdict(lambda: defaultdict(int))
    for (unit, cats), families in data.items():
        node: int | None = unit
        while node is not None:
            for slot in slots:
                if slot is None or cats[layout.dims.index(slot[0])] == slot[1]:
                    for family, n in families.items():
                        truth[node, slot][family] += n
            node = tree.nodes[node].parent_id if tree.nodes[node].parent_id in tree.nodes else None

    def new_attacker() -> Attacker:
        return Attacker(
            {n.id: n.parent_id for n in tree.nodes.values()},
            {d: list(layout.cats[d]) for d in layout.dims},
            {o.id: o.value for o in info.options if o.value is not None},
            top=[o.id for o in info.options if o.value is not None and o.value >= info.scale.top_box_from()],
        )

    # Answer counts are attacked with what the answers show alone: how many of a group answered
    # may follow from its respondents (by design: it reveals no answer).
    attacker, answers_attacker = new_attacker(), new_attacker()
    for node in tree.nodes:
        for slot in slots:
            key = cell_key(node, *(slot or ()))
            counts = {f if f != DONT_KNOW else DK_ID: n for f, n in truth[node, slot].items()}
            r = respondents[key]
            a = answers[key]
            f = None
            if a.shown and a.count is not None:
                view = option_view(options, opt_layout, key, counts, POLICY)
                f = question_figures(info, counts, a.count, view)
            figures = _figures(f, r.count) if f is not None else Figures(respondents=r.count)
            attacker.publish((node, slot), figures)
            answers_attacker.publish((node, slot), replace(figures, respondents=None, dont_know=None))
    leaks = []
    for node in tree.nodes:
        for slot in slots:
            key = cell_key(node, *(slot or ()))
            true = truth[node, slot]
            targets = []
            if not respondents[key].shown:
                targets.append(("respondents", attacker.respondents((node, slot)), sum(true.values()), K))
            if not answers[key].shown:
                n = sum(true.get(o, 0) for o in option_ids)
                targets.append(("answers", answers_attacker.answers((node, slot)), n, K))
            shown_options: frozenset[Any] = frozenset()
            if answers[key].shown:
                counts = {f if f != DONT_KNOW else DK_ID: n for f, n in true.items()}
                shown_options = option_view(options, opt_layout, key, counts, POLICY).shown
            for o in option_ids:
                if o not in shown_options:
                    targets.append((f"option {o}", attacker.option((node, slot), o), true.get(o, 0), M))
            for what, terms, value, threshold in targets:
                if 0 < value < threshold:
                    by = answers_attacker if what == "answers" else attacker
                    pinned = by.pins(terms, threshold)
                    if pinned is not None:
                        leaks.append((node, slot, what, value, *pinned))
    return leaks


# ---------------------------------------------------------------------------------------------
# The example of issue 16, then random rounds
# ---------------------------------------------------------------------------------------------

# Bydel Nord, 2026, "bhg_trivsel_barn" in the demo: n = 32, mean 4.96875.
EXAMPLE = {1: 0, 2: 0, 3: 2, 4: 7, 5: 13, 6: 10}


def test_the_mean_gave_the_merged_options_away_and_now_does_not() -> None:
    """Shown 5: 13, 6: 10, 1: 0, 2: 0, other 9 and the mean 4.96875 → 3: 2 and 4: 7, exactly.

    The old figures merged 3 and 4 (2 + 7) and still showed the mean: two equations in two
    unknowns. The round's decision now withholds the mean (and its interval) wherever an
    option is merged; the attacker then cannot narrow option 3 below [0, 3].
    """
    info = _question(values=tuple(EXAMPLE), dont_know=False)
    counts = {10 + v: n for v, n in EXAMPLE.items()}
    # --- what was published before: per-group merging, mean and interval
    old = suppress_options({str(v): n for v, n in EXAMPLE.items()})
    assert old.merged_keys == ("3", "4") and old.merged_count == 9
    shown = {10 + int(o.key): o.count for o in old.options if o.count is not None}
    from medvirk.analysis.intervals import mean_interval

    values = [v for v, n in EXAMPLE.items() for _ in range(n)]
    mean = mean_interval(values)
    assert mean.estimate == 4.96875
    attacker = Attacker({1: None}, {}, {10 + v: v for v in EXAMPLE})
    attacker.publish(
        (1, None),
        Figures(n=32, options=shown, merged=[([13, 14], 9)], mean=(mean.estimate, *mean.interval)),
    )
    assert attacker.interval(attacker.option((1, None), 13)) == pytest.approx((2, 2), abs=1e-3)  # 3: two
    assert attacker.interval(attacker.option((1, None), 14)) == pytest.approx((7, 7), abs=1e-3)  # 4: seven
    # --- now
    layout = option_layout(info, _registry(info), counts)
    view = group_view(layout, counts, POLICY)
    f = question_figures(info, counts, 32, view)
    assert f.mean is None and f.n == 32
    assert {o.key: o.count for o in f.options} == {"1": 0, "2": 0, "3": None, "4": None, "5": 13, "6": 10}
    attacker = Attacker({1: None}, {}, {10 + v: v for v in EXAMPLE}, top=[15, 16])
    attacker.publish((1, None), _figures(f, None))
    assert attacker.pins(attacker.option((1, None), 13), M) is None


@st.composite
def rounds(draw: st.DrawFn) -> tuple[Any, Layout, dict[tuple[int, tuple[str, ...]], dict[Any, int]]]:
    layout = draw(st.sampled_from([LAYOUT, LAYOUT2]))
    combos = [tuple(c) for c in _combos(layout)]
    tree = _tree(draw(st.lists(st.integers(1, 3), min_size=1, max_size=2)))
    data: dict[tuple[int, tuple[str, ...]], dict[Any, int]] = {}
    for node in tree.nodes.values():
        if not node.is_survey_unit:
            continue
        for cats in combos:
            if draw(st.integers(0, 3)) == 0:
                continue
            families: dict[Any, int] = {10 + v: draw(st.integers(0, 4)) for v in VALUES}
            families[DONT_KNOW] = draw(st.integers(0, 2))
            families["none"] = draw(st.integers(0, 1))
            data[node.id, cats] = families
    return tree, layout, data


def _combos(layout: Layout) -> list[list[str]]:
    out: list[list[str]] = [[]]
    for d in layout.dims:
        out = [[*c, cat] for c in out for cat in layout.cats[d]]
    return out


@settings(max_examples=25, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rounds())
def test_no_withheld_count_follows_from_every_published_figure(case: Any) -> None:
    tree, layout, data = case
    assert attack_round(tree, layout, _question(), data) == []


def test_not_stated_is_a_group_like_any_other() -> None:
    """A unit whose respondents all skipped the background question still adds up (smoke test)."""
    tree = _tree([2])
    units = [n.id for n in tree.nodes.values() if n.is_survey_unit]
    data: dict[tuple[int, tuple[str, ...]], dict[Any, int]] = {
        (units[0], (NOT_STATED,)): {11: 1, 12: 3, 13: 3, 14: 4, 15: 6, DONT_KNOW: 1},
        (units[1], ("female",)): {11: 2, 14: 3, 15: 3},
    }
    assert attack_round(tree, LAYOUT, _question(), data) == []
