"""Property test of the counted-channels rule for option counts (issue 16): planted answers on the
open link never bring a withheld option count into view, nor let it be worked out.

Random survey rounds (municipality → districts → units × one or two background dimensions) of a
rating question whose answers per option are split into *counted* ones (codes, invitations),
*planted* ones (the attacker's, through the poster, the kiosk or paper) and *real open-link*
ones. The round is decided as ``SurveyDisclosure.options`` decides it: respondents and the
question's cells with :func:`medvirk.insights.counted.decide_counted`, then the option decision
on the counted answers, with every option cell that has answers but none counted marked small.
The mean, its interval and the theme index are shown only where every option count of the group
is shown (functions of shown counts), so the table's cells are everything an attacker reads.

* An option count is shown only with 0 answers or at least the option minimum *m* counted ones,
  and shows the count of all answers.
* Every withheld option count with answers but fewer than *m* counted: the worst-case attacker
  (every uncounted answer is his, so he knows the counted count of every shown figure) can prove
  neither that no counted respondent chose it nor that fewer than *m* did; the planter, who
  knows only his own answers, cannot prove fewer than *m* real ones chose it.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medvirk.analysis.suppression import SuppressedTable, Table, attacker_interval, suppress
from medvirk.insights.counted import decide_counted, marked_small
from medvirk.insights.disclosure import (
    ANSWER,
    Layout,
    Marginals,
    _shape,
    answer_table,
    decide_answers,
    marginals,
    respondent_table,
)
from medvirk.insights.disclosure_options import (
    OPTION_PREFIX,
    decide_options,
    option_layout,
    option_table,
)
from medvirk.insights.selectors import SurveyTree

from .test_disclosure import LAYOUT, LAYOUT2, _tree
from .test_disclosure_options import POLICY, _combos, _question, _registry

pytestmark = pytest.mark.sqlite_only  # no database: once is enough

M = POLICY.option_min_answers
EPS = 1e-6
VALUES = (1, 2, 3, 4)
OPTIONS = tuple(10 + v for v in VALUES)
Leaf = dict[tuple[int, tuple[str, ...]], dict[int, int]]  # (unit, categories) → option → answers


@st.composite
def planted_rounds(draw: st.DrawFn) -> tuple[SurveyTree, Layout, Leaf, Leaf, Leaf]:
    """Return a tree, its layout and per-leaf counted, planted and real open-link answers per option."""
    layout = draw(st.sampled_from([LAYOUT, LAYOUT2]))
    tree = _tree(draw(st.lists(st.integers(1, 2), min_size=1, max_size=2)))
    counted: Leaf = {}
    planted: Leaf = {}
    open_real: Leaf = {}
    for node in tree.nodes.values():
        if not node.is_survey_unit:
            continue
        for cats in _combos(layout):
            key = (node.id, tuple(cats))
            # Counted answers skewed small (so that options sit near m), planted ones up to m.
            counted[key] = {o: draw(st.sampled_from([0, 0, 1, 2, 3, 5])) for o in OPTIONS}
            planted[key] = {o: draw(st.sampled_from([0, 0, 0, 1, 2])) for o in OPTIONS}
            open_real[key] = {o: draw(st.sampled_from([0, 0, 0, 1])) for o in OPTIONS}
    return tree, layout, counted, planted, open_real


def _add(*leaves: Leaf) -> Leaf:
    return {key: {o: sum(leaf[key][o] for leaf in leaves) for o in OPTIONS} for key in leaves[0]}


def _tables(tree: SurveyTree, layout: Layout, leaf: Leaf) -> tuple[Table, Table, Table]:
    """Return the respondent, linked answer and option tables of one set of answers (no skipping)."""
    total = {key: sum(per.values()) for key, per in leaf.items() if sum(per.values())}
    per_option: dict[int | None, Marginals] = {
        o: marginals(layout, {key: per[o] for key, per in leaf.items() if per[o]}) for o in OPTIONS
    }
    info = _question(VALUES, dont_know=False)
    layout_ = option_layout(info, _registry(info), OPTIONS)
    options = option_table(
        _shape(tree, layout),
        layout_,
        marginals(layout, total),
        marginals(layout, total),
        per_option,
        None,
        POLICY,
    )
    return respondent_table(tree, layout, total), answer_table(tree, layout, total, total), options


def _hidden(table: Table, *decisions: SuppressedTable, prefix: str = "") -> set[str]:
    shown = {prefix + d.key for d in decisions[0].decisions if d.shown}
    for decision in decisions[1:]:
        shown |= {d.key for d in decision.decisions if d.shown}
    return {c.key for c in table.cells if c.key not in shown}


@settings(max_examples=10, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(planted_rounds())
def test_planted_answers_never_bring_a_withheld_option_count_into_view(
    case: tuple[SurveyTree, Layout, Leaf, Leaf, Leaf],
) -> None:
    tree, layout, counted, planted, open_real = case
    every_r, every_a, every_o = _tables(tree, layout, _add(counted, planted, open_real))
    counted_r, counted_a, counted_o = _tables(tree, layout, counted)
    real_o = _tables(tree, layout, _add(counted, open_real))[2]
    # As SurveyDisclosure decides: respondents, the question's cells, then the option counts.
    respondents = decide_counted(every_r, counted_r, lambda t, small: suppress(t, POLICY, also_small=small))
    answers = decide_counted(
        every_a, counted_a, lambda t, small: decide_answers(t, respondents, POLICY, small), prefix=ANSWER
    )
    small = frozenset(k for k in marked_small(every_o, counted_o) if k.startswith(OPTION_PREFIX))
    options = decide_options(counted_o, respondents, answers, POLICY, also_small=small)

    hidden = _hidden(counted_o, answers, respondents, options, prefix=ANSWER)
    checked = 0
    for c_all, c_counted, c_real in zip(every_o.cells, counted_o.cells, real_o.cells, strict=True):
        if not c_all.key.startswith(OPTION_PREFIX):
            continue
        if c_all.key not in hidden:
            # Shown only with no answers or at least m counted ones (figures carry every answer).
            assert c_all.count == 0 or c_counted.count >= M, c_all.key
        elif c_all.count > 0 and c_counted.count < M:
            checked += 1
            low, high = attacker_interval(counted_o, hidden, c_all.key)
            assert low <= EPS and high >= M - EPS, (c_all.key, c_counted.count, low, high)
            assert attacker_interval(real_o, hidden, c_all.key)[1] >= M - EPS, (c_all.key, c_real.count)
    assert checked or not small  # a cell with only planted answers is always checked


def test_three_planted_answers_do_not_lift_a_counted_one() -> None:
    """One counted parent chose 1; two planted answers choose 1 too: three, but one counted.

    Decided on all answers, option 1 (3) would be shown and the planter would learn that a
    real respondent chose it; decided on the counted ones it stays withheld."""
    tree = _tree([1])
    (unit,) = (n.id for n in tree.nodes.values() if n.is_survey_unit)
    counted: Leaf = {(unit, ("female",)): {11: 1, 12: 3, 13: 3, 14: 3}}
    planted: Leaf = {(unit, ("female",)): {11: 2, 12: 0, 13: 0, 14: 0}}
    every_r, every_a, every_o = _tables(tree, LAYOUT, _add(counted, planted))
    counted_r, counted_a, counted_o = _tables(tree, LAYOUT, counted)
    respondents = decide_counted(every_r, counted_r, lambda t, small: suppress(t, POLICY, also_small=small))
    answers = decide_counted(
        every_a, counted_a, lambda t, small: decide_answers(t, respondents, POLICY, small), prefix=ANSWER
    )
    key = f"o0:{unit}"
    naive = decide_options(every_o, respondents, answers, POLICY)
    assert naive[key].shown  # 3 answers, all of them counted as if real
    small = frozenset(k for k in marked_small(every_o, counted_o) if k.startswith(OPTION_PREFIX))
    options = decide_options(counted_o, respondents, answers, POLICY, also_small=small)
    assert not options[key].shown
