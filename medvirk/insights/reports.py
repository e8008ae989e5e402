"""Assemble what a results page, export or API answer shows, from ``tables.SurveyResults`` only."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from medvirk.accounts.access import can
from medvirk.accounts.permissions import Perm
from medvirk.orgs.selectors import district_names
from medvirk.surveys.selectors import local_definition

from . import selectors
from .benchmark import Benchmark
from .charts import Chart, distribution_chart, top_box_chart
from .comparisons import LevelShare, LevelSummary, compared_in_words, level_shares, level_summaries
from .figures import QuestionFigures, ThemeFigure, Trend
from .questions import (
    QuestionInfo,
    TextQuestionInfo,
    category_labels,
    dimension_choices,
    survey_questions,
    text_questions,
)
from .tables import Crosstab, GroupFigures, SurveyResults


@dataclass(frozen=True)
class QuestionView:
    question: QuestionInfo
    figures: QuestionFigures
    chart: Chart | None
    trend: Trend | None
    compare: tuple[tuple[str, QuestionFigures], ...]
    compare_chart: Chart | None  # the unit, the comparison units and the benchmark
    benchmark: QuestionFigures | None = None  # the national benchmark, when it is shown
    benchmark_chart: Chart | None = None  # the unit and the benchmark only (printed report)
    levels: tuple[tuple[str, QuestionFigures], ...] = ()  # the district and the municipality

    @property
    def compared_in_words(self) -> list[str]:
        """Return how the unit compares with each level above it, in words."""
        return compared_in_words(self.figures, self.levels)

    @property
    def level_shares(self) -> list[LevelShare]:
        """Return each level's share at the top of the scale (what a hidden unit's page shows)."""
        return level_shares(self.levels)

    @property
    def comparable(self) -> bool:
        """Whether another unit's answers or the national benchmark can be shown beside this one."""
        return self.question.scaled and (
            self.benchmark is not None or any(figures.shown and figures.n for _name, figures in self.compare)
        )


@dataclass(frozen=True)
class Overview:
    results: SurveyResults
    node: selectors.Node
    group: GroupFigures
    themes: list[ThemeFigure]
    questions: list[QuestionView]
    previous_label: str | None
    unit_choices: list[tuple[int, str]]
    dimensions: list[tuple[str, str]]
    benchmark: Benchmark | None = None
    # Units beside this one that the user may not see, said on the page ("not shown one by one").
    siblings_not_shown: bool = False

    @property
    def level_names(self) -> list[str]:
        """Return the names of the levels above the unit (district, municipality), nearest first."""
        tree = self.results.tree
        return [tree.nodes[i].name for i in reversed(tree.ancestors(self.node.id))]

    @property
    def level_summaries(self) -> list[LevelSummary]:
        """Return where the unit is clearly behind or ahead of each level above it, over all questions."""
        return level_summaries([(v.question, v.figures, v.levels) for v in self.questions if v.levels])

    @property
    def levels_of_this_unit_only(self) -> list[str]:
        """Return the levels above whose respondents are exactly this unit's (no other unit there
        answered), so that their figures are the unit's own: said once, not under every question."""
        if not self.group.shown or not self.group.respondents:
            return []
        tree = self.results.tree
        return [
            tree.nodes[i].name
            for i in reversed(tree.ancestors(self.node.id))
            if (level := self.results.group(i)).shown and level.respondents == self.group.respondents
        ]

    @property
    def compared_with(self) -> str | None:
        """Return the previous round's label when a figure is compared with it; None when none is
        (a unit whose figures are all hidden, or last round's decisions not made yet)."""
        return self.previous_label if any(v.trend is not None for v in self.questions) else None

    @property
    def all_hidden(self) -> bool:
        """Whether every figure of the unit is hidden for anonymity (too few, or to protect another)."""
        return not self.group.shown and self.group.status in ("primary", "secondary")

    @property
    def printed_questions(self) -> list[QuestionView]:
        """Return the questions the printed report lists: every one, except for a unit whose
        figures are all hidden (the report says why once), where only those it can compare with
        the national benchmark."""
        if not self.all_hidden:
            return self.questions
        return [v for v in self.questions if v.figures.shown or (v.question.scaled and v.benchmark)]

    @property
    def questions_not_printed(self) -> int:
        """Return how many questions the printed report leaves out (see ``printed_questions``)."""
        return len(self.questions) - len(self.printed_questions)

    @property
    def themes_shown(self) -> list[ThemeFigure]:
        """Return the themes whose index is shown, highest first (what the page says in words)."""
        return sorted((t for t in self.themes if t.index is not None), key=lambda t: -(t.index or 0.0))

    @property
    def themes_withheld(self) -> str:
        """Return why the page shows no theme's index ("" when it shows one): "too_few" when too
        few answered every theme's questions, else "protected" (the anonymity decision withholds
        the averages an index is made from; ``figures.theme_withheld``)."""
        if not self.themes or self.themes_shown:
            return ""
        return "too_few" if all(t.withheld == "too_few" for t in self.themes) else "protected"


def unit_choices(user: Any, tree: selectors.SurveyTree) -> list[tuple[int, str]]:
    """Return the units the user may pick, indented by depth."""
    ids = selectors.visible_nodes(user=user, tree=tree)
    if not ids:
        return []
    top = min(tree.nodes[i].depth for i in ids)
    return [(i, "\u2003" * (tree.nodes[i].depth - top) + tree.nodes[i].name) for i in ids]


def comparison_nodes(user: Any, tree: selectors.SurveyTree, node_id: int) -> list[int]:
    """Return the units to compare with: every level above (aggregates), nearest first, then the
    siblings the user may see.

    A unit leader sees no sibling one by one: the round's decision protects a hidden unit against
    whoever reads every shown figure, but not against the leader of its hidden partner, who knows
    her own unit's answers: district minus the shown siblings minus her own gives the neighbour's
    (docs/methods-suppression.md, "Siblings one by one").
    """
    siblings = [s for s in tree.siblings(node_id) if can(user, Perm.RESULTS_VIEW, tree.nodes[s].unit)]
    return [*reversed(tree.ancestors(node_id)), *siblings]


def own_unit_questions(
    results: SurveyResults, node_id: int
) -> tuple[list[QuestionInfo], list[TextQuestionInfo]]:
    """Return the unit's own (local) counted and free-text questions; none above a survey unit."""
    own = (
        local_definition(survey=results.survey, unit_id=node_id)
        if results.tree.nodes[node_id].is_survey_unit
        else None
    )
    if own is None:
        return [], []
    return survey_questions(own, results.registry), text_questions(own, results.registry)


def overview(
    user: Any,
    results: SurveyResults,
    node_id: int,
    *,
    with_trend: bool = True,
    bench: Benchmark | None = None,
) -> Overview:
    """Return everything the overview page shows for one unit.

    With ``bench`` (``benchmark.benchmark(results)``), scaled questions that have a benchmark
    show it in their comparison charts as well as their tables.
    """
    tree = results.tree
    results.prefetch()
    previous = None
    prev_survey = selectors.previous_round(survey=results.survey) if with_trend else None
    if prev_survey is not None:
        previous = SurveyResults(prev_survey)
        if not previous.disclosure.ready():
            previous = None  # no trend until its decisions are made (never in a request)
    compare_ids = comparison_nodes(user, tree, node_id)
    level_count = len(tree.ancestors(node_id))
    views = []
    own_questions = own_unit_questions(results, node_id)[0]  # never compared with others or rounds
    for q in [*results.questions, *own_questions]:
        fig = results.figures(q, node_id)
        own = q in own_questions
        compare = () if own else tuple((tree.nodes[c].name, results.figures(q, c)) for c in compare_ids)
        bench_fig = None if own or bench is None else bench.figures.get(q.key)
        unit_row = (tree.nodes[node_id].name, fig)
        with_bench = q.scaled and bench_fig is not None
        views.append(
            QuestionView(
                q,
                fig,
                distribution_chart(f"chart-{q.key}", fig),
                results.trend(previous, q, node_id) if previous and not own else None,
                compare,
                top_box_chart(f"compare-{q.key}", [unit_row, *compare], bench_fig) if q.scaled else None,
                bench_fig,
                top_box_chart(f"bench-{q.key}", [unit_row], bench_fig) if with_bench else None,
                compare[:level_count],
            )
        )
    return Overview(
        results=results,
        node=tree.nodes[node_id],
        group=results.group(node_id),
        themes=results.themes(node_id),
        questions=views,
        previous_label=prev_survey.round_label if prev_survey else None,
        unit_choices=unit_choices(user, tree),
        dimensions=dimension_choices(results.definition),
        benchmark=bench if bench is not None and bench.available else None,
        siblings_not_shown=len(compare_ids) - level_count < len(tree.siblings(node_id)),
    )


def crosstab(results: SurveyResults, question: QuestionInfo, node_id: int, by: str) -> Crosstab:
    """Break ``question`` down by units below ``node_id`` (``by="unit"``) or a background dimension."""
    if by == "unit":
        return results.by_unit(question, node_id)
    labels = category_labels(by, district_names(municipality_id=results.survey.municipality_id))
    return results.by_dimension(question, node_id, by, labels)
