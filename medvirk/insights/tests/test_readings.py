"""Figures said in words ("Omtrent 3 av 4 svarte 5 eller 6") publish nothing the anonymity
decision has not cleared: every sentence is worked out from the counts a group shows."""

from __future__ import annotations

import math
import re
from types import SimpleNamespace

from django.template.loader import render_to_string
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from medvirk.analysis.intervals import Estimate, mean_interval, wilson_interval
from medvirk.analysis.suppression import SuppressionPolicy, suppress_options
from medvirk.insights.figures import OptionFigure, QuestionFigures
from medvirk.insights.questions import OptionInfo, QuestionInfo
from medvirk.insights.readings import answer_table, mean_drawing, reading, share_in_words
from medvirk.surveys.types import Scale

SCALE = Scale(min=1, max=6, min_label={"nb": "Svært misfornøyd"}, max_label={"nb": "Svært fornøyd"})
RATING = QuestionInfo(
    id=1,
    key="q_overall",
    qtype="rating",
    text="Alt i alt, hvor fornøyd er du med barnehagen?",
    theme=None,
    scale=SCALE,
    options=tuple(OptionInfo(v, str(v), str(v), v) for v in range(1, 7)),
)
CHOICE = QuestionInfo(
    id=2,
    key="q_info",
    qtype="single",
    text="Hva vil du vite mer om?",
    theme=None,
    scale=None,
    options=(
        OptionInfo(11, "mat", "Mat"),
        OptionInfo(12, "lek", "Lek"),
        OptionInfo(13, "annet", "Noe annet"),
    ),
)
POLICY = SuppressionPolicy()


def figures(question: QuestionInfo, counts: dict[str, int]) -> QuestionFigures:
    """Return a shown group's figures as the results page gets them: small options merged by
    the per-option rule (``suppress_options``), the mean computed from the same counts."""
    n = sum(counts.values())
    decided = {d.key: d for d in suppress_options(counts, POLICY, exclusive=question.exclusive).options}
    merged = [k for k, d in decided.items() if d.merged]
    options = tuple(
        OptionFigure(o.key, o.label, decided[o.key].count, (decided[o.key].count or 0) / n if n else None)
        for o in question.options
    )
    mean = None
    if question.scale is not None and n:
        values = [o.value for o in question.options for _ in range(counts[o.key]) if o.value is not None]
        mean = mean_interval(values)
    merged_total = sum(counts[k] for k in merged)
    return QuestionFigures(
        question=question,
        shown=True,
        status="shown",
        n=n,
        options=options,
        merged_count=merged_total if merged else None,
        merged_share=merged_total / n if merged and n else None,
        merged_labels=tuple(k for k in merged),
        mean=mean,
    )


def test_shares_in_words() -> None:
    with translation.override("nb"):
        assert share_in_words(3, 4) == "3 av 4"
        assert share_in_words(26, 34) == "omtrent 3 av 4"
        assert share_in_words(64, 125) == "omtrent 1 av 2"
        assert share_in_words(34, 34) == "alle"
        assert share_in_words(0, 34) == "ingen"
        assert share_in_words(97, 100) == "nesten alle"
        assert share_in_words(57, 100) == "mer enn 1 av 2"
        assert share_in_words(8, 100) == "omtrent 1 av 10"
    with translation.override("nn"):
        assert share_in_words(2, 3) == "2 av 3"


def test_top_box_said_in_words_from_shown_counts() -> None:
    f = figures(RATING, {"1": 0, "2": 0, "3": 3, "4": 5, "5": 10, "6": 16})
    with translation.override("nb"):
        r = reading(f)
    assert r.top_count == 26
    assert r.sentences[0] == "Omtrent 3 av 4 svarte 5 eller 6 (26 av 34)."
    assert r.sentences[1] == "I snitt 5,1 på en skala fra 1 til 6 (1: Svært misfornøyd, 6: Svært fornøyd)."


def test_no_top_sentence_when_a_top_option_is_merged() -> None:
    # Only 2 answered 5: the per-option rule merges it, so "x answered 5 or 6" together with the
    # shown count of 6 would give the 2 away.
    f = figures(RATING, {"1": 9, "2": 9, "3": 9, "4": 9, "5": 2, "6": 9})
    assert next(o for o in f.options if o.key == "5").count is None
    r = reading(f)
    assert r.top_count is None
    assert not any("5 eller 6" in s or "5 or 6" in s for s in r.sentences)


@settings(max_examples=200)
@given(st.lists(st.integers(0, 30), min_size=6, max_size=6))
def test_readings_use_only_what_the_group_shows(values: list[int]) -> None:
    counts = {str(v): c for v, c in zip(range(1, 7), values, strict=True)}
    if sum(values) == 0:
        return
    f = figures(RATING, counts)
    r = reading(f)
    shown = {o.key: o.count for o in f.options}
    if r.top_count is not None:  # said only when both top options are shown, as their sum
        assert shown["5"] is not None and shown["6"] is not None
        assert r.top_count == shown["5"] + shown["6"]
    else:
        assert shown["5"] is None or shown["6"] is None
    # The same shown figures with other hidden counts behind them read the same.
    hidden = [k for k, c in shown.items() if c is None]
    if len(hidden) >= 2:
        a, b = hidden[0], hidden[1]
        if counts[a] > 0:
            moved = dict(counts, **{a: counts[a] - 1, b: counts[b] + 1})
            g = figures(RATING, moved)
            if [o.count for o in g.options] == [o.count for o in f.options]:
                same_mean = QuestionFigures(**{**g.__dict__, "mean": f.mean})
                assert reading(same_mean).sentences == r.sentences


def test_most_chosen_said_only_when_the_merged_options_cannot_hold_more() -> None:
    with translation.override("nb"):
        clear = reading(figures(CHOICE, {"mat": 20, "lek": 9, "annet": 6}))
        assert clear.sentences == ("Flest valgte «Mat»: mer enn 1 av 2 (20 av 35).",)
        # "lek" and "annet" are merged (2 + 3 = 5) and the largest shown is 5: no claim.
        unclear = figures(CHOICE, {"mat": 5, "lek": 2, "annet": 3})
        assert unclear.merged_count == 5
        assert reading(unclear).sentences == ()


def test_everything_merged_reads_as_such_and_has_no_distribution() -> None:
    # Four answers spread over four options (the group itself shown for the sake of the test):
    # every option is merged and the zeros would read "0 %" next to "other options 100 %".
    f = figures(CHOICE, {"mat": 2, "lek": 1, "annet": 1})
    with translation.override("nb"):
        r = reading(f)
    assert r.all_merged
    assert "vises samlet" in r.sentences[-1]


def test_wide_interval_is_said_in_words_and_drawn_within_the_scale() -> None:
    f = figures(RATING, {"1": 3, "2": 0, "3": 0, "4": 0, "5": 0, "6": 3})
    assert f.mean is not None
    low, high = f.mean.interval
    assert low < 1 and high > 6  # the computed interval is kept as it is (R's t.test gives the same)
    with translation.override("nb"):
        r = reading(f)
    assert r.uncertain_mean
    assert "for få til å si noe sikkert om gjennomsnittet" in " ".join(r.sentences)
    d = r.drawing
    assert d is not None and d.clipped_low and d.clipped_high
    assert (d.low, d.high) == (0.0, 100.0)
    assert math.isclose(d.mean, 100 * (f.mean.estimate - 1) / 5)


def test_narrow_interval_drawn_where_it_is() -> None:
    f = QuestionFigures(RATING, True, "shown", n=50, mean=Estimate(50, 4.0, (3.5, 4.5), "t"))
    d = mean_drawing(f)
    assert d is not None and not d.clipped
    assert (d.low, d.mean, d.high) == (50.0, 60.0, 70.0)


# Sentrum barnehage in the demo's 2026 round: 8 of 27 answered 5 or 6, but 2, 3, 5 and 6 were
# each chosen by so few that the table showed them as one row, "Other options together
# (2, 3, 5, 6): 11" — and nowhere the 30 % the summary said.
SENTRUM = QuestionFigures(
    question=RATING,
    shown=True,
    status="shown",
    n=27,
    options=tuple(
        OptionFigure(str(v), str(v), count, count / 27 if count is not None else None)
        for v, count in zip(range(1, 7), (0, None, None, 16, None, None), strict=True)
    ),
    merged_count=11,
    merged_share=11 / 27,
    merged_labels=("2", "3", "5", "6"),
    top_box=wilson_interval(8, 27),
    top_from=5,
    top_count=8,
)


def _table_rows(html: str) -> list[tuple[str, ...]]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [
        tuple(re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row))
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    ]


def test_the_answer_table_holds_the_figure_the_summary_says() -> None:
    """The summary's "Svarte 5 eller høyere: 30 %" and "(8 av 27)" are a row of the table, and
    the table's rows never mix answers inside and outside the top (page and printed report)."""
    with translation.override("nb"):
        summary = render_to_string("insights/_figures.html", {"f": SENTRUM, "threshold": 5})
        page = render_to_string(
            "insights/_distribution.html", {"f": SENTRUM, "chart": None, "chart_id": "c", "title": "t"}
        )
        sentence = reading(SENTRUM).sentences[0]
    assert sentence == "Omtrent 3 av 10 svarte 5 eller 6 (8 av 27)."
    assert "Svarte 5 eller høyere</dt><dd>30 %" in re.sub(r"\s+", " ", summary).replace("> <", "><")
    assert _table_rows(page) == [
        ("1", "0", "0 %"),
        ("4", "16", "59 %"),
        ("Andre svaralternativer samlet (2, 3)", "3", "11 %"),
        ("Andre svaralternativer samlet (5, 6)", "8", "30 %"),
        ("Svarte 5 eller høyere", "8", "30 %"),
    ]
    # The printed report lays the same rows out.
    view = SimpleNamespace(
        question=RATING, figures=SENTRUM, chart=None, benchmark=None, trend=None, compared_in_words=[]
    )
    o = SimpleNamespace(node=SimpleNamespace(name="Sentrum barnehage"), printed_questions=[view])
    with translation.override("nb"):
        printed = render_to_string("insights/report_pdf.html", {"o": o, "threshold": 5})
    assert _table_rows(printed.split('<section class="mv-question-result">', 1)[1]) == _table_rows(page)


def test_the_answer_table_adds_the_top_from_shown_counts_too() -> None:
    f = figures(RATING, {"1": 0, "2": 0, "3": 3, "4": 5, "5": 10, "6": 16})
    table = answer_table(f)
    assert table.top is not None and (table.top.count, table.top.share) == (26, 26 / 34)
    assert [row.label for row in table.rows] == ["1", "2", "3", "4", "5", "6"]
    # Nothing said of the top where a top option is merged and the decision withholds the top.
    merged = figures(RATING, {"1": 9, "2": 9, "3": 9, "4": 9, "5": 2, "6": 9})
    assert answer_table(merged).top is None
    with translation.override("en"):
        assert [row.label for row in answer_table(merged).rows][-1] == "Other options together (1, 5)"
