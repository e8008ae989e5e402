"""Survey results for pages, charts, exports and the API, from the round's one suppression decision.

Pages, charts, exports and the API all take their numbers from :class:`SurveyResults`; nothing
else reads counts. Which respondent and answer counts may be shown is decided once per survey
round in :mod:`.disclosure` (shared with the equity report): one table over the survey's *whole*
unit tree (every survey unit and all its ancestors, whoever is looking) × every background
dimension it asks, with ``unit = own respondents + child units`` and ``unit = Σ categories``,
and per question the same layout linked to the respondents. So a unit, its district, the
municipality and every category are decided together, and no difference of two views (district
minus units, total minus categories, a results crosstab against the equity report) isolates
fewer than the threshold. Free text keeps its own unit-tree table at the free-text threshold.
Raw counts stay private; a hidden group yields a figure object without numbers.

No answer figure of a round leaves here before it has closed (:mod:`.release`): every method
that gives one calls ``release.ensure_released`` first, so no page, file or API can forget it.
Only the respondent counts (``group``: how many have answered so far) are given while it is open.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.utils.translation import get_language

from medvirk.accounts.permissions import Perm
from medvirk.analysis.intervals import Estimate, wilson_interval
from medvirk.analysis.suppression import (
    CellDecision,
    FigureKind,
    SuppressedTable,
    Table,
    TableBuilder,
    suppress,
)
from medvirk.core.models import Job
from medvirk.surveys.models import Survey
from medvirk.surveys.types import parse_definition

from . import selectors
from .counted import decide_counted
from .disclosure import NOT_STATED, SurveyDisclosure, cell_key, clear_cache, policy_for, state_for
from .disclosure_options import OptionView
from .figures import (
    QuestionFigures,
    ThemeFigure,
    Trend,
    hidden_figures,
    question_figures,
    theme_index,
    theme_withheld,
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
from .release import ensure_released

_EPS = 1e-6
# For a question the option decision does not cover (none today): no option count, no figure.
_COUNTS_ONLY = OptionView(frozenset(), False, frozenset(), False, False)


def _state_for(survey: Survey, tree: selectors.SurveyTree) -> dict[Any, Any]:
    """Return the survey's shared cache (the same one :mod:`.disclosure` decides in)."""
    return state_for(survey, tree)


def _shared(method: Callable[[Any], Any]) -> Any:
    """Like ``cached_property``, but kept in the survey's shared state."""

    @wraps(method)
    def get(self: Any) -> Any:
        if method.__name__ not in self._state:
            self._state[method.__name__] = method(self)
        return self._state[method.__name__]

    return property(get)


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

    def __init__(
        self,
        survey: Survey,
        tree: selectors.SurveyTree | None = None,
        *,
        disclosure: SurveyDisclosure | None = None,
    ) -> None:
        """Results of ``survey``; with ``disclosure``, those decisions (e.g. earlier, see ``stale``)."""
        self.survey = survey
        self.tree = tree or selectors.survey_tree(survey=survey)
        self.policy = policy_for(survey)
        self.definition = parse_definition(survey.definition)
        #: The job making the current answers' decisions while earlier ones are shown (``stale``).
        self.updating_job: Job | None = None
        if disclosure is None:
            self._state = _state_for(survey, self.tree)
            self.disclosure = SurveyDisclosure(survey, self.tree, self._state)
        else:
            self._state = disclosure._state
            self.disclosure = disclosure
        self.registry = self.disclosure.registry()  # read once per data version
        self.questions = survey_questions(self.definition, self.registry)
        self.text_questions = text_questions(self.definition, self.registry)
        self.question_by_key = {q.key: q for q in self.questions}
        self.question_ids = {q.id for q in self.questions}

    @property
    def stale(self) -> bool:
        """Return whether the figures are from earlier answers, shown while new ones are included."""
        return self.disclosure.stale

    # --- counts (private) -------------------------------------------------------------------

    def prefetch(self) -> None:
        """Load every question's counts at once (pages that show all questions).

        Single-answer questions are counted by the disclosure's GROUP BYs (the same rows decide
        their cells; read from the shared cache when the round was decided ahead); every other
        question (multiple choice, free text, units' local questions) by one more.
        """
        if "prefetched" in self._state:
            return
        counted = self.disclosure.counted_questions()
        self.disclosure.prefetch_counts(counted)
        rest = [q.pk for q in self.registry.question_by_key.values() if q.pk not in counted]
        per_question: dict[int, dict[int, dict[int | None, int]]] = defaultdict(lambda: defaultdict(dict))
        if rest:
            for (unit_id, qid, oid, _cat), n in selectors.answer_counts(
                survey=self.survey, question_ids=rest
            ).items():
                per_question[qid][unit_id][oid] = n
        for qid, units in per_question.items():
            self._state.setdefault(("counts", qid), {u: dict(c) for u, c in units.items()})
        self._state["prefetched"] = True

    def _counts(self, question_id: int) -> dict[int, dict[int | None, int]]:
        """Return survey unit → option → answers for one question (one GROUP BY, cached)."""
        key = ("counts", question_id)
        if key not in self._state:
            if question_id in self.disclosure.counted_questions():
                counted = self.disclosure.option_counts(question_id)
                if counted is not None:
                    return counted
            if "prefetched" in self._state:
                return {}
            per_unit: dict[int, dict[int | None, int]] = defaultdict(dict)
            for (unit_id, _q, oid, _c), n in selectors.answer_counts(
                survey=self.survey, question_ids=[question_id]
            ).items():
                per_unit[unit_id][oid] = n
            self._state[key] = dict(per_unit)
        return self._state[key]

    def _node_counts(self, question: QuestionInfo, node_id: int) -> dict[int | None, int]:
        acc: dict[int | None, int] = defaultdict(int)
        per_unit = self._counts(question.id)
        for unit_id in self.tree.survey_units_below(node_id):
            for oid, n in per_unit.get(unit_id, {}).items():
                acc[oid] += n
        return acc

    # --- suppression ------------------------------------------------------------------------

    @property
    def respondent_table(self) -> SuppressedTable:
        """Return the survey round's one decision on respondent counts (see :mod:`.disclosure`)."""
        return self.disclosure.respondents

    def question_table(self, question: QuestionInfo) -> SuppressedTable:
        """Return the one decision on a question's cell counts, shared with the equity report."""
        ensure_released(self.survey)
        return self.disclosure.answers(question.id)

    def unit_decision(self, question: QuestionInfo, node_id: int) -> CellDecision:
        """Return the decision on a question's cell of a whole unit (its figures shown or not)."""
        ensure_released(self.survey)
        return self.disclosure.answer_cell(question.id, node_key(node_id))

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
        ensure_released(self.survey)
        key = ("figures", question.id, node_id, get_language())
        if key not in self._state:
            decision = self.unit_decision(question, node_id)
            if not decision.shown or decision.count is None:
                figs = hidden_figures(question, decision.status.value)
            else:
                counts = self._node_counts(question, node_id)
                view = self.disclosure.view(question.id, counts, node_id)
                figs = question_figures(question, counts, decision.count, view or _COUNTS_ONLY)
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
            means=now.mean is not None and then.mean is not None,
            tops=now.top_box is not None and then.top_box is not None,
        )

    def themes(self, node_id: int) -> list[ThemeFigure]:
        """Return the theme index per theme for one unit.

        A theme none of whose questions is on the form with a scale (every one removed, or only
        free text) has no index to give and is left out, not listed as suppressed with none counted.
        """
        out = []
        for key, label in self.definition.themes.items():
            figs = [self.figures(q, node_id) for q in self.questions if q.theme == key and q.scaled]
            if not figs:
                continue
            index, used = theme_index(figs)
            withheld = "" if index is not None else theme_withheld(figs)
            out.append(ThemeFigure(key, localise(label), index, used, withheld))
        return out

    def by_unit(self, question: QuestionInfo, node_id: int) -> Crosstab:
        """Break one question down by the units directly below ``node_id``."""
        rows = tuple(
            CrosstabRow(str(child), self.tree.nodes[child].name, self.figures(question, child))
            for child in self.tree.children.get(node_id, ())
        )
        return Crosstab(question, "unit", rows)

    def _option_counts_by(
        self, question: QuestionInfo, dimension: str
    ) -> dict[tuple[int, str], dict[int, int]]:
        """Return option counts per (survey unit, category of ``dimension``), one GROUP BY, cached."""
        counted = self.disclosure.option_counts_by(question.id, dimension)
        if counted is not None:
            return counted
        key = ("option_counts_by", question.id, dimension)
        if key not in self._state:
            cats = set(self.disclosure.layout.cats.get(dimension, ()))
            out: dict[tuple[int, str], dict[int, int]] = defaultdict(lambda: defaultdict(int))
            totals: dict[int, dict[int | None, int]] = defaultdict(lambda: defaultdict(int))
            rows = selectors.answer_counts(survey=self.survey, question_ids=[question.id], by=dimension)
            for (unit_id, _q, oid, cat), n in rows.items():
                totals[unit_id][oid] += n
                if oid is not None:
                    out[unit_id, cat if cat in cats else NOT_STATED][oid] += n
            # The same rows summed over categories are the question's counts: no second query.
            self._state.setdefault(("counts", question.id), {u: dict(c) for u, c in totals.items()})
            self._state[key] = {k: dict(v) for k, v in out.items()}
        return self._state[key]

    def by_dimension(
        self, question: QuestionInfo, node_id: int, dimension: str, labels: Mapping[str, str]
    ) -> Crosstab:
        """Break one question down by a background dimension within one unit.

        Each group's figures are shown exactly when the survey round's one decision
        (:mod:`.disclosure`) shows that group's cell, so the equity report can never show a
        count this page hides, nor the other way round.
        """
        ensure_released(self.survey)
        layout = self.disclosure.layout
        if dimension not in layout.dims:
            return Crosstab(question, dimension, (), withheld=True)
        decided = self.question_table(question)
        option_counts = self._option_counts_by(question, dimension)
        units = self.tree.survey_units_below(node_id)
        rows = []
        for cat in layout.cats[dimension]:
            key = ("crosstab", question.id, dimension, node_id, cat, get_language())
            if key not in self._state:
                decision = decided[cell_key(node_id, dimension, cat)]
                if not decision.shown or decision.count is None:
                    figs = hidden_figures(question, decision.status.value)
                else:
                    counts: dict[int, int] = defaultdict(int)
                    for u in units:
                        for oid, n in option_counts.get((u, cat), {}).items():
                            counts[oid] += n
                    view = self.disclosure.view(question.id, counts, node_id, dimension, cat)
                    figs = question_figures(question, counts, decision.count, view or _COUNTS_ONLY)
                self._state[key] = figs
            rows.append(CrosstabRow(cat, labels.get(cat, cat), self._state[key]))
        return Crosstab(question, dimension, tuple(rows))

    # --- free text ----------------------------------------------------------------------------

    def text_table(self, question: TextQuestionInfo) -> SuppressedTable:
        """Decide whose free-text answers may be listed (the higher free-text threshold)."""
        ensure_released(self.survey)
        key = ("text", question.id)
        if key not in self._state:
            leaf = {(u, ""): sum(c.values()) for u, c in self._counts(question.id).items()}
            table = hierarchy_table(self.tree, leaf)
            if not self.disclosure.has_uncounted():
                self._state[key] = suppress(table, self.policy, FigureKind.FREE_TEXT)
            else:  # only answers nobody could plant make a unit's comments listed (counted.py)
                mine: dict[tuple[int, str], int] = defaultdict(int)
                for (unit_id, _q, _o, _c), n in selectors.answer_counts(
                    survey=self.survey, question_ids=[question.id], counted_only=True
                ).items():
                    mine[unit_id, ""] += n
                self._state[key] = decide_counted(
                    table,
                    hierarchy_table(self.tree, mine),
                    lambda t, small: suppress(t, self.policy, FigureKind.FREE_TEXT, also_small=small),
                )
        return self._state[key]

    def texts(self, user: Any, question: TextQuestionInfo, node_id: int, query: str = "") -> TextFigures:
        """Return the masked free-text answers of one unit, optionally filtered by a search.

        In alphabetical order, never in the order they came: a leader who answered through the
        poster just before and just after a parent he saw at the kiosk found the parent's
        comment between his own two (red team, 2026-12-07, third session).
        """
        from medvirk.analysis.text import mask_pii, search_answers

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
        if query.strip():  # the query parsed once and each word stemmed once, not once per answer
            masked = [masked[i] for i in search_answers(masked, query)]
        masked.sort(key=lambda t: (t.casefold(), t))
        return TextFigures(True, "shown", tuple(masked), decision.count)


def option_label(question: QuestionInfo, key: str) -> str:
    return next((o.label for o in question.options if o.key == key), key)


__all__ = [
    "DONT_KNOW",
    "Crosstab",
    "GroupFigures",
    "SurveyResults",
    "clear_cache",
    "hierarchy_table",
    "policy_for",
]


def access_results(
    user: Any, survey_id: Any, unit_id: Any, perm: Perm = Perm.RESULTS_VIEW
) -> tuple[SurveyResults, int]:
    """Return a survey round's results and the unit to show, if ``user`` holds ``perm`` there; else 404.

    ``unit_id`` None means the highest unit the user may see. Pages and API share this helper.
    """
    survey, tree, node_id = selectors.access_survey_results(
        user=user, survey_id=survey_id, unit_id=unit_id, perm=perm
    )
    return SurveyResults(survey, tree), node_id
