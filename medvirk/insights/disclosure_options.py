"""Which answer-option counts of a question may be shown, in every group, decided together.

A shown group's figures are more than its number of answers: how many chose each option (and
their shares), the top-box share, "don't know", and the mean with its confidence interval.
Options chosen by fewer than the option minimum *m* are withheld ("other options"), but every
other published figure is a linear equation in the option counts, and equations combine:

* ``n = Σ count`` and the shown counts give the merged options' total;
* the mean gives ``Σ value · count`` and its interval the standard deviation, so
  ``Σ value² · count``: with two options merged, their counts follow exactly (issue 16:
  Bydel Nord, n = 32, mean 4.96875, 5: 13, 6: 10, other 9 → 3: 2 and 4: 7);
* the top-box share gives the sum of the options in the top box;
* a group's option counts add up over the unit tree and over background groups like its
  answers do, so a district's count minus the shown units' counts gives a hidden one's.

So the option counts of one question are decided in one table per survey round (this module):
per group of the round's unit tree × background slots (:mod:`.disclosure`), one cell per
option (threshold *m*) with the tree and slot relations, the group's answers as their sum, one
cell per published top-box sum, the group's "don't know" answers, and the respondents and
answers of the round's earlier decisions (fixed: ``known`` where shown, hidden where hidden,
both audited again at the group threshold, since option counts are more equations about them).
:func:`medvirk.analysis.suppression.suppress` then withholds more option counts (merging more
options, or withholding a "don't know" or top-box figure) until no small cell can be narrowed.

The mean, its interval and every statistic computed from all answers of a group (theme index,
trend, equity's mean and weighted figures) are shown only where every option count of the
group is shown: then they are functions of shown counts and tell an attacker nothing more.
That is what the rule costs: a group with a merged option shows its distribution and, where
its cell is shown, its top-box share, but no mean (see docs/methods-suppression.md).

Cell keys are ``<family><cell_key>`` with families ``o<i>:`` (the layout's *i*-th option),
``d:`` ("don't know"), ``t<i>:`` (the *i*-th published top-box sum), as in :func:`cell_key`.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from medvirk.analysis.suppression import (
    CellDecision,
    CellStatus,
    FigureKind,
    Reason,
    SuppressedTable,
    SuppressionPolicy,
    Table,
    TableBuilder,
    suppress,
)
from medvirk.surveys.types import Scale, question_type

from .disclosure import ANSWER, Marginals, _add_tree, _is_answer, _Shape
from .questions import DONT_KNOW, QuestionInfo
from .selectors import Registry

DONT_KNOW_FAMILY = "d:"
_REST = "s:"  # respondents who neither answered on the scale nor said "don't know" (never shown)
_NOT_CHOSEN = "n"  # multiple choice: answered the question but did not choose this option


OPTION_PREFIX = "o"  # every option family's key starts with it (``option_family``)


def option_family(position: int) -> str:
    """Return the key prefix of the layout's option at ``position``."""
    return f"o{position}:"


def top_family(position: int) -> str:
    """Return the key prefix of the layout's top-box sum at ``position``."""
    return f"t{position}:"


@dataclass(frozen=True)
class OptionLayout:
    """How one question's answers split into option cells.

    ``options``: option ids in cell order ("don't know" left out; None for answers without an
    option). ``published``: those whose counts the results may show (visible options).
    ``tops``: the option sets whose sums are published (top-box shares), by name (``"results"``,
    ``"equity"``); names sharing a set share a cell. ``exclusive``: one answer per respondent
    (the options add up to the answers); multiple choice otherwise. ``dont_know_published``:
    the results show the "don't know" count.
    """

    options: tuple[int | None, ...]
    published: frozenset[int | None]
    dont_know: int | None
    dont_know_published: bool
    exclusive: bool
    tops: Mapping[str, frozenset[int]]

    @functools.cached_property
    def top_sets(self) -> tuple[frozenset[int], ...]:
        """Return the distinct top-box option sets, in a stable order (one cell family each)."""
        return tuple(sorted(set(self.tops.values()), key=lambda s: sorted(s)))

    def structure(self) -> tuple[Any, ...]:
        """Return what the table's shape depends on (not the option ids themselves)."""
        position = {o: i for i, o in enumerate(self.options)}
        return (
            len(self.options),
            tuple(o in self.published for o in self.options),
            self.dont_know is not None,
            self.dont_know_published,
            self.exclusive,
            tuple(tuple(sorted(position[o] for o in top if o in position)) for top in self.top_sets),
        )


@dataclass(frozen=True)
class OptionView:
    """What may be shown of one shown group's answers to one question.

    ``shown``: option ids whose counts may be shown (zeros included). ``mean``: every visible
    option's count is shown, so the mean, its interval and anything computed from all answers
    may be shown. ``tops``: names of the top-box sums that may be shown. ``dont_know``: the
    "don't know" count may be shown. ``merged_total``: the withheld options' total may be shown.
    """

    shown: frozenset[int | None]
    mean: bool
    tops: frozenset[str]
    dont_know: bool
    merged_total: bool

    def top(self, name: str = "results") -> bool:
        """Return whether the top-box sum ``name`` may be shown."""
        return name in self.tops


def option_layout(info: QuestionInfo, registry: Registry, answered: Iterable[int | None]) -> OptionLayout:
    """Return a question's option layout: its visible options, then options hidden since (never
    shown, but their answers count), then answers without an option if there are any."""
    dont_know = registry.option_id.get((info.id, DONT_KNOW))
    visible = [o.id for o in info.options if o.key != DONT_KNOW]
    hidden = sorted(
        oid for (qid, key), oid in registry.option_id.items() if qid == info.id and key != DONT_KNOW
    )
    options: list[int | None] = [*visible, *(o for o in hidden if o not in visible)]
    if None in set(answered):
        options.append(None)
    tops: dict[str, frozenset[int]] = {}
    if info.scale is not None:
        values = {o.id: o.value for o in info.options if o.value is not None}
        tops["results"] = frozenset(o for o, v in values.items() if v >= info.scale.top_box_from())
        if question_type(info.qtype).equity_top_box:
            wanted = equity_top_values(info.scale)
            tops["equity"] = frozenset(o for o, v in values.items() if v in wanted)
    return OptionLayout(
        options=tuple(options),
        published=frozenset(visible),
        dont_know=dont_know,
        dont_know_published=info.dont_know is not None,
        exclusive=info.exclusive,
        tops=tops,
    )


def first_place_layout(info: QuestionInfo, without_first: bool) -> OptionLayout:
    """Return a ranking question's first places as an option layout: each respondent who ranked
    put exactly one option first, so the first places are the options of a single choice whose
    answers are the respondents who ranked (``without_first``: some ranked but put nothing
    first, an unpublished remainder). Shares of first places are the figures; no top box."""
    options: list[int | None] = [o.id for o in info.options]
    if without_first:
        options.append(None)
    return OptionLayout(
        options=tuple(options),
        published=frozenset(o.id for o in info.options),
        dont_know=None,
        dont_know_published=False,
        exclusive=True,
        tops={},
    )


def equity_top_values(scale: Scale) -> tuple[int, ...]:
    """Return the scale values the equity report counts as its top box: the two highest."""
    return (scale.max - 1, scale.max)


def _template(shape: _Shape, structure: tuple[Any, ...], k: int, m: int) -> Table:
    """Return the option table of a question structure with every count 0 (cached on the shape)."""
    cache = shape.option_templates
    key = (structure, k, m)
    if key in cache:
        return cache[key]
    n_options, published, has_dk, dk_published, exclusive, tops = structure
    zeros = [0] * shape.size
    b = TableBuilder()
    r_keys = _add_tree(b, shape, zeros, "", threshold=k)
    _add_tree(b, shape, zeros, ANSWER, threshold=k)
    # The remainder's and the complements' own sums follow from the other families' sums.
    _add_tree(b, shape, zeros, _REST, published=False, protect=False, relations=False)
    if has_dk:
        # "Don't know" is shown as a count beside the answers, like how many did not answer
        # (respondents minus answers, public by design): not an answer on the scale, so neither
        # small by rule 1 (threshold 1) nor protected, but a known quantity in every relation.
        _add_tree(b, shape, zeros, DONT_KNOW_FAMILY, published=dk_published, protect=False, threshold=1)
    for i in range(n_options):
        _add_tree(b, shape, zeros, option_family(i), published=published[i], threshold=m)
        if not exclusive:
            _add_tree(b, shape, zeros, f"{_NOT_CHOSEN}{i}:", published=False, protect=False, relations=False)
    for t in range(len(tops)):
        _add_tree(b, shape, zeros, top_family(t), protect=False, relations=False)
    for group in r_keys:
        b.relation(group, [ANSWER + group, *([DONT_KNOW_FAMILY + group] if has_dk else []), _REST + group])
        options = [option_family(i) + group for i in range(n_options)]
        if exclusive:
            if options:
                b.relation(ANSWER + group, options)
        else:
            for i, option in enumerate(options):
                b.relation(ANSWER + group, [option, f"{_NOT_CHOSEN}{i}:{group}"])
        for t, members in enumerate(tops):
            b.relation(top_family(t) + group, [option_family(i) + group for i in members])
    table = b.build()
    cache[key] = table
    return table


def option_table(
    shape: _Shape,
    layout: OptionLayout,
    respondents: Marginals,
    answers: Marginals,
    per_option: Mapping[int | None, Marginals],
    dont_know: Marginals | None,
    policy: SuppressionPolicy,
) -> Table:
    """Build a question's option table from counts per (survey unit, slot) (pure; used by tests)."""
    structure = layout.structure()
    template = _template(shape, structure, policy.threshold, policy.option_min_answers)
    r, q = shape.counts(respondents), shape.counts(answers)
    dk = shape.counts(dont_know) if layout.dont_know is not None and dont_know is not None else None
    options = [shape.counts(per_option.get(o, Marginals())) for o in layout.options]
    rest = r - q - (dk if dk is not None else 0)
    if rest.min(initial=0) < 0:
        raise ValueError("a group has more answers than respondents")
    families = [r, q, rest]
    if layout.dont_know is not None:
        families.append(dk if dk is not None else np.zeros_like(r))
    for option in options:
        families.append(option)
        if not layout.exclusive:
            families.append(q - option)
    position = {o: i for i, o in enumerate(layout.options)}
    for top in layout.top_sets:
        families.append(sum((options[position[o]] for o in top if o in position), np.zeros_like(r)))
    return template.recounted(np.concatenate(families).tolist())


def _families_of(key: str) -> bool:
    """Return whether a cell holds a figure of the option decision (options, don't know, top-box)."""
    return key[:1] in ("o", "t") or key.startswith(DONT_KNOW_FAMILY)


def _answer_side(key: str) -> bool:
    """Return whether a cell is about answers (not respondents, "don't know" or no answer)."""
    return key.startswith((ANSWER, "o", "t", _NOT_CHOSEN))


def decide_options(
    table: Table,
    respondents: SuppressedTable,
    answers: SuppressedTable,
    policy: SuppressionPolicy,
    *,
    seconds: float | None = None,
    also_small: frozenset[str] = frozenset(),
) -> SuppressedTable:
    """Decide which option, "don't know" and top-box counts may be shown, given the earlier decisions.

    The respondents' and the question's decisions are fixed: their shown cells are ``known``,
    their hidden cells stay hidden, and so does every figure of a group whose answers are
    hidden. Two linked steps, as for the answers (:func:`.disclosure.decide_answers`):
    (a) the answers' side of the table alone (answers, options, top-box sums) protects small
    option counts (threshold *m*) and small answer counts (threshold *k*); (b) the whole table
    protects small option and respondent counts against everything, "don't know" and how many
    did not answer included. How many of a shown group answered is not itself protected in (b),
    as in the answers' decision. Only option, "don't know" and top-box cells are hidden to
    protect them. Returns the decisions of those cells only.

    ``also_small``: option cells that are small whatever their count (answers, but too few
    through channels that count; the table then holds the counted answers, ``counted.py``).
    """
    hidden_groups = [d.key for d in answers.decisions if not d.shown]
    prefixes = {cell.key[: cell.key.index(":") + 1] for cell in table.cells if _families_of(cell.key)}
    figures_hidden = [p + key for key in hidden_groups for p in prefixes if p + key in table]
    # A hidden group's option counts are withheld with it, and protected at the option minimum
    # like any other: the shown groups around it (a unit's count of an option minus its shown
    # background groups' counts) must not pin how many of it chose an option to 1 … m−1.
    # Where that cannot be done (a hidden group whose answers follow exactly from shown
    # figures, as under the counted-channels rule), every option figure of the question is
    # withheld: safe, never a failed page.
    try:
        return _decide_options(
            table, respondents, answers, policy, seconds, figures_hidden, hidden_groups, also_small
        )
    except RuntimeError:
        cells = tuple(
            CellDecision(c.key, CellStatus.SECONDARY, Reason.BLOCKS_INFERENCE, None)
            for c in table.cells
            if _families_of(c.key)
        )
        return SuppressedTable(cells, policy.threshold_for(FigureKind.OPTIONS), FigureKind.OPTIONS)


def _decide_options(
    table: Table,
    respondents: SuppressedTable,
    answers: SuppressedTable,
    policy: SuppressionPolicy,
    seconds: float | None,
    figures_hidden: list[str],
    hidden_groups: list[str],
    also_small: frozenset[str] = frozenset(),
) -> SuppressedTable:
    shown_answers = [ANSWER + d.key for d in answers.decisions if d.shown]
    own = table.subtable(_answer_side)
    first = suppress(
        own,
        policy,
        FigureKind.OPTIONS,
        hide=[ANSWER + key for key in hidden_groups] + [k for k in figures_hidden if k in own],
        known=shown_answers,
        also_small=also_small & frozenset(c.key for c in own.cells),
        seconds=seconds,
        dense=True,
    )
    known = [d.key for d in respondents.decisions if d.shown] + shown_answers
    hide = [d.key for d in respondents.decisions if not d.shown] + [ANSWER + key for key in hidden_groups]
    hide += figures_hidden + [d.key for d in first.decisions if not d.shown and _families_of(d.key)]
    linked = table.unprotected(_is_answer)
    decided = suppress(
        linked,
        policy,
        FigureKind.OPTIONS,
        hide=hide,
        known=known,
        also_small=also_small & frozenset(c.key for c in linked.cells),
        seconds=seconds,
        dense=True,
    )
    return SuppressedTable(
        tuple(d for d in decided.decisions if _families_of(d.key)), decided.threshold, decided.kind
    )


def option_view(
    decision: SuppressedTable,
    layout: OptionLayout,
    key: str,
    counts: Mapping[Any, int],
    policy: SuppressionPolicy,
) -> OptionView:
    """Return what may be shown of group ``key`` (a :func:`cell_key`) whose answers are shown.

    ``counts`` are the group's answers per option (private; only used to know whether options
    the results never show were chosen).
    """
    shown = frozenset(
        option for i, option in enumerate(layout.options) if decision.is_shown(option_family(i) + key)
    )
    tops = frozenset(
        name
        for name, members in layout.tops.items()
        if decision.is_shown(top_family(layout.top_sets.index(members)) + key)
    )
    dont_know = layout.dont_know_published and decision.is_shown(DONT_KNOW_FAMILY + key)
    unpublished = any(counts.get(o, 0) for o in layout.options if o not in layout.published)
    return _view(layout, shown, tops, dont_know, unpublished, policy)


def _view(
    layout: OptionLayout,
    shown: frozenset[int | None],
    tops: frozenset[str],
    dont_know: bool,
    unpublished: bool,
    policy: SuppressionPolicy,
) -> OptionView:
    visible = [o for o in layout.options if o in layout.published]
    everything = all(o in shown for o in visible)
    # The withheld options' total is n minus the shown counts, so it tells nothing more, unless
    # answers to options the results never show are in the same difference.
    total = layout.exclusive and not everything and not unpublished and policy.option_action == "merge"
    return OptionView(shown, everything, tops, dont_know, total)


def group_view(layout: OptionLayout, counts: Mapping[Any, int], policy: SuppressionPolicy) -> OptionView:
    """Decide one group on its own (the national benchmark): its counts and their sums.

    For a group no other published group adds up with. Its answers' count is known.
    """
    b = TableBuilder()
    n = sum(counts.get(o, 0) for o in layout.options)
    b.cell(ANSWER, n)
    keys = [
        b.cell(option_family(i), counts.get(o, 0), published=o in layout.published)
        for i, o in enumerate(layout.options)
    ]
    if layout.exclusive and keys:
        b.relation(ANSWER, keys)
    position = {o: i for i, o in enumerate(layout.options)}
    for t, members in enumerate(layout.top_sets):
        b.cell(top_family(t), sum(counts.get(o, 0) for o in members), protect=False)
        b.relation(top_family(t), [keys[position[o]] for o in members if o in position])
    decided = suppress(b.build(), policy, FigureKind.OPTIONS, known=[ANSWER])
    shown = frozenset(o for i, o in enumerate(layout.options) if decided.is_shown(option_family(i)))
    tops = frozenset(
        name
        for name, members in layout.tops.items()
        if decided.is_shown(top_family(layout.top_sets.index(members)))
    )
    unpublished = any(counts.get(o, 0) for o in layout.options if o not in layout.published)
    return _view(layout, shown, tops, True, unpublished, policy)


def per_option_marginals(
    options: Iterable[int | None],
    by_unit: Mapping[int, Mapping[int | None, int]],
    by_dim: Mapping[str, Mapping[tuple[int, str], Mapping[int | None, int]]],
) -> dict[int | None, Marginals]:
    """Return each option's counts per (survey unit, slot) from counts per unit and per (unit, category)."""
    out: dict[int | None, Marginals] = {o: Marginals() for o in options}
    for unit_id, per in by_unit.items():
        for option, n in per.items():
            if option in out and n:
                out[option][unit_id, None] = n
    for dim, cells in by_dim.items():
        for (unit_id, cat), per in cells.items():
            for option, n in per.items():
                if option in out and n:
                    out[option][unit_id, (dim, cat)] = n
    return out
