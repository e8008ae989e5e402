"""The one place where survey results meet anonymity: build tables, suppress, hand out figures.

Pages, charts, exports and the API all take their numbers from :class:`SurveyResults`; nothing
else reads counts. For each figure family a suppression :class:`~medvirk.analysis.suppression.Table`
covers the survey's *whole* unit tree (every survey unit and all its ancestors, whoever is
looking), with the relations ``unit = own respondents + child units``; a breakdown adds
``unit = Σ categories`` and ``unit|category = own|category + Σ child|category``. So a unit,
its district, the municipality and every category are decided together and no difference of
two views (district minus units, total minus categories) isolates fewer than the threshold.
Raw counts stay private to this module; a hidden group yields a figure object without numbers.
"""

from __future__ import annotations

import threading
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.utils.translation import get_language

from medvirk.analysis.intervals import Estimate, wilson_interval
from medvirk.analysis.suppression import (
    DEFAULT_TEXT_THRESHOLD,
    DEFAULT_THRESHOLD,
    FigureKind,
    SuppressedTable,
    SuppressionPolicy,
    Table,
    TableBuilder,
    attacker_interval,
    suppress,
)
from medvirk.surveys.definition import parse_definition
from medvirk.surveys.models import Survey

from . import selectors
from .figures import (
    QuestionFigures,
    ThemeFigure,
    Trend,
    hidden_figures,
    question_figures,
    theme_index,
    trend,
)
from .questions import (
    DONT_KNOW,
    QuestionInfo,
    TextQuestionInfo,
    localise,
    survey_questions,
    text_questions,
)

_EPS = 1e-6

# Counts and suppression decisions per survey and data version, shared by the requests a
# process serves. The key holds the number of complete responses (answers of a complete
# response never change), the definition version, the threshold and the tree's shape, so
# new answers, edits and moved units are seen at once.
_STATE: OrderedDict[tuple[int, ...], dict[Any, Any]] = OrderedDict()
_STATE_MAX = 16
_LOCK = threading.Lock()


def _state_for(survey: Survey, tree: selectors.SurveyTree) -> dict[Any, Any]:
    from medvirk.surveys.models import Response

    complete = Response.objects.filter(survey=survey, complete=True).count()
    shape = hash(tuple((n.id, n.parent_id, n.is_survey_unit) for n in tree.nodes.values()))
    key = (survey.pk, survey.municipality_id, survey.definition_version, survey.threshold, complete, shape)
    with _LOCK:
        state = _STATE.get(key)
        if state is None:
            state = _STATE[key] = {}
            while len(_STATE) > _STATE_MAX:
                _STATE.popitem(last=False)
        else:
            _STATE.move_to_end(key)
    return state


def _shared(method: Callable[[Any], Any]) -> Any:
    """Like ``cached_property``, but kept in the survey's shared state."""

    @wraps(method)
    def get(self: Any) -> Any:
        if method.__name__ not in self._state:
            self._state[method.__name__] = method(self)
        return self._state[method.__name__]

    return property(get)


def policy_for(survey: Survey) -> SuppressionPolicy:
    """Return the survey's thresholds (never below the defaults)."""
    threshold = max(DEFAULT_THRESHOLD, survey.threshold)
    return SuppressionPolicy(threshold=threshold, text_threshold=max(DEFAULT_TEXT_THRESHOLD, threshold))


def node_key(node_id: int, cat: str | None = None) -> str:
    return str(node_id) if cat is None else f"{node_id}|{cat}"


def hierarchy_table(
    tree: selectors.SurveyTree, leaf: Mapping[tuple[int, str], int], cats: Sequence[str] | None = None
) -> Table:
    """Build the table of the survey's unit tree from counts per (survey unit, category).

    Without ``cats`` the category is "" throughout. A unit that is itself a survey unit and has
    survey units below gets a never-shown ``own`` cell, so its own respondents are protected.
    """
    own: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for (unit_id, cat), n in leaf.items():
        if unit_id in tree.nodes:
            own[unit_id][cat if cats is None or cat in cats else ""] += n
    cat_list = list(cats) if cats is not None else [""]
    totals: dict[int, dict[str, int]] = {}
    for node in sorted(tree.nodes.values(), key=lambda n: -n.depth):
        acc = {c: own[node.id].get(c, 0) for c in cat_list}
        for child in tree.children.get(node.id, ()):
            for c in cat_list:
                acc[c] += totals[child][c]
        totals[node.id] = acc
    b = TableBuilder()
    for node in tree.nodes.values():
        b.cell(node_key(node.id), sum(totals[node.id].values()))
        if cats is not None:
            b.breakdown(node_key(node.id), {node_key(node.id, c): totals[node.id][c] for c in cat_list})
    for node in tree.nodes.values():
        kids = list(tree.children.get(node.id, ()))
        if not kids:
            continue
        own_key = None
        if node.is_survey_unit:
            own_key = b.cell(f"{node.id}.own", sum(own[node.id].values()), published=False)
        b.relation(node_key(node.id), ([own_key] if own_key else []) + [node_key(k) for k in kids])
        if cats is None:
            continue
        for c in cat_list:
            own_cat = None
            if own_key:
                own_cat = b.cell(f"{node.id}.own|{c}", own[node.id].get(c, 0), published=False)
            b.relation(node_key(node.id, c), ([own_cat] if own_cat else []) + [node_key(k, c) for k in kids])
        if own_key:
            b.relation(own_key, [f"{node.id}.own|{c}" for c in cat_list])
    return b.build()


def exposed_cells(table: Table, decided: SuppressedTable, also_known: Iterable[str], k: int) -> list[str]:
    """Return the small cells an attacker can pin down if ``also_known`` cells are public too.

    Used when two tables over the same respondents are published (an overview and a
    breakdown): the breakdown's hidden cells are audited with the overview's shown cells.
    """
    known = set(also_known)
    hidden = {d.key for d in decided.decisions if not d.shown and d.key not in known}
    if not any(d.key in known for d in decided.decisions if not d.shown):
        return []
    failures = []
    for cell in table.cells:
        if cell.key in hidden and 0 < cell.count < k:
            low, high = attacker_interval(table, hidden, cell.key)
            if not (low <= _EPS and high >= k - _EPS):
                failures.append(cell.key)
    return failures


@dataclass(frozen=True)
class GroupFigures:
    """Respondents and response rate of one unit; ``respondents`` is None when hidden."""

    node: selectors.Node
    shown: bool
    status: str
    respondents: int | None
    invited: int | None
    rate: Estimate | None


@dataclass(frozen=True)
class CrosstabRow:
    key: str
    label: str
    figures: QuestionFigures


@dataclass(frozen=True)
class Crosstab:
    question: QuestionInfo
    by: str
    rows: tuple[CrosstabRow, ...]
    withheld: bool = False  # the whole breakdown is withheld because parts could be derived


@dataclass(frozen=True)
class TextFigures:
    shown: bool
    status: str
    answers: tuple[str, ...] = ()
    total: int | None = None


class SurveyResults:
    """Suppressed results of one survey round, computed lazily, table by table."""

    def __init__(self, survey: Survey, tree: selectors.SurveyTree | None = None) -> None:
        self.survey = survey
        self.tree = tree or selectors.survey_tree(survey=survey)
        self.policy = policy_for(survey)
        self.definition = parse_definition(survey.definition)
        self.registry = selectors.registry(survey=survey)
        self.questions = survey_questions(self.definition, self.registry)
        self.text_questions = text_questions(self.definition, self.registry)
        self.question_by_key = {q.key: q for q in self.questions}
        self._state = _state_for(survey, self.tree)

    # --- counts (private) -------------------------------------------------------------------

    def prefetch(self) -> None:
        """Load every question's counts with one GROUP BY (pages that show all questions)."""
        if "prefetched" in self._state:
            return
        per_question: dict[int, dict[int, dict[int | None, int]]] = defaultdict(lambda: defaultdict(dict))
        for (unit_id, qid, oid, _cat), n in selectors.answer_counts(survey=self.survey).items():
            per_question[qid][unit_id][oid] = n
        for qid, units in per_question.items():
            self._state.setdefault(("counts", qid), {u: dict(c) for u, c in units.items()})
        self._state["prefetched"] = True

    def _counts(self, question_id: int) -> dict[int, dict[int | None, int]]:
        """Return survey unit → option → answers for one question (one GROUP BY, cached)."""
        key = ("counts", question_id)
        if key not in self._state:
            if "prefetched" in self._state:
                return {}
            per_unit: dict[int, dict[int | None, int]] = defaultdict(dict)
            for (unit_id, _q, oid, _c), n in selectors.answer_counts(
                survey=self.survey, question_ids=[question_id]
            ).items():
                per_unit[unit_id][oid] = n
            self._state[key] = dict(per_unit)
        return self._state[key]

    @_shared
    def _multiple_answerers(self) -> dict[tuple[int, int, str], int]:
        ids = [q.id for q in self.questions if not q.exclusive]
        return selectors.answerer_counts(survey=self.survey, question_ids=ids)

    def _leaf_n(self, question: QuestionInfo) -> dict[tuple[int, str], int]:
        """Return the cell count per survey unit: scale answers without "don't know", or respondents."""
        if not question.exclusive:
            return {(u, ""): n for (u, q, _c), n in self._multiple_answerers.items() if q == question.id}
        dk = question.dont_know.id if question.dont_know else None
        return {
            (u, ""): sum(n for oid, n in counts.items() if oid != dk)
            for u, counts in self._counts(question.id).items()
        }

    def _node_counts(self, question: QuestionInfo, node_id: int) -> dict[int, int]:
        acc: dict[int, int] = defaultdict(int)
        per_unit = self._counts(question.id)
        for unit_id in self.tree.survey_units_below(node_id):
            for oid, n in per_unit.get(unit_id, {}).items():
                acc[oid] += n
        return acc

    # --- suppression ------------------------------------------------------------------------

    @_shared
    def respondent_table(self) -> SuppressedTable:
        leaf = selectors.respondent_counts(survey=self.survey)
        return suppress(hierarchy_table(self.tree, leaf), self.policy)

    def question_table(self, question: QuestionInfo) -> SuppressedTable:
        key = ("question", question.id)
        if key not in self._state:
            table = hierarchy_table(self.tree, self._leaf_n(question))
            self._state[key] = suppress(table, self.policy)
        return self._state[key]

    # --- figures ----------------------------------------------------------------------------

    @_shared
    def _invited(self) -> dict[int, int]:
        return selectors.invited_counts(survey=self.survey)

    def group(self, node_id: int) -> GroupFigures:
        """Return respondents and (where the invited number is known) the response rate."""
        node = self.tree.nodes[node_id]
        decision = self.respondent_table[node_key(node_id)]
        units = self.tree.survey_units_below(node_id)
        invited = sum(self._invited[u] for u in units) if all(u in self._invited for u in units) else None
        rate = None
        if decision.shown and invited and decision.count is not None and decision.count <= invited:
            rate = wilson_interval(decision.count, invited)
        return GroupFigures(node, decision.shown, decision.status.value, decision.count, invited, rate)

    def figures(self, question: QuestionInfo, node_id: int) -> QuestionFigures:
        """Return one question's figures for one unit (no numbers when suppressed)."""
        key = ("figures", question.id, node_id, get_language())
        if key not in self._state:
            decision = self.question_table(question)[node_key(node_id)]
            if not decision.shown or decision.count is None:
                figs = hidden_figures(question, decision.status.value)
            else:
                counts = self._node_counts(question, node_id)
                figs = question_figures(question, counts, decision.count, self.policy)
            self._state[key] = figs
        return self._state[key]

    def trend(self, previous: SurveyResults, question: QuestionInfo, node_id: int) -> Trend | None:
        """Compare with the previous round for the same unit, only when both are shown."""
        before = previous.question_by_key.get(question.key)
        if before is None or node_id not in previous.tree.nodes:
            return None
        now, then = self.figures(question, node_id), previous.figures(before, node_id)
        if not (now.shown and then.shown):
            return None
        return trend(
            question,
            before,
            previous._node_counts(before, node_id),
            self._node_counts(question, node_id),
            self.policy.threshold,
        )

    def themes(self, node_id: int) -> list[ThemeFigure]:
        """Return the theme index per theme for one unit."""
        out = []
        for key, label in self.definition.themes.items():
            figs = [self.figures(q, node_id) for q in self.questions if q.theme == key and q.scaled]
            index, used = theme_index(figs)
            out.append(ThemeFigure(key, localise(label), index, used))
        return out

    def by_unit(self, question: QuestionInfo, node_id: int) -> Crosstab:
        """Break one question down by the units directly below ``node_id``."""
        rows = tuple(
            CrosstabRow(str(child), self.tree.nodes[child].name, self.figures(question, child))
            for child in self.tree.children.get(node_id, ())
        )
        return Crosstab(question, "unit", rows)

    def _breakdown(
        self, question: QuestionInfo, dimension: str, known_cats: Sequence[str]
    ) -> tuple[list[str], dict[tuple[int, str], dict[int, int]], SuppressedTable, bool]:
        """Return categories, counts per (unit, category), the decisions and whether withheld."""
        key = ("breakdown", question.id, dimension)
        if key in self._state:
            return self._state[key]
        rows_raw = selectors.answer_counts(survey=self.survey, question_ids=[question.id], by=dimension)
        cats = [c for c in known_cats if c and c != "prefer_not_to_say"]
        extra = sorted({c for (_u, _q, _o, c) in rows_raw} - set(cats) - {"prefer_not_to_say", ""})
        cats = [*cats, *extra, ""]
        option_counts: dict[tuple[int, str], dict[int, int]] = defaultdict(lambda: defaultdict(int))
        totals: dict[int, dict[int | None, int]] = defaultdict(lambda: defaultdict(int))
        for (unit_id, _q, oid, cat), n in rows_raw.items():
            totals[unit_id][oid] += n
            if oid is not None:
                option_counts[unit_id, cat if cat in cats else ""][oid] += n
        # The same rows summed over categories are the question's counts: no second query.
        self._state.setdefault(("counts", question.id), {u: dict(c) for u, c in totals.items()})
        if question.exclusive:
            dk = question.dont_know.id if question.dont_know else None
            leaf = {k: sum(n for o, n in c.items() if o != dk) for k, c in option_counts.items()}
        else:
            answerers = selectors.answerer_counts(
                survey=self.survey, question_ids=[question.id], by=dimension
            )
            leaf = defaultdict(int)
            for (u, _q, cat), n in answerers.items():
                leaf[u, cat if cat in cats else ""] += n
        table = hierarchy_table(self.tree, leaf, cats)
        decided = suppress(table, self.policy)
        known = [d.key for d in self.question_table(question).decisions if d.shown]
        withheld = bool(exposed_cells(table, decided, known, self.policy.threshold))
        self._state[key] = (cats, dict(option_counts), decided, withheld)
        return self._state[key]

    def by_dimension(
        self, question: QuestionInfo, node_id: int, dimension: str, labels: Mapping[str, str]
    ) -> Crosstab:
        """Break one question down by a background dimension within one unit."""
        cats, option_counts, decided, withheld = self._breakdown(question, dimension, list(labels))
        if withheld:
            return Crosstab(question, dimension, (), withheld=True)
        units = self.tree.survey_units_below(node_id)
        rows = []
        for cat in cats:
            key = ("crosstab", question.id, dimension, node_id, cat, get_language())
            if key not in self._state:
                decision = decided[node_key(node_id, cat)]
                if not decision.shown or decision.count is None:
                    figs = hidden_figures(question, decision.status.value)
                else:
                    counts: dict[int, int] = defaultdict(int)
                    for u in units:
                        for oid, n in option_counts.get((u, cat), {}).items():
                            counts[oid] += n
                    figs = question_figures(question, counts, decision.count, self.policy)
                self._state[key] = figs
            rows.append(CrosstabRow(cat, labels.get(cat, cat), self._state[key]))
        return Crosstab(question, dimension, tuple(rows))

    # --- free text ----------------------------------------------------------------------------

    def text_table(self, question: TextQuestionInfo) -> SuppressedTable:
        """Decide whose free-text answers may be listed (the higher free-text threshold)."""
        key = ("text", question.id)
        if key not in self._state:
            leaf = {(u, ""): sum(c.values()) for u, c in self._counts(question.id).items()}
            self._state[key] = suppress(hierarchy_table(self.tree, leaf), self.policy, FigureKind.FREE_TEXT)
        return self._state[key]

    def texts(self, user: Any, question: TextQuestionInfo, node_id: int, query: str = "") -> TextFigures:
        """Return the masked free-text answers of one unit, optionally filtered by a search."""
        from medvirk.analysis.text import mask_pii, matches

        decision = self.text_table(question)[node_key(node_id)]
        if not decision.shown:
            return TextFigures(False, decision.status.value)
        units = self.tree.survey_units_below(node_id)
        masked = [
            mask_pii(text).text
            for _unit, text in selectors.text_answers(
                user=user, survey=self.survey, question_id=question.id, unit_ids=units
            )
        ]
        if query.strip():
            masked = [t for t in masked if matches(t, query)]
        return TextFigures(True, "shown", tuple(masked), decision.count)


def option_label(question: QuestionInfo, key: str) -> str:
    return next((o.label for o in question.options if o.key == key), key)


__all__ = ["DONT_KNOW", "Crosstab", "GroupFigures", "SurveyResults", "hierarchy_table", "policy_for"]


def clear_cache() -> None:
    """Forget every cached count and decision (tests; after deleting responses)."""
    with _LOCK:
        _STATE.clear()
