"""The attack of issue 16 on the demo, through the API, the CSV and the printed report (PDF).

One round (2026, with the issue's example: Bydel Nord, "bhg_trivsel_barn") and every unit, every
background group and every published figure of a slice of its questions, one of each kind: a
rating scale, multiple choice, a 0–10 scale with top box, single choice. The other questions'
answers are deleted first (deciding every question costs a minute of CPU). The whole sweep (both
rounds, every question, the equity report of the closed round): ``bench/attack/sweep.py``
(medvirk/insights/tests/demo_attack.py holds the attack).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from medvirk.accounts.demo import DemoData
from medvirk.insights.tests.demo_attack import attack_round, keep_only_answers_to

pytestmark = pytest.mark.sqlite_only  # reads what Medvirk publishes; the database does not matter

SLICE = ["bhg_trivsel_barn", "bhg_info_onsker", "bhg_anbefale", "bhg_barnets_alder"]


def test_the_attack_on_a_slice_of_the_demo_finds_no_withheld_count(
    demo: DemoData, client_as: Any, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    from medvirk.surveys.demo import seed_survey_demo

    settings.LANGUAGE_CODE = "en"
    survey = next(s for s in seed_survey_demo(demo) if s.round_label == "2026")
    keep_only_answers_to(survey, SLICE)
    with translation.override("en"):
        outcome = attack_round(survey, client_as("admin"), monkeypatch, questions=SLICE)
    assert outcome.tried > 100  # plenty of small cells to attack: hidden groups and merged options
    assert outcome.leaks == []
    # The printed reports and the CSV were really read: every question's figures, from several
    # groups (a parser that finds nothing would leave the attack on them unable to fail).
    for source in ("printed", "CSV"):
        assert all(outcome.read[source][key] >= 2 for key in SLICE), (source, outcome.read)
    # The example: Bydel Nord, "bhg_trivsel_barn", n = 32, 3: 2, 4: 7, 5: 13, 6: 10.
    nord = outcome.api[outcome.names["Bydel Nord"]]
    item = next(x for x in nord["questions"] if x["key"] == "bhg_trivsel_barn")["unit"]
    assert item["n"] == 32
    shown = {o["key"]: o["count"] for o in item["options"]}
    assert shown["3"] is None and shown["4"] is None  # merged, as before
    assert item["mean"] is None  # and the mean that gave them away is withheld


def test_the_printed_report_is_read_as_printed() -> None:
    """The printed report's parser on the real templates, in what the demo's slice does not print:
    the average with its range or too wide for one, the merged options in two rows (below the top
    box and in it, beside the top box's total) and merged options whose total is withheld."""
    from django.template.loader import render_to_string

    from medvirk.analysis.intervals import mean_interval, wilson_interval
    from medvirk.insights.figures import OptionFigure, QuestionFigures
    from medvirk.insights.questions import OptionInfo, QuestionInfo
    from medvirk.insights.readings import answer_table
    from medvirk.insights.tests.demo_attack import SHOWN, _pdf_figures
    from medvirk.surveys.design.definition import Scale

    values = range(1, 7)
    q = QuestionInfo(
        1,
        "q",
        "rating",
        "How satisfied are you?",
        None,
        Scale(1, 6, dont_know=True),
        (
            *(OptionInfo(10 + v, str(v), f"{v} & so", v) for v in values),
            OptionInfo(9, "dont_know", "Don't know"),
        ),
    )

    def printed(counts: dict[int, int], merged: tuple[int, ...] = (), *, total: bool, top: bool) -> str:
        n = sum(counts.values())
        answers = [v for v, c in counts.items() for _ in range(c)]
        options = tuple(
            OptionFigure(
                str(v),
                f"{v} & so",
                None if v in merged else counts[v],
                None if v in merged else counts[v] / n,
            )
            for v in values
        )
        top_count = counts[5] + counts[6]
        f = QuestionFigures(
            q,
            True,
            "shown",
            n,
            options,
            merged_count=sum(counts[v] for v in merged) if merged and total else None,
            merged_labels=tuple(f"{v} & so" for v in merged),
            dont_know=3,
            mean=None if merged else mean_interval(answers),
            top_box=wilson_interval(top_count, n) if top else None,
            top_from=5 if top else None,
            top_count=top_count if top else None,
        )
        with translation.override("en"):
            figures = render_to_string("insights/_figures.html", {"f": f, "pdf": True})
            rows = render_to_string("insights/_answer_rows.html", {"t": answer_table(f)})
        assert SHOWN in figures
        return f"{figures}<table><tbody>{rows}</tbody></table>"

    every = {1: 3, 2: 4, 3: 6, 4: 9, 5: 8, 6: 5}
    f = _pdf_figures(q, printed(every, total=True, top=True))
    assert (f.n, f.options, f.dont_know) == (35, {10 + v: c for v, c in every.items()}, 3)
    mean = mean_interval([v for v, c in every.items() for _ in range(c)])
    assert f.mean == pytest.approx(tuple(round(x, 1) for x in (mean.estimate, *mean.interval)))
    assert f.top == round(13 / 35, 2) and f.shares[15] == round(8 / 35, 2)
    assert f.merged == [([15, 16], 13)]  # "Answered 5 or higher": 13
    # Too few answers for a useful range: the average alone.
    f = _pdf_figures(q, printed({1: 1, 2: 0, 3: 0, 4: 0, 5: 0, 6: 1}, total=True, top=False))
    assert f.mean is not None and f.mean[0] == 3.5 and all(x != x for x in f.mean[1:])
    # 1, 2, 5 and 6 merged: a row below the top box, one in it, and the top box's total.
    split = {1: 2, 2: 1, 3: 9, 4: 12, 5: 2, 6: 3}
    html = printed(split, (1, 2, 5, 6), total=True, top=True)
    assert html.count("Other options together") == 2
    f = _pdf_figures(q, html)
    assert f.options == {13: 9, 14: 12} and f.mean is None
    assert sorted(f.merged) == [([11, 12], 3), ([15, 16], 5), ([15, 16], 5)]
    # Their total withheld: one row "–", no equation.
    f = _pdf_figures(q, printed(split, (1, 2, 5, 6), total=False, top=False))
    assert (f.n, f.options, f.merged, f.top) == (29, {13: 9, 14: 12}, [], None)
