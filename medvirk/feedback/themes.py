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

Themes are made **per calendar half-year that has ended**, from the conversations held in it,
as the outcome dashboard's figures are: over all time the figures moved with every conversation
recorded, so a leader who saw a known person have one read that person's goals off the
difference (red team 4). A conversation cannot be recorded with a date before the running
half-year (``services.ensure_running_half_year``), and a half-year is offered only while the
daily purge (``retention.CONVERSATIONS``) has taken none of its conversations
(:func:`periods_for`), so the figures of a half-year never change while they are shown.

Pages never work this out (issue 21): as the outcome dashboard's boards are (``dashboard.py``),
the worker (the ``feedback.themes`` job, ``manage.py warm_feedback``) groups the municipality's
goals, decides them and keeps every unit's result (:class:`Figures`) under the data version
(:func:`data_version`: ``ThemesVersion``, which every save or deletion of a conversation or of
its goals moves, and the unit tree). A page reads the figures of the current version; while the
worker makes a new version's it shows the latest earlier ones, marked "being updated"; with
none, the job's progress (the API answers 202).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count
from django.utils import timezone

from medvirk.analysis.suppression import SuppressionPolicy, TableBuilder, suppress
from medvirk.analysis.text import cluster_themes, mask_pii, without_placeholders
from medvirk.core.jobs import JobPending
from medvirk.core.retention import cutoff_for, retention_amount, retention_kind_by_key
from medvirk.core.tenancy import co_located
from medvirk.orgs.models import OrgUnit

from .dashboard import Period, ended_periods
from .halfyear_tree import half_year_parents, in_half_year, kept_parents
from .kept import Kept
from .models import Conversation, Goal, ThemesVersion

EXAMPLES = 3
THRESHOLD = 8  # the free-text threshold: people asked, and goals per theme
PEOPLE, GOALS, NONE = "people", "goals", "none"  # families of the table besides the themes
# Bump when what Figures hold or how they are worked out changes. 2: per half-year.
FIGURES_VERSION = 2
RETENTION_KIND = "feedback.conversations"  # retention.CONVERSATIONS (that module imports the services)


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
    period: Period | None  # the half-year the conversations were held in; None: none can be shown yet
    being_updated: bool = False  # an earlier version's figures, while the worker makes the current ones


@dataclass(frozen=True)
class Decided:
    """What one unit's page may show (pure: :func:`decide_themes`)."""

    people: int | None  # None: hidden
    themes: tuple[Theme, ...]  # shown themes, then "other" where the unit's goals are shown


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
    result = cluster_themes([without_placeholders(text) for _unit, text in goals]) if goals else None
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


@dataclass(frozen=True)
class Figures:
    """Every unit's decided themes of a municipality, as the worker made them."""

    decided: dict[int, Decided]
    goals: dict[int, int]  # unit → its goals (subtree), where shown


class ThemesPending(JobPending):
    """No figures of the municipality yet: the worker is making them (``job``)."""


def periods_for(municipality: int, today: date) -> list[Period]:
    """Return the half-years whose themes can be shown, newest first: ended (no conversation
    comes into them any more) and begun on or after the retention cut-off (the daily purge,
    which deletes conversations held before it, has taken none of theirs)."""
    kind = retention_kind_by_key(RETENTION_KIND)
    assert kind is not None
    cutoff = cutoff_for(kind, retention_amount(municipality, RETENTION_KIND), timezone.now()).date()
    return [p for p in ended_periods(today) if p.start >= cutoff]


def _load(
    municipality: int, period: Period
) -> tuple[dict[int, int | None], dict[int, int], list[tuple[int, str]]]:
    """The unit tree (as the half-year's figures were first worked out on it: ``halfyear_tree``),
    the half-year's conversations per unit (one GROUP BY) and their masked goals."""
    parents = kept_parents(municipality, period)
    conversations = Conversation.objects.filter(
        municipality_id=municipality, held_on__gte=period.start, held_on__lte=period.end
    )
    people = dict(
        conversations.order_by().values("unit_id").annotate(n=Count("id")).values_list("unit_id", "n")
    )
    goals = [
        (unit_id, mask_pii(text).text)
        for unit_id, text in Goal.objects.filter(
            co_located("conversation"), municipality_id=municipality, conversation__in=conversations
        )
        .exclude(text="")
        .order_by("id")
        .values_list("conversation__unit_id", "text")
    ]
    return parents, people, goals


def compute(municipality: int, period: Period, *, threshold: int = THRESHOLD) -> Figures:
    """Group and decide a half-year's goals (the worker's part; pages read :func:`figures_for`)."""
    decided, counts, shown = decide_themes(*_load(municipality, period), threshold)
    goals = {unit: counts[cell(GOALS, unit)] for unit in decided if cell(GOALS, unit) in shown}
    return Figures(decided, goals)


# --- the data version and the figures kept under it ---------------------------------------------
_KEPT: Kept[Figures] = Kept("mv-feedback-themes")


def data_version(municipality: int, period: Period) -> tuple[str, str] | None:
    """Return (key, frame) of a municipality-half-year's conversations: three small reads, no GROUP BY.

    The frame is everything but the conversations (the half-year, its unit tree, the threshold,
    the rules' version); None while the municipality has never recorded a conversation.
    """
    row = ThemesVersion.objects.filter(municipality_id=municipality).values_list("token", "revision").first()
    if row is None:
        return None
    today = dict(OrgUnit.objects.filter(municipality_id=municipality).values_list("pk", "parent_id"))
    # The half-year's tree: a unit moved after it ended moves neither the figures nor the frame.
    units = sorted(in_half_year(today, half_year_parents(municipality, period)).items())
    frame = hashlib.sha256(
        repr((FIGURES_VERSION, municipality, period.key, THRESHOLD, units)).encode()
    ).hexdigest()[:40]
    return hashlib.sha256(f"{frame}:{row[0]}:{row[1]}".encode()).hexdigest()[:40], frame


def prepare(municipality: int, period: Period) -> Figures:
    """Work out (or find) a half-year's figures of the current data version and keep them.

    The version is read before the goals, so figures are never kept under a newer version than
    their data (a conversation recorded meanwhile moves the version again).
    """
    version = data_version(municipality, period)
    if version is not None and (figures := _KEPT.get(version[0])) is not None:
        return figures
    figures = compute(municipality, period)
    if version is not None:
        _KEPT.keep(*version, figures)
    return figures


def figures_for(
    municipality: Any, period: Period, *, user: Any = None, next_url: str = ""
) -> tuple[Figures, bool]:
    """Return the figures a page shows and whether they are an earlier version's.

    With a ``user`` (pages, the API) nothing is worked out in the request: the worker is asked
    (``feedback.themes``) and meanwhile the latest earlier figures of the same frame are shown;
    :class:`ThemesPending` when there are none. Without one (commands, the worker) they are made here.
    """
    version = data_version(municipality.pk, period)
    if version is not None and (figures := _KEPT.get(version[0])) is not None:
        return figures, False
    if user is None or version is None:
        # No conversation ever: nothing to group or keep (every count is 0).
        return prepare(municipality.pk, period), False
    from .jobs import themes_start

    job = themes_start(user=user, municipality=municipality, period=period, next_url=next_url)
    if (figures := _KEPT.get(version[0])) is not None:
        return figures, False
    earlier = _KEPT.latest(version[1])
    if earlier is None:
        raise ThemesPending(job)
    return earlier, True


def clear_cache() -> None:
    """Forget the figures this process holds (tests)."""
    _KEPT.clear()


def what_matters(
    unit: OrgUnit, period: Period | None = None, *, user: Any = None, next_url: str = ""
) -> WhatMatters:
    """Return the themes of the goals recorded in ``unit`` and below it in a half-year (by
    default the newest :func:`periods_for` offers), as decided for the whole municipality (so no
    two units' figures give away a smaller group's).

    Read from what the worker keeps (:func:`figures_for`; :class:`ThemesPending` with a ``user``
    while there is nothing yet). A half-year :func:`periods_for` does not offer shows nothing.
    """
    periods = periods_for(unit.municipality_id, timezone.localdate())
    period = period or (periods[0] if periods else None)
    if period is None or period not in periods:
        return WhatMatters(unit, 0, 0, False, (), None)
    figures, being_updated = figures_for(unit.municipality, period, user=user, next_url=next_url)
    mine = figures.decided.get(unit.pk, Decided(None, ()))
    if mine.people is None:
        return WhatMatters(unit, 0, 0, False, (), period, being_updated)
    return WhatMatters(
        unit, mine.people, figures.goals.get(unit.pk, 0), True, mine.themes, period, being_updated
    )


def _examples(goals: Sequence[tuple[int, str]], members: Sequence[int]) -> tuple[str, ...]:
    out: list[str] = []
    for i in sorted(members):
        if goals[i][1] not in out:
            out.append(goals[i][1])
            if len(out) == EXAMPLES:
                break
    return tuple(out)
