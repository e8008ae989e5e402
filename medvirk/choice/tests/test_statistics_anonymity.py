"""Choice statistics against an attacker who sees everything shown and knows every relation.

The attacker is a competitor: it knows its own clients and switches and sees the service's
totals next to every provider's figures. Each case builds the one table of a service-year
(``statistics.build_table``), lets the suppression decide, and then, for every count of 1 to
k−1 people (and every never-shown remainder that small), solves the linear programs of
``analysis.suppression.attacker_interval`` over all shown counts: the attacker must not be able
to rule out that the group is empty, nor that it holds k or more. Pure: no database.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from medvirk.analysis.suppression import attacker_interval
from medvirk.choice.statistics import (
    DIMENSIONS,
    CurrentClient,
    Facts,
    FirstChoice,
    SwitchFact,
    build_table,
    chosen_key,
    current_key,
    decide,
    first_key,
    switch_key,
)

PROVIDERS = (11, 12, 13)
CATEGORIES = {
    "immigrant_background": ("immigrant", "rest"),
    "language": ("norwegian", "other"),
    "age_band": ("67-79", "80+"),
    "district": ("999901", "999902"),
}
REASONS = ("too_many_staff", "language", "other")


def background() -> st.SearchStrategy[dict[str, str]]:
    return st.fixed_dictionaries({d: st.sampled_from((*CATEGORIES[d], "")) for d in DIMENSIONS})


first_choices = st.lists(
    st.builds(FirstChoice, st.sampled_from(("active", "default")), st.sampled_from(PROVIDERS), background()),
    max_size=30,
)
current_clients = st.lists(st.builds(CurrentClient, st.sampled_from(PROVIDERS), background()), max_size=30)
switches = st.lists(
    st.tuples(
        st.sampled_from(PROVIDERS), st.sampled_from(PROVIDERS), st.sets(st.sampled_from(REASONS))
    ).filter(lambda t: t[0] != t[1]),
    max_size=14,
)


def facts_of(
    first: list[FirstChoice], current: list[CurrentClient], moves: list[tuple[int, int, set[str]]]
) -> Facts:
    return Facts(
        providers=PROVIDERS,
        categories=CATEGORIES,
        reasons=REASONS,
        first=first,
        current=current,
        switches=[SwitchFact(a, b, frozenset(r)) for a, b, r in moves],
    )


def assert_protected(facts: Facts, k: int = 5) -> None:
    table = build_table(facts)
    decision = decide(facts, k)
    hidden = {d.key for d in decision.decisions if not d.shown}
    for cell in table.cells:
        if cell.key not in hidden:
            assert cell.published, cell.key
            assert not 0 < cell.count < k, f"{cell.key} shows {cell.count}"
            continue
        if not (0 < cell.count < k and cell.protect):
            continue
        low, high = attacker_interval(table, hidden, cell.key)
        assert low < 0.5, f"{cell.key}: the attacker knows it is not empty (≥ {low})"
        assert high > k - 0.5, f"{cell.key}: the attacker knows it is below {k} (≤ {high})"


@settings(max_examples=25)
@given(first=first_choices, current=current_clients, moves=switches)
def test_no_small_group_can_be_derived(
    first: list[FirstChoice], current: list[CurrentClient], moves: list[tuple[int, int, set[str]]]
) -> None:
    assert_protected(facts_of(first, current, moves))


@settings(max_examples=10)
@given(first=first_choices, current=current_clients, moves=switches, k=st.integers(6, 9))
def test_a_higher_municipal_threshold_holds_too(
    first: list[FirstChoice], current: list[CurrentClient], moves: list[tuple[int, int, set[str]]], k: int
) -> None:
    assert_protected(facts_of(first, current, moves), k)


def _clients(provider: int, n: int, **bg: str) -> list[CurrentClient]:
    return [CurrentClient(provider, {d: bg.get(d, "") for d in DIMENSIONS}) for _ in range(n)]


def test_total_minus_the_other_providers_does_not_give_a_small_provider() -> None:
    """A competitor sees the total and its own count: the third provider's 2 clients stay hidden."""
    current = _clients(11, 20) + _clients(12, 9) + _clients(13, 2)
    facts = facts_of([], current, [])
    decision = decide(facts, 5)
    assert decision[current_key(13)].count is None
    shown = [decision[current_key(p)].count is not None for p in PROVIDERS]
    # Either the total or a second provider is hidden as well, so nothing pins the 2 down.
    assert decision[current_key()].count is None or shown.count(True) <= 1
    assert_protected(facts)


def test_a_small_group_that_did_not_choose_is_hidden_with_its_complement() -> None:
    """3 immigrants all got the default: 'active 0 of 3' must not appear, nor follow from the rest."""
    rest = {"immigrant_background": "rest"}
    immigrant = {"immigrant_background": "immigrant"}
    first = [FirstChoice("active", 11, rest) for _ in range(12)] + [
        FirstChoice("default", 12, rest) for _ in range(8)
    ]
    first += [FirstChoice("default", 12, immigrant) for _ in range(3)]
    facts = facts_of(first, [], [])
    decision = decide(facts, 5)
    assert decision[first_key("all", "immigrant_background", "immigrant")].count is None
    assert decision[first_key("default", "immigrant_background", "immigrant")].count is None
    assert decision[first_key()].count == 23  # the total stays visible
    assert_protected(facts)


def test_large_groups_are_shown_exactly() -> None:
    first = [FirstChoice("active", p, {}) for p in PROVIDERS for _ in range(10)]
    first += [FirstChoice("default", 11, {}) for _ in range(10)]
    decision = decide(facts_of(first, [], []), 5)
    assert decision[first_key()].count == 40
    assert decision[first_key("active")].count == 30
    assert decision[first_key("default")].count == 10
    assert [decision[chosen_key(p)].count for p in PROVIDERS] == [10, 10, 10]
    # "Not stated" holds everyone here, and the empty categories are shown as 0.
    assert decision[first_key("all", "language", "")].count == 40
    assert decision[first_key("all", "language", "other")].count == 0


def test_reasons_per_provider_add_up_to_the_reason() -> None:
    moves = [(11, 12, {"too_many_staff"})] * 6 + [(12, 13, {"too_many_staff", "language"})] * 6
    facts = facts_of([], [], moves)
    decision = decide(facts, 5)
    assert decision[switch_key()].count == 12
    assert decision[switch_key(reason="too_many_staff")].count == 12
    assert decision[switch_key(side="from", provider=11, reason="too_many_staff")].count == 6
    assert decision[switch_key(reason="too_many_staff", cited=False)].count is None  # never shown
    assert_protected(facts)
