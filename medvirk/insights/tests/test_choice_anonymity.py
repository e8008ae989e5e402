"""Provider results on the comparison page against a competitor (issue 20).

A round runs in the providers' units under the service's owner unit; the comparison shows each
provider's respondents and answers next to "all providers", all read from the round's one
decision (``insights.disclosure``). The attacker is a competing provider: it sees every count
any page shows (each provider, the total, the background groups of the results pages) and
knows every relation (the total is the sum of the providers, each provider the sum of its
groups). For every provider or group of 1 to k−1 respondents, the linear programs of
``analysis.suppression.attacker_interval`` over everything shown must leave it possibly empty
and possibly k or more. Pure: the decision's functions on a tree of 2 to 4 providers.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medvirk.insights.disclosure import Layout, answer_table, cell_key

from .test_disclosure import K, _decide, _published, _tree, leaks

LAYOUT = Layout(("immigrant_background",), {"immigrant_background": ("immigrant", "rest", "")})


@st.composite
def provider_rounds(draw: st.DrawFn) -> tuple[int, dict, dict]:
    """Return (number of providers, respondents and answers per provider and group)."""
    providers = draw(st.integers(2, 4))
    resp: dict = {}
    ans: dict = {}
    for unit in range(providers):
        for cats in (("immigrant",), ("rest",), ("",)):
            # mostly small groups, sometimes a large one: the competitor's case is one small
            # provider beside large ones
            n = draw(st.one_of(st.integers(0, 6), st.integers(20, 40)))
            if n:
                resp[unit, cats] = n
                ans[unit, cats] = n - draw(st.integers(0, min(n, 2)))
    return providers, resp, ans


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(provider_rounds())
def test_no_provider_can_be_worked_out_from_the_total_and_the_others(case: tuple[int, dict, dict]) -> None:
    providers, resp_by_index, ans_by_index = case
    tree = _tree([providers])  # the municipality, the owner unit, one unit per provider
    units = sorted(n.id for n in tree.nodes.values() if n.is_survey_unit)
    resp = {(units[i], cats): n for (i, cats), n in resp_by_index.items()}
    ans = {(units[i], cats): n for (i, cats), n in ans_by_index.items()}
    respondents, answers = _decide(tree, resp, ans, LAYOUT)
    published = _published(respondents, answers)
    assert all(n == 0 or n >= K for n in published.values())
    for unit in units:  # a small provider's column shows no number at all
        mine = sum(n for (u, _cats), n in resp.items() if u == unit)
        if 0 < mine < K:
            assert not respondents[cell_key(unit)].shown
    # total − the others, or any other combination of what is shown, pins no small count
    assert leaks(answer_table(tree, LAYOUT, resp, ans), published) == []
