""" "What matters to our users" attacked with an LP: no smaller group from two units' figures.

Random unit trees with "Hva er viktig for deg?" conversations at any unit, goals drawn from four
topics' wordings (so themes form) and odd ones. Everything each unit's page and the API publish
(people asked, each listed theme's goal count, "other"'s count, hence the unit's goals) is
handed to the project's LP attacker (``attacker_interval``) over a table built here
independently — per unit, its own and its subtree's people and goals per theme, with every
relation — and every group of people or of goals with 0 < n < 8 (a unit's own, or a subtree's)
must stay unprovable: lowest possible 0, highest ≥ 8. Pure: no database.
"""

from __future__ import annotations

from collections import defaultdict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from medvirk.analysis.suppression import TableBuilder, attacker_interval
from medvirk.analysis.text import cluster_themes
from medvirk.feedback import themes as t

# Pure (no database): once, in bin/test's SQLite pass.
pytestmark = pytest.mark.sqlite_only

K = t.THRESHOLD
TOPICS = {
    "buss": ["Ta bussen til byen", "Buss til butikken", "Bussen til legen", "Kjøre buss alene"],
    "venner": ["Treffe venner", "Flere venner", "Venner å prate med", "Besøke venner"],
    "tur": ["Gå tur i skogen", "Tur med hunden", "Gå tur hver dag", "Tur til fjells"],
    "mat": ["Lage mat selv", "Spise god mat", "Mat sammen med andre", "Handle mat"],
}
ODD = ["Synge i kor", "Lese aviser", "Male bilder", "Strikke"]


@st.composite
def municipalities(draw: st.DrawFn) -> tuple[dict[int, int | None], dict[int, int], list[tuple[int, str]]]:
    parents: dict[int, int | None] = {1: None}
    for child in range(2, 2 + draw(st.integers(1, 3))):
        parents[child] = 1
        for grandchild in range(draw(st.integers(0, 2))):
            parents[10 * child + grandchild] = child
    people: dict[int, int] = {}
    goals: list[tuple[int, str]] = []
    for unit in parents:
        people[unit] = draw(st.integers(0, 12))
        for _ in range(people[unit]):
            for _ in range(draw(st.integers(1, 2))):
                topic = draw(st.sampled_from([*TOPICS, "odd"]))
                pool = ODD if topic == "odd" else TOPICS[topic]
                goals.append((unit, draw(st.sampled_from(pool))))
    return parents, people, goals


def attacker_view(
    parents: dict[int, int | None], people: dict[int, int], goals: list[tuple[int, str]]
) -> tuple[object, dict[str, str]]:
    """The true table, built here: families people, goals, each theme and "none"; own and subtree."""
    result = cluster_themes([text for _unit, text in goals])
    family_of = {i: f"t{n}" for n, theme in enumerate(result.themes) for i in theme.members}
    labels = {f"t{n}": theme.label for n, theme in enumerate(result.themes)}
    families = ["people", "goals", "none", *labels]
    own: dict[tuple[str, int], int] = defaultdict(int)
    for unit, n in people.items():
        own["people", unit] = n
    for i, (unit, _text) in enumerate(goals):
        own[family_of.get(i, "none"), unit] += 1
        own["goals", unit] += 1
    children = defaultdict(list)
    for unit, parent in parents.items():
        if parent is not None:
            children[parent].append(unit)

    def subtree(family: str, unit: int) -> int:
        return own[family, unit] + sum(subtree(family, kid) for kid in children[unit])

    b = TableBuilder()
    for family in families:
        for unit in parents:
            b.cell(f"{family}@{unit}", subtree(family, unit))
            b.cell(f"{family}@{unit}/own", own[family, unit])
            b.relation(
                f"{family}@{unit}", [f"{family}@{unit}/own", *(f"{family}@{k}" for k in children[unit])]
            )
    for unit in parents:
        for suffix in ("", "/own"):
            b.relation(f"goals@{unit}{suffix}", [f"{f}@{unit}{suffix}" for f in families[2:]])
    return b.build(), {label: family for family, label in labels.items()}


@settings(max_examples=15)
@given(municipalities())
def test_no_small_group_can_be_derived_from_every_units_themes(
    world: tuple[dict[int, int | None], dict[int, int], list[tuple[int, str]]],
) -> None:
    parents, people, goals = world
    decided, _counts, _shown = t.decide_themes(parents, people, goals)
    table, family_of = attacker_view(parents, people, goals)
    published: dict[str, int] = {}
    for unit, page in decided.items():
        if page.people is None:
            assert not page.themes
            continue
        published[f"people@{unit}"] = page.people
        for theme in page.themes:
            if theme.label:
                published[f"{family_of[theme.label]}@{unit}"] = theme.count
        if any(not theme.label for theme in page.themes):  # "other": the unit's goals are known
            published[f"goals@{unit}"] = sum(theme.count for theme in page.themes)
    cells = {c.key: c.count for c in table.cells}  # type: ignore[attr-defined]
    for key, n in published.items():
        assert cells[key] == n, key  # what is published is true
        assert n >= K or n == 0, key
    hidden = [key for key in cells if key not in published]
    for key in hidden:
        if 0 < cells[key] < K:
            low, high = attacker_interval(table, hidden, key)  # type: ignore[arg-type]
            assert low <= 1e-6 and high >= K - 1e-6, (key, cells[key], low, high)


def test_a_district_minus_its_shown_unit_does_not_give_away_a_small_unit() -> None:
    # District 1 with units 2 (9 people) and 3 (2 people): showing 11 and 9 would give 3's 2.
    parents: dict[int, int | None] = {1: None, 2: 1, 3: 1}
    people = {1: 0, 2: 9, 3: 2}
    goals = [(2, "Ta bussen til byen")] * 9 + [(3, "Ta bussen til byen")] * 2
    decided, _counts, _shown = t.decide_themes(parents, people, goals)
    assert decided[3].people is None
    assert decided[1].people is None or decided[2].people is None
