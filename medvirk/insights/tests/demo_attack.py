"""The attack of issue 16 on the demo: every figure the API, the CSV and the PDF publish.

The demo's two kindergarten rounds (``medvirk.surveys.demo``) are answered, then read the way an
analyst of the whole municipality can: the results API for every unit (each unit's figures and
its comparisons) and every breakdown by every background question, the CSV export of the
municipality, the printed report (PDF) of every unit, and, for the closed round, the equity
report's API. Each question's figures become linear facts for the LP attacker of
``medvirk/insights/tests/attacker.py``, which then tries every withheld cell: small counts of
hidden groups (threshold 5) and of merged answer options (3). Before the option decision it
pinned 116 of them (the issue's example among them: Bydel Nord 2026, "bhg_trivsel_barn",
option 3 = 2, option 4 = 7).

Used by ``tests/test_demo_attack.py`` (one round, a slice of its questions: CI) and by
``bench/attack/sweep.py`` (both rounds, every question: 15–20 minutes).
"""

from __future__ import annotations

import csv
import io
import re
import time
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count

from medvirk.core.models import Job, JobStatus
from medvirk.insights import jobs, pdf
from medvirk.insights.disclosure import NOT_STATED
from medvirk.insights.tables import SurveyResults
from medvirk.insights.tests.attacker import Attacker, Figures
from medvirk.surveys.models import Answer, Response
from medvirk.surveys.types import DONT_KNOW as DK_KEY

K, M = 5, 3


def _api_figures(q: Any, data: dict[str, Any] | None) -> Figures:
    if not data or not data.get("shown"):
        return Figures()
    ids = {o.key: o.id for o in q.options}
    options = {ids[o["key"]]: o["count"] for o in data["options"] if o["count"] is not None}
    mean = data["mean"]
    return Figures(
        n=data["n"],
        options=options,
        shares={ids[o["key"]]: o["share"] for o in data["options"] if o["share"] is not None},
        merged=data["other_options_count"],
        merged_ids=[ids[o["key"]] for o in data["options"] if o["count"] is None],
        dont_know=data["dont_know"],
        mean=(mean["estimate"], mean["low"], mean["high"]) if mean and mean["estimate"] is not None else None,
        top=data["top_box"]["estimate"] if data["top_box"] else None,
    )


def _csv_figures(q: Any, row: dict[str, str]) -> Figures:
    if not row["n"]:
        return Figures()
    labels = {o.label: o.id for o in q.options}
    options: dict[int, int] = {}
    merged = None
    for part in filter(None, row["distribution"].split("; ")):
        label, count = part.rsplit(": ", 1)
        if label == "Other options":
            merged = int(count)
        else:
            options[labels[label]] = int(count)
    mean = (
        (float(row["mean"]), float(row["mean_ci_low"]), float(row["mean_ci_high"])) if row["mean"] else None
    )
    return Figures(
        n=int(row["n"]),
        options=options,
        merged=merged,
        merged_ids=[o.id for o in q.options if o.id not in options and o.key != DK_KEY],
        dont_know=int(row["dont_know"]) if row["dont_know"] else None,
        mean=mean,
        top=float(row["top_box_share"]) if row["top_box_share"] else None,
        digits=4,
        share_digits=4,
    )


def _pdf_sections(html: str) -> dict[str, str]:
    """Return question text → its section of the printed report."""
    out = {}
    for section in html.split('<section class="mv-question-result">')[1:]:
        title = re.search(r"<h2>(.*?)(?: [↑↓])?</h2>", section, re.S)
        assert title is not None
        out[title.group(1).strip()] = section.split("</section>")[0]
    return out


def _number(text: str) -> float:
    return float(text.replace("\u2212", "-").replace(",", "."))


def _pdf_figures(q: Any, section: str) -> Figures:
    n = re.search(r"<dt>Answers \(n\)</dt><dd>(\d+)</dd>", section)
    if n is None:
        return Figures()
    labels = {o.label: o.id for o in q.options}
    options, shares, merged = {}, {}, None
    table = section.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in section else ""
    for label, count, share in re.findall(r"<tr><td>(.*?)</td><td>([^<]*)</td><td>([^<]*)</td></tr>", table):
        if label == "Other options":
            merged = int(count) if count.strip().isdigit() else None
        else:
            options[labels[label]] = int(count)
            shares[labels[label]] = _number(share.rstrip(" %")) / 100
    mean = re.search(r"<dt>Mean \(95 % CI\)</dt><dd>([\d.]+) \(([\d.]+)–([\d.]+)\)</dd>", section)
    top = re.search(r"or higher \(95 % CI\)</dt><dd>(\d+) %", section)
    dk = re.search(r"<dt>Don&#x27;t know[^<]*</dt><dd>(\d+)</dd>", section)
    return Figures(
        n=int(n.group(1)),
        options=options,
        shares=shares,
        merged=merged,
        merged_ids=[o.id for o in q.options if o.id not in options and o.key != DK_KEY],
        dont_know=int(dk.group(1)) if dk else None,
        mean=tuple(float(x) for x in mean.groups()) if mean else None,  # type: ignore[arg-type]
        top=int(top.group(1)) / 100 if top else None,
        digits=1,
        share_digits=2,
    )


def _truth(results: SurveyResults) -> tuple[dict[Any, dict[Any, int]], dict[Any, int], dict[Any, int]]:
    """Count, apart from the code under test, every question's answers per option, how many
    answered each question, and the respondents, per (survey unit, categories)."""
    layout = results.disclosure.layout
    bg = [f"response__bg_{d}" for d in layout.dims]
    answers: dict[Any, dict[Any, int]] = defaultdict(lambda: defaultdict(int))
    rows = (
        Answer.objects.filter(survey=results.survey, response__complete=True)
        .values_list("unit_id", "question_id", "option_id", *bg)
        .annotate(n=Count("id"))
    )
    for unit, qid, oid, *values, n in rows:
        answers[qid, unit, layout.normalise(values)][oid] += n
    answered: dict[Any, int] = defaultdict(int)
    rows = (
        Answer.objects.filter(survey=results.survey, response__complete=True)
        .exclude(option__key=DK_KEY)
        .values_list("question_id", "unit_id", *bg)
        .annotate(n=Count("response_id", distinct=True))
    )
    for qid, unit, *values, n in rows:
        answered[qid, unit, layout.normalise(values)] += n
    people: dict[Any, int] = defaultdict(int)
    people_rows = (
        Response.objects.filter(survey=results.survey, complete=True)
        .values_list("unit_id", *(b.removeprefix("response__") for b in bg))
        .annotate(n=Count("id"))
    )
    for unit, *values, n in people_rows:
        people[unit, layout.normalise(values)] += n
    return answers, answered, people


def _grouped(results: SurveyResults, leaf: dict[Any, int]) -> dict[Any, int]:
    """Sum counts per (survey unit, categories) up to every (node, slot)."""
    layout, tree = results.disclosure.layout, results.tree
    out: dict[Any, int] = defaultdict(int)
    for (unit, cats), n in leaf.items():
        for node in [unit, *tree.ancestors(unit)]:
            out[node, None] += n
            for d, c in zip(layout.dims, cats, strict=True):
                out[node, (d, c)] += n
    return out


@dataclass
class Published:
    """Everything read from the API, the CSV and the printed reports of one round."""

    api: dict[int, Any]  # node → results summary
    breakdowns: dict[tuple[int, str, str], Any]  # (node, question, dimension) → crosstab
    csv_rows: list[dict[str, str]]  # the municipality's summary export
    printed: dict[int, str]  # node → the printed report's HTML
    equity: dict[int, tuple[Any, Any]]  # node → (gaps and headline, representation)
    names: dict[str, int]  # unit name → node (comparisons are keyed by name)


def _publish_all(q: Any, p: Published, attacker: Any, dims: Any) -> None:
    """Give the attacker every published fact about question ``q``."""
    for n, summary in p.api.items():
        attacker.publish((n, None), Figures(respondents=summary["group"]["respondents"]))
        for item in summary["questions"]:
            if item["key"] == q.key:
                attacker.publish((n, None), _api_figures(q, item["unit"]))
                for name, figures in item["comparison"].items():
                    attacker.publish((p.names[name], None), _api_figures(q, figures))
        for d in dims:
            for row in p.breakdowns[n, q.key, d]["rows"]:
                attacker.publish((n, (d, row["key"])), _api_figures(q, row["figures"]))
        section = _pdf_sections(p.printed[n]).get(q.text)
        if section is not None:
            attacker.publish((n, None), _pdf_figures(q, section))
        if n in p.equity:
            _publish_equity(q, n, *p.equity[n], attacker)
    for row in p.csv_rows:
        node = int(row["unit_id"])
        if row["question"] == "_respondents":
            attacker.publish((node, None), Figures(respondents=int(row["n"]) if row["n"] else None))
        elif row["question"] == q.key:
            attacker.publish((node, None), _csv_figures(q, row))


def _publish_equity(q: Any, n: int, gaps: Any, rep: Any, attacker: Any) -> None:
    """The equity report: group counts, headline mean and top box, each gap's group and rest.

    Not used: a representation row of combined small groups (the unit minus its shown groups),
    the weighted figures and the weighting counts (they are about respondents' combinations of
    background answers, which no table holds and whose weights are not published).
    """
    attacker.publish((n, None), Figures(respondents=rep["n"]))
    for dim in rep["dimensions"]:
        for g in dim["groups"]:
            if not g["combined_small_groups"]:
                attacker.publish((n, (dim["dimension"], g["key"])), Figures(respondents=g["n"]))
    for h in gaps["headline"]:
        if h["question"] == q.key:
            attacker.publish(
                (n, None), Figures(n=h["n"], mean=(h["mean"], *h["mean_interval"]), top=h["top_box"])
            )
    for g in gaps["gaps"]:
        if g["question"] == q.key:
            group, rest = (n, (g["dimension"], g["group"])), (n, (g["dimension"], NOT_STATED))
            attacker.publish(group, Figures(n=g["n"], top=g["top_box"]))
            # The rest (the unit minus the group and "not stated"): its share in the top box.
            share = g["top_box_rest"]
            terms: dict[int, float] = defaultdict(float)
            for sign, part in ((1.0, (n, None)), (-1.0, group), (-1.0, rest)):
                for i, w in attacker.top_of(part).items():
                    terms[i] += sign * w
                for i, w in attacker.answers(part).items():
                    terms[i] -= sign * share * w
            attacker.add(terms, -1e-6, 1e-6)


def _attack_question(results: SurveyResults, q: Any, p: Published, truth: Any) -> tuple[int, list[Any]]:
    """Attack every withheld small cell of one question; return how many were tried and the pinned."""
    answers, answered_by, people = truth
    tree, layout = results.tree, results.disclosure.layout
    option_ids = [o.id for o in q.options if o.key != DK_KEY]
    leaf: dict[Any, dict[Any, int]] = defaultdict(lambda: defaultdict(int))
    for (qid, unit, cats), per in answers.items():
        if qid == q.id:
            for o, n in per.items():
                leaf[o][unit, cats] += n
    counts = {o: _grouped(results, leaf[o]) for o in option_ids}
    answered = _grouped(results, {(u, c): n for (qid, u, c), n in answered_by.items() if qid == q.id})
    top = [o.id for o in q.options if o.value is not None and q.scale and o.value >= q.scale.top_box_from()]
    full, own = (
        Attacker(
            {n.id: n.parent_id for n in tree.nodes.values()},
            {d: list(layout.cats[d]) for d in layout.dims},
            {o.id: o.value for o in q.options if o.key != DK_KEY},
            top=top,
            exclusive=q.exclusive,
        )
        for _ in range(2)
    )
    _publish_all(q, p, full, layout.dims)
    # Answer counts are attacked with what the answers show alone: how many of a group answered
    # may follow from its respondents (by design: it reveals no answer).
    _publish_all(q, p, own.answers_only(), layout.dims)
    tried, leaks = 0, []
    for group, n_people in _grouped(results, people).items():
        targets = []
        if not full.published(group, "respondents"):
            targets.append((full, full.respondents(group), n_people, K, "respondents"))
        if not full.published(group, "answers"):
            targets.append((own, own.answers(group), answered.get(group, 0), K, "answers"))
        for o in option_ids:
            if not full.published(group, o):
                targets.append((full, full.option(group, o), counts[o].get(group, 0), M, f"option {o}"))
        for by, terms, value, threshold, what in targets:
            if 0 < value < threshold:
                tried += 1
                pinned = by.pins(terms, threshold)
                if pinned is not None:
                    leaks.append((q.key, group, what, value, pinned))
    return tried, leaks


@dataclass
class Outcome:
    """What one attack found: cells tried, cells pinned, and where the time went (seconds)."""

    questions: list[str]
    tried: int
    leaks: list[Any]
    api: dict[int, Any]
    names: dict[str, int]
    seconds: dict[str, float]


def attack_round(
    survey: Any, client: Any, monkeypatch: Any, *, questions: list[str] | None = None, printed_pdfs: int = 1
) -> Outcome:
    """Read everything published about ``survey`` as ``client`` and attack it; see the module.

    ``questions``: keys of the questions to attack (None: every question); breakdowns are read
    for those only (the summaries, the CSV and the printed reports hold every question anyway).
    ``printed_pdfs``: how many units' reports go through the real PDF writer; the others are
    read from the HTML the PDF is printed from (the same figures; WeasyPrint costs ~1 s each).
    Districts' and the municipality's reports are made by the background job, as users get them.
    Call with English as the active language (the parsers read English labels).
    """
    seconds: dict[str, float] = defaultdict(float)
    clock = time.perf_counter()

    def lap(what: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        seconds[what] += now - clock
        clock = now

    results = SurveyResults(survey)
    tree, layout = results.tree, results.disclosure.layout
    chosen = [q for q in results.questions if questions is None or q.key in questions]
    assert questions is None or len(chosen) == len(questions), "unknown question keys"
    names = {n.name: n.id for n in tree.nodes.values()}
    api = {n: client.get(f"/api/v1/results/surveys/{survey.pk}?unit_id={n}").json() for n in tree.nodes}
    lap("API summaries")
    breakdowns = {
        (n, q.key, d): client.get(
            f"/api/v1/results/surveys/{survey.pk}/crosstab?unit_id={n}&question={q.key}&by={d}"
        ).json()
        for n in tree.nodes
        for q in chosen
        for d in layout.dims
    }
    lap("API breakdowns")
    root = next(n.id for n in tree.nodes.values() if n.parent_id not in tree.nodes)
    export = client.get(f"/api/v1/results/surveys/{survey.pk}/export?unit_id={root}")
    rows = list(csv.DictReader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    lap("CSV")
    printed: dict[int, str] = {}
    real_html, real_bytes = pdf.report_html, pdf.report_pdf_bytes
    monkeypatch.setattr(
        pdf,
        "report_html",
        lambda o, t, request=None: printed.setdefault(o.node.id, real_html(o, t, request)),
    )

    def html_only(overview: Any, threshold: int, request: Any = None, progress: Any = None) -> bytes:
        return pdf.report_html(overview, threshold, request).encode()

    for i, n in enumerate(tree.nodes):
        # The rest: the printed report's HTML only (the same figures, without WeasyPrint).
        writer = real_bytes if i < printed_pdfs else html_only
        monkeypatch.setattr(pdf, "report_pdf_bytes", writer)
        monkeypatch.setattr(jobs, "report_pdf_bytes", writer)
        if tree.children.get(n):  # a district's or the municipality's report is made in the worker
            started = client.post(f"/results/{survey.pk}/report/prepare/?unit={n}")
            assert started.status_code == 302
            job = Job.objects.filter(kind=jobs.REPORT_JOB, params__unit_id=n).latest("id")
            assert job.status == JobStatus.DONE, job.error
        else:
            response = client.get(f"/results/{survey.pk}/report.pdf?unit={n}")
            assert response.status_code == 200
            if i < printed_pdfs:
                assert response["Content-Type"] == "application/pdf"
        assert n in printed
    monkeypatch.setattr(pdf, "report_pdf_bytes", real_bytes)
    monkeypatch.setattr(jobs, "report_pdf_bytes", real_bytes)
    lap("PDF")
    equity = {}
    for n in tree.nodes:
        gaps = client.get(f"/api/v1/population/units/{n}/gaps?survey_id={survey.pk}")
        rep = client.get(f"/api/v1/population/units/{n}/representation?survey_id={survey.pk}")
        if gaps.status_code == 200 and rep.status_code == 200:
            equity[n] = (gaps.json(), rep.json())
    lap("equity API")

    published = Published(api, breakdowns, rows, printed, equity, names)
    truth = _truth(results)
    tried, leaks = 0, []
    for q in chosen:
        found_tried, found = _attack_question(results, q, published, truth)
        tried += found_tried
        leaks += found
    lap("LP attack")
    return Outcome([q.key for q in chosen], tried, leaks, api, names, dict(seconds))


def keep_only_answers_to(survey: Any, keys: list[str]) -> None:
    """Delete the answers to every question of ``survey`` but ``keys`` (before anything is decided).

    Respondents, units and background answers stay, so every unit and background group is read
    and attacked as in the whole demo; the other questions have no answers, so deciding them is
    free. What makes the attack on one round fast enough for CI: deciding the option counts of
    all the demo's questions takes about a minute of CPU (bench/attack).
    """
    results = SurveyResults(survey)
    others = [q.id for q in results.questions if q.key not in keys]
    others += [q.id for q in results.text_questions]
    Answer.objects.filter(survey=survey, question_id__in=others).delete()
