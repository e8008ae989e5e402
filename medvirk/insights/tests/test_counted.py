"""Property test of the counted-channels rule (issue 16): planted answers never pin a small group.

Random survey rounds (municipality → districts → units × background groups) whose respondents
are split into *counted* ones (codes, invitations), *planted* ones (the attacker's, through the
open link) and *real open-link* ones. The decision is made as ``SurveyDisclosure`` makes it
(:func:`medvirk.insights.counted.decide_counted`). Two attackers play against it with the
LP of ``analysis.suppression`` over every relation:

* the worst case, who treats every uncounted answer as his own and so knows the counted count
  of every shown cell;
* the realistic one, who subtracts only his own planted answers, so knows the real count.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medvirk.analysis.suppression import SuppressedTable, Table, attacker_interval, suppress
from medvirk.insights.counted import decide_counted
from medvirk.insights.disclosure import (
    ANSWER,
    Layout,
    answer_table,
    answers_only,
    decide_answers,
    respondent_table,
)
from medvirk.insights.selectors import SurveyTree

from .test_disclosure import LAYOUT, LAYOUT2, POLICY, _tree

K = 5
EPS = 1e-6
Leaf = dict[tuple[int, tuple[str, ...]], int]


@st.composite
def rounds(draw: st.DrawFn) -> tuple[SurveyTree, Layout, Leaf, Leaf, Leaf, Leaf]:
    """Return a tree, its layout and per-leaf counted, planted, real open-link and skipping counts."""
    layout = draw(st.sampled_from([LAYOUT, LAYOUT2]))
    combos: list[tuple[str, ...]] = [(g,) for g in LAYOUT.cats["gender"]]
    if layout is LAYOUT2:
        combos = [(g, a) for g in LAYOUT2.cats["gender"] for a in LAYOUT2.cats["age_band"]]
    tree = _tree(draw(st.lists(st.integers(1, 3), min_size=1, max_size=2)))
    counted: Leaf = {}
    planted: Leaf = {}
    open_real: Leaf = {}
    skipped: Leaf = {}  # counted respondents who skipped the question
    for node in tree.nodes.values():
        if not node.is_survey_unit:
            continue
        for cats in combos:
            key = (node.id, cats)
            counted[key] = draw(st.integers(0, 8))
            planted[key] = draw(st.integers(0, 4))
            open_real[key] = draw(st.integers(0, 3))
            skipped[key] = draw(st.integers(0, min(counted[key], 2)))
    return tree, layout, counted, planted, open_real, skipped


def _add(*leaves: Leaf) -> Leaf:
    return {key: sum(leaf[key] for leaf in leaves) for key in leaves[0]}


def _minus(leaf: Leaf, other: Leaf) -> Leaf:
    return {key: n - other[key] for key, n in leaf.items()}


def _not_pinned_small(table: Table, hidden: set[str], key: str) -> bool:
    """Return whether the attacker can prove neither that the cell is empty nor that it is below k."""
    low, high = attacker_interval(table, hidden, key)
    return low <= EPS and high >= K - EPS


def _check(decision: SuppressedTable, every: Table, counted: Table, real: Table, prefix: str = "") -> None:
    shown = {d.key for d in decision.decisions if d.shown}
    hidden = {c.key for c in counted.cells if c.key[len(prefix) :] not in shown}
    for c_all, c_counted in zip(every.cells, counted.cells, strict=True):
        key = c_all.key[len(prefix) :]
        if key in shown:
            # Shown with every answer's count, and only with enough that nobody could plant.
            assert decision[key].count == c_all.count
            assert c_all.count == 0 or c_counted.count >= K, key
        elif c_all.published and c_all.count > 0 and c_counted.count < K:
            # Worst case: the counted count of a small group is neither 0 nor ≥ k provably …
            assert _not_pinned_small(counted, hidden, c_all.key), key
            # … and the planter cannot prove its real respondents fewer than k.
            assert attacker_interval(real, hidden, c_all.key)[1] >= K - EPS, key


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rounds())
def test_planted_answers_never_pin_a_small_group(
    case: tuple[SurveyTree, Layout, Leaf, Leaf, Leaf, Leaf],
) -> None:
    tree, layout, counted, planted, open_real, skipped = case
    every = _add(counted, planted, open_real)
    real = _add(counted, open_real)
    tables = {
        name: respondent_table(tree, layout, leaf)
        for name, leaf in (("every", every), ("counted", counted), ("real", real))
    }
    respondents = decide_counted(
        tables["every"], tables["counted"], lambda t, small: suppress(t, POLICY, also_small=small)
    )
    _check(respondents, tables["every"], tables["counted"], tables["real"])

    # A question skipped by some counted respondents, linked to the respondents' decision.
    linked = {
        "every": answer_table(tree, layout, every, _minus(every, skipped)),
        "counted": answer_table(tree, layout, counted, _minus(counted, skipped)),
        "real": answer_table(tree, layout, real, _minus(real, skipped)),
    }
    answers = decide_counted(
        linked["every"],
        linked["counted"],
        lambda t, small: decide_answers(t, respondents, POLICY, small),
        prefix=ANSWER,
    )
    for d in respondents.decisions:
        if not d.shown:
            assert not answers[d.key].shown
    own = {name: answers_only(table) for name, table in linked.items()}
    _check(answers, own["every"], own["counted"], own["real"], prefix=ANSWER)


# The demo sweep's finding (bench/attack/RESULTS.md): withheld groups the attacker can prove not
# empty. The decision protects the *counted* counts, but shown cells publish the count of *all*
# answers, so the equations the attacker reads are those of the table of all answers, which the
# decision never audits. One district with two units, gender (female, male, not stated); each
# leaf is (counted, real open-link answers), nothing planted.
_OPEN_LINK_CASE: dict[tuple[int, tuple[str, ...]], tuple[int, int]] = {
    (3, ("female",)): (7, 0),
    (3, ("male",)): (1, 0),
    (3, ("",)): (6, 3),
    (4, ("female",)): (5, 3),
    (4, ("male",)): (5, 0),
    (4, ("",)): (1, 1),  # the withheld group: 2 respondents, 1 through the poster
}
_NOT_STATED = "4|gender:"


def _open_link_case() -> tuple[Table, Table, SuppressedTable]:
    tree = _tree([2])  # municipality 1, district 2, units 3 and 4
    counted = {key: c for key, (c, _) in _OPEN_LINK_CASE.items()}
    every = {key: c + o for key, (c, o) in _OPEN_LINK_CASE.items()}
    tables = respondent_table(tree, LAYOUT, every), respondent_table(tree, LAYOUT, counted)
    decision = decide_counted(*tables, lambda t, small: suppress(t, POLICY, also_small=small))
    return tables[0], tables[1], decision


@pytest.mark.sqlite_only  # pure: no database
def test_published_totals_of_all_answers_bound_a_group_protected_on_counted_answers() -> None:
    every, counted, decision = _open_link_case()
    hidden = {d.key for d in decision.decisions if not d.shown}
    assert _NOT_STATED in hidden and every[_NOT_STATED].count == 2 and counted[_NOT_STATED].count == 1
    # What the decision audits holds: on counted counts the group may be empty or hold k.
    assert _not_pinned_small(counted, hidden, _NOT_STATED)
    # What is published: unit 4 has 15 respondents, 8 of them women, so men + not stated = 7;
    # the district's men (6, all through codes) bound unit 4's men by 6, so not stated ≥ 1.
    published = {d.key: d.count for d in decision.decisions if d.shown}
    assert (published["4"], published["4|gender:female"], published["2|gender:male"]) == (15, 8, 6)
    assert {"4|gender:male", "3|gender:male"} <= hidden
    # On counted counts the same equations give 11 − 5 − 6 = 0: no bound (the audit's view).
    assert counted["4"].count - counted["4|gender:female"].count - counted["2|gender:male"].count == 0
    low, high = attacker_interval(every, hidden, _NOT_STATED)
    assert (round(low), round(high)) == (1, 7)


@pytest.mark.sqlite_only
@pytest.mark.xfail(
    strict=True,
    reason="issue 16: the decision audits counted counts only; published totals carry open-link "
    "answers, so a withheld group can be proven not empty (docs/methods-suppression.md, "
    "'Planted answers', residual risk)",
)
def test_a_withheld_group_cannot_be_proven_not_empty_from_the_figures_of_all_answers() -> None:
    every, _counted, decision = _open_link_case()
    hidden = {d.key for d in decision.decisions if not d.shown}
    assert attacker_interval(every, hidden, _NOT_STATED)[0] <= EPS
