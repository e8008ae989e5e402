"""One decision per survey round: differencing attacks on everything results and equity show.

The attacker sees every count either module publishes for a survey round: respondents per unit
and per unit × background group (results overview, equity representation) and a question's
answer counts per unit and per unit × group (results overview and crosstabs, equity headline
and gap rows). They know every additive relation and that a question's answers never exceed
its respondents, and solve the linear programme for each hidden small cell.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medvirk.analysis.suppression import SuppressedTable, SuppressionPolicy, attacker_interval, suppress
from medvirk.insights.disclosure import (
    ANSWER,
    Layout,
    answer_table,
    answers_only,
    decide_answers,
    respondent_table,
)
from medvirk.insights.selectors import Node, SurveyTree
from medvirk.insights.tables import hierarchy_table
from medvirk.orgs.models import OrgUnit

K = 5
POLICY = SuppressionPolicy()
EPS = 1e-6


def _tree(shape: list[int]) -> SurveyTree:
    """Return a municipality (1) with one district per entry of ``shape`` holding that many units."""
    nodes = {1: Node(1, "root", None, "1/", 0, False, OrgUnit(pk=1))}
    children: dict[int, list[int]] = defaultdict(list)
    next_id = 2
    for units in shape:
        district = next_id
        next_id += 1
        nodes[district] = Node(district, f"d{district}", 1, f"1/{district}/", 1, False, OrgUnit(pk=district))
        children[1].append(district)
        for _ in range(units):
            nodes[next_id] = Node(
                next_id, f"u{next_id}", district, f"1/{district}/{next_id}/", 2, True, OrgUnit(pk=next_id)
            )
            children[district].append(next_id)
            next_id += 1
    return SurveyTree(nodes, {k: tuple(v) for k, v in children.items()})


LAYOUT = Layout(("gender",), {"gender": ("female", "male", "")})
# Two overlapping dimensions: groups of one cut across groups of the other.
LAYOUT2 = Layout(("gender", "age_band"), {"gender": ("female", "male", ""), "age_band": ("young", "")})


def _published(respondents: SuppressedTable, answers: SuppressedTable) -> dict[str, int]:
    """Return every count either module may show, keyed as in the linked answer table."""
    shown = dict(respondents.shown_counts())
    shown.update({ANSWER + key: n for key, n in answers.shown_counts().items()})
    return shown


def leaks(table, published: Mapping[str, int]) -> list[tuple[str, float, float]]:
    """Return (cell, low, high) for every small hidden cell an attacker pins inside (0, k).

    Respondent cells are attacked with everything: both decisions, all relations and
    answers ≤ respondents. Question cells (whose answers are the secret) are attacked with
    the question's own relations, in which every answer figure (option counts, sums) adds up;
    how many of a shown group answered may be narrowed by the respondents, which reveals no
    answer.
    """
    out = []
    for attacked, keys in (
        (table, lambda k: not k.startswith(ANSWER)),
        (answers_only(table), lambda k: True),
    ):
        hidden = {c.key for c in attacked.cells if c.key not in published}
        for cell in attacked.cells:
            if keys(cell.key) and cell.key in hidden and cell.published and 0 < cell.count < K:
                low, high = attacker_interval(attacked, hidden, cell.key)
                if not (low <= EPS and high >= K - EPS):
                    out.append((cell.key, low, high))
    return out


def _decide(
    tree: SurveyTree,
    resp: dict,
    ans: dict,
    layout: Layout = LAYOUT,
) -> tuple[SuppressedTable, SuppressedTable]:
    respondents = suppress(respondent_table(tree, layout, resp), POLICY)
    answers = decide_answers(answer_table(tree, layout, resp, ans), respondents, POLICY)
    return respondents, answers


@st.composite
def surveys(draw: st.DrawFn) -> tuple[SurveyTree, dict, dict, Layout]:
    layout = draw(st.sampled_from([LAYOUT, LAYOUT2]))
    combos: list[tuple[str, ...]] = [(g,) for g in LAYOUT.cats["gender"]]
    if layout is LAYOUT2:
        combos = [(g, a) for g in LAYOUT2.cats["gender"] for a in LAYOUT2.cats["age_band"]]
    shape = draw(st.lists(st.integers(1, 3), min_size=1, max_size=3))
    tree = _tree(shape)
    resp: dict[tuple[int, tuple[str, ...]], int] = {}
    ans: dict[tuple[int, tuple[str, ...]], int] = {}
    for node in tree.nodes.values():
        if not node.is_survey_unit:
            continue
        for cats in combos:
            n = draw(st.integers(0, 9))
            if n:
                resp[node.id, cats] = n
                ans[node.id, cats] = n - draw(st.integers(0, min(n, 3)))  # some skip the question
    return tree, resp, ans, layout


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(surveys())
def test_no_small_count_can_be_pinned_down_from_everything_both_modules_show(case) -> None:
    tree, resp, ans, layout = case
    respondents, answers = _decide(tree, resp, ans, layout)
    published = _published(respondents, answers)
    # rule 1: nothing small is shown
    assert all(n == 0 or n >= K for n in published.values())
    # a question's figures are never shown for a group whose respondent count is hidden
    for d in respondents.decisions:
        if not d.shown:
            assert not answers[d.key].shown
    # rule 3 across both decisions: every hidden small cell can be 0 and can be ≥ k
    table = answer_table(tree, layout, resp, ans)
    assert leaks(table, published) == []
    # when everyone answers, SurveyDisclosure reuses the respondents' decision for the question
    everyone = answer_table(tree, layout, resp, resp)
    assert leaks(everyone, _published(respondents, respondents)) == []


# Bydel Nord (district 2) has Solsikken (3) with 10 respondents, 6 of them answering the
# question, and Nordlys (4) with 5 respondents, 2 answering. Every figure is from the old code.
OLD_EXAMPLE_TREE = [2]
OLD_RESP: dict[tuple[int, tuple[str, ...]], int] = {(3, ("",)): 10, (4, ("",)): 5}
OLD_ANS: dict[tuple[int, tuple[str, ...]], int] = {(3, ("",)): 6, (4, ("",)): 2}


def test_old_independent_decisions_leak_and_the_one_decision_does_not() -> None:
    """The counterexample to deciding per module (what the code did before the one decision).

    Old results decided the question alone: Bydel Nord 8 answers shown, Solsikken (6) hidden
    to protect Nordlys (2). Old equity decided respondents alone (Solsikken 10 and Nordlys 5
    both shown) and then showed its headline for Solsikken because 6 ≥ 5: "n = 6" with the
    mean. Bydel Nord's 8 − Solsikken's 6 = Nordlys's 2 answers, and their mean follows from
    the two means. With one decision the headline consults the hidden Solsikken cell.
    """
    tree = _tree(OLD_EXAMPLE_TREE)
    table = answer_table(tree, LAYOUT, OLD_RESP, OLD_ANS)
    # --- the old way: each module on its own
    old_results_q = suppress(hierarchy_table(tree, {(u, ""): n for (u, _c), n in OLD_ANS.items()}), POLICY)
    old_results_r = suppress(hierarchy_table(tree, {(u, ""): n for (u, _c), n in OLD_RESP.items()}), POLICY)
    published = {k: n for k, n in old_results_r.shown_counts().items() if "|" not in k}
    published.update({ANSWER + k: n for k, n in old_results_q.shown_counts().items() if "|" not in k})
    # equity's old headline: shown whenever the unit's respondents are shown and n ≥ threshold
    for unit in (3, 4):
        n = sum(v for (u, _c), v in OLD_ANS.items() if u == unit)
        if old_results_r.is_shown(str(unit)) and n >= K:
            published[ANSWER + str(unit)] = n
    published = {k: n for k, n in published.items() if k in table}
    assert (ANSWER + "4", 2.0, 2.0) in leaks(table, published)
    # --- the one decision
    respondents, answers = _decide(tree, OLD_RESP, OLD_ANS)
    assert not answers.is_shown("3") and not answers.is_shown("4")
    assert leaks(table, _published(respondents, answers)) == []
