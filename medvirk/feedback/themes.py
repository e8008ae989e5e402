"""What matters to a unit's users: the goals of its "Hva er viktig for deg?" conversations as themes.

Anonymous aggregation per unit (the unit and everything below it): goals are masked for e-mail
addresses, phone and national identity numbers and grouped into lexical themes with the same
method as free-text answers (``analysis.text.cluster_themes``), **once for the whole
municipality**, so a theme means the same in every unit. A leader who sees a district and one of
its units could otherwise subtract the unit's figures from the district's (people asked, goals
of a theme) and learn a smaller unit's. So, as the dashboard's counts are (issue 16), every
figure is decided in one table with ``analysis.suppression`` (threshold: the free-text one, 8):
per unit, the people asked and the goals of each theme, its own and its subtree's, with every
relation (a subtree is the unit's own plus its children's; a unit's goals are its themes' plus
those in none). A unit's page shows its people and the themes whose counts are shown; every
other goal is "other", shown with its count only where the unit's goals are. Examples are
masked goals, never who said them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from medvirk.analysis.suppression import SuppressionPolicy, TableBuilder, suppress
from medvirk.analysis.text import DEFAULT_REPLACEMENTS, cluster_themes, mask_pii
from medvirk.orgs.models import OrgUnit

from .models import Conversation, Goal

EXAMPLES = 3
THRESHOLD = 8  # the free-text threshold: people asked, and goals per theme
PEOPLE, GOALS, NONE = "people", "goals", "none"  # families of the table besides the themes


@dataclass(frozen=True)
class Theme:
    label: str  # "" for "other"
    count: int
    examples: tuple[str, ...]


@dataclass(frozen=True)
class WhatMatters:
    unit: OrgUnit
    people: int
    goals: int
    shown: bool  # the unit's people are shown (at least the threshold, and no subtraction gives less)
    themes: tuple[Theme, ...]


@dataclass(frozen=True)
class Decided:
    """What one unit's page may show (pure: :func:`decide_themes`)."""

    people: int | None  # None: hidden
    themes: tuple[Theme, ...]  # shown themes, then "other" where the unit's goals are shown


def _plain(text: str) -> str:
    for placeholder in DEFAULT_REPLACEMENTS.values():
        text = text.replace(placeholder, " ")
    return text


def cell(family: str, unit: int, own: bool = False) -> str:
    return f"{family}@{unit}{'/own' if own else ''}"


def decide_themes(
    parents: Mapping[int, int | None],
    people: Mapping[int, int],
    goals: Sequence[tuple[int, str]],
    threshold: int = THRESHOLD,
) -> tuple[dict[int, Decided], dict[str, int], set[str]]:
    """Decide every unit's figures together.

    ``parents``: unit → parent (None at the top); ``people``: unit → conversations recorded at
    the unit itself; ``goals``: (unit, masked text) of those conversations. Returns each
    unit's :class:`Decided`, every cell's true count and the cells shown (for the attacker
    tests).
    """
    children: dict[int, list[int]] = defaultdict(list)
    for unit, parent in parents.items():
        if parent is not None and parent in parents:
            children[parent].append(unit)
    result = cluster_themes([_plain(text) for _unit, text in goals]) if goals else None
    families = [PEOPLE, GOALS, NONE]
    theme_of: dict[int, str] = {}
    labels: dict[str, str] = {}
    if result is not None:
        for i, theme in enumerate(result.themes):
            key = f"t{i}"
            families.append(key)
            labels[key] = theme.label
            for member in theme.members:
                theme_of[member] = key
    own: dict[tuple[str, int], int] = defaultdict(int)
    texts: dict[tuple[str, int], list[int]] = defaultdict(list)  # own goals' indices per family
    for unit, n in people.items():
        own[PEOPLE, unit] += n
    for i, (unit, _text) in enumerate(goals):
        family = theme_of.get(i, NONE)
        own[family, unit] += 1
        own[GOALS, unit] += 1
        texts[family, unit].append(i)
    b = TableBuilder()
    subtree: dict[tuple[str, int], int] = {}

    def total(family: str, unit: int) -> int:
        if (family, unit) not in subtree:
            subtree[family, unit] = own[family, unit] + sum(total(family, kid) for kid in children[unit])
        return subtree[family, unit]

    for family in families:
        for unit in parents:
            b.cell(cell(family, unit), total(family, unit))
            b.cell(cell(family, unit, own=True), own[family, unit])
            b.relation(
                cell(family, unit), [cell(family, unit, True), *(cell(family, k) for k in children[unit])]
            )
    themes = [f for f in families if f not in (PEOPLE, GOALS)]
    for unit in parents:
        for mine in (False, True):
            b.relation(cell(GOALS, unit, mine), [cell(f, unit, mine) for f in themes])
    table = b.build()
    # Never published: a unit's own figures (apart from its subtree's) and the goals in no theme.
    never = [c.key for c in table.cells if c.key.endswith("/own") or c.key.startswith(f"{NONE}@")]
    decision = suppress(table, SuppressionPolicy(threshold=threshold, text_threshold=threshold), hide=never)
    shown = {d.key for d in decision.decisions if d.shown}
    counts = {c.key: c.count for c in table.cells}
    out: dict[int, Decided] = {}
    for unit in parents:
        if cell(PEOPLE, unit) not in shown or not counts[cell(PEOPLE, unit)]:
            out[unit] = Decided(None, ())
            continue
        below = _below(unit, children)
        listed: list[Theme] = []
        rest: list[int] = []
        for family in themes:
            members = [i for u in below for i in texts[family, u]]
            if family != NONE and cell(family, unit) in shown and counts[cell(family, unit)]:
                listed.append(Theme(labels[family], counts[cell(family, unit)], _examples(goals, members)))
            else:
                rest += members
        listed.sort(key=lambda t: -t.count)
        if rest and listed and cell(GOALS, unit) in shown:
            listed.append(Theme("", len(rest), _examples(goals, rest)))
        out[unit] = Decided(counts[cell(PEOPLE, unit)], tuple(listed))
    return out, counts, shown


def _below(unit: int, children: Mapping[int, list[int]]) -> list[int]:
    out, stack = [], [unit]
    while stack:
        current = stack.pop()
        out.append(current)
        stack.extend(children.get(current, ()))
    return out


def what_matters(unit: OrgUnit, *, threshold: int = THRESHOLD, since: object = None) -> WhatMatters:
    """Return the themes of the goals recorded in ``unit`` and below it, as decided for the
    whole municipality (so no two units' figures give away a smaller group's)."""
    municipality = unit.municipality_id
    parents = dict(OrgUnit.objects.filter(municipality_id=municipality).values_list("pk", "parent_id"))
    conversations = Conversation.objects.filter(municipality_id=municipality)
    if since is not None:
        conversations = conversations.filter(held_on__gte=since)
    people: dict[int, int] = defaultdict(int)
    for unit_id in conversations.values_list("unit_id", flat=True):
        people[unit_id] += 1
    goals = [
        (unit_id, mask_pii(text).text)
        for unit_id, text in Goal.objects.filter(municipality_id=municipality, conversation__in=conversations)
        .exclude(text="")
        .order_by("id")
        .values_list("conversation__unit_id", "text")
    ]
    decided, counts, shown = decide_themes(parents, people, goals, threshold)
    mine = decided.get(unit.pk, Decided(None, ()))
    goal_count = counts.get(cell(GOALS, unit.pk), 0) if cell(GOALS, unit.pk) in shown else 0
    if mine.people is None:
        return WhatMatters(unit, 0, 0, False, ())
    return WhatMatters(unit, mine.people, goal_count, True, mine.themes)


def _examples(goals: Sequence[tuple[int, str]], members: Sequence[int]) -> tuple[str, ...]:
    out: list[str] = []
    for i in sorted(members):
        if goals[i][1] not in out:
            out.append(goals[i][1])
            if len(out) == EXAMPLES:
                break
    return tuple(out)
