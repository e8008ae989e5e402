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
from collections import Counter, defaultdict
from dataclasses import dataclass
from html import unescape
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
    merged = []
    if data["other_options_count"] is not None:
        merged.append(
            ([ids[o["key"]] for o in data["options"] if o["count"] is None], data["other_options_count"])
        )
    if data["top_box_count"] is not None:
        merged.append(([ids[k] for k in data["top_box_options"]], data["top_box_count"]))
    mean = data["mean"]
    return Figures(
        n=data["n"],
        options=options,
        shares={ids[o["key"]]: o["share"] for o in data["options"] if o["share"] is not None},
        merged=merged,
        dont_know=data["dont_know"],
        mean=(mean["estimate"], mean["low"], mean["high"]) if mean and mean["estimate"] is not None else None,
        top=data["top_box"]["estimate"] if data["top_box"] else None,
    )


def _check_rows(
    q: Any, n: int, options: dict[int, int], rows: list[tuple[list[int], int | None]], where: str
) -> None:
    """Check that a parser read every option: each is a shown count or in one merged row (``rows``:
    option ids and their total, None when withheld), and a one-answer question's rows add up to n."""
    held = [*options, *(i for ids, _total in rows for i in ids)]
    assert sorted(held) == sorted(o.id for o in q.options if o.key != DK_KEY), (
        f"{where}: {q.key} {options} {rows}"
    )
    if q.exclusive and all(total is not None for _ids, total in rows):
        added = sum(options.values()) + sum(total or 0 for _ids, total in rows)
        assert added == n, f"{where}: {q.key}'s rows add up to {added}, not n = {n}"


def _csv_figures(q: Any, row: dict[str, str]) -> Figures:
    """Read one row of the summary export (``medvirk.insights.exports.summary_rows``): the
    distribution says "label: count; …; Other options: total"; mean, interval and top-box share
    have 4 decimals (an interval end is empty when not computed)."""
    if not row["n"]:
        return Figures()
    labels = {o.label: o.id for o in q.options}
    options: dict[int, int] = {}
    other = None
    for part in filter(None, row["distribution"].split("; ")):
        label, count = part.rsplit(": ", 1)
        if label == "Other options":
            other = int(count)
        else:
            options[labels[label]] = int(count)
    merged_ids = [o.id for o in q.options if o.id not in options and o.key != DK_KEY]
    rows: list[tuple[list[int], int | None]] = [(merged_ids, other)] if merged_ids else []
    _check_rows(q, int(row["n"]), options, rows, "CSV")

    def number(text: str) -> float:
        return float(text) if text else float("nan")

    mean = (
        (number(row["mean"]), number(row["mean_ci_low"]), number(row["mean_ci_high"]))
        if row["mean"]
        else None
    )
    return Figures(
        n=int(row["n"]),
        options=options,
        merged=[(ids, total) for ids, total in rows if total is not None],
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
        out[unescape(title.group(1).strip())] = section.split("</section>")[0]
    return out


def _number(text: str) -> float:
    return float(text.replace("\u2212", "-").replace(",", ""))


def _text(html: str) -> str:
    """The words of a piece of HTML, as a reader of the PDF sees them (no drawings)."""
    html = re.sub(r"<svg.*?</svg>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


SHOWN = "<dt>Answers</dt>"  # a section that shows figures (insights/_figures.html)


def _pdf_figures(q: Any, section: str) -> Figures:
    """Read one question's section of the printed report (English; ``insights/report_pdf.html``,
    ``_figures.html``, ``_answer_rows.html``): the facts ("Answers", "Average … (likely between
    … and …)", "Answered 5 or higher", "Don't know …") and the answer table: a row per shown
    option (count, whole-percent share), the merged options' row(s) "Other options together (…)"
    (below and in the top box when the top is said; "–" when their total is withheld) and the
    top box's total row. Shares and the mean are rounded as printed."""
    dl = re.search(r'<dl class="mv-facts mv-figures">(.*?)</dl>', section, re.S)
    if dl is None:
        return Figures()
    facts = {_text(dt): dd for dt, dd in re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", dl.group(1), re.S)}
    if "Answers" not in facts:
        return Figures()
    n = int(_number(_text(facts["Answers"])))
    by_label = {o.label: o.id for o in q.options if o.key != DK_KEY}
    options: dict[int, int] = {}
    shares: dict[int, float] = {}
    merged: list[tuple[list[int], int]] = []  # the merged rows and the top box's total
    rows: list[tuple[list[int], int | None]] = []  # the merged rows (None: total withheld)
    table = section.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in section else ""
    row = r'<tr(?: class="(mv-total)")?><th scope="row">(.*?)</th><td>([^<]*)</td><td>([^<]*)</td></tr>'
    for total, label, count, share in re.findall(row, table):
        label, count, share = unescape(label), count.strip(), share.strip()
        together = re.fullmatch(r"Other options together \((.*)\)", label)
        top_row = re.fullmatch(r"Answered (\d+) or higher", label)
        if total:
            assert top_row is not None, label
            top_from = int(top_row.group(1))
            ids = [o.id for o in q.options if o.value is not None and o.value >= top_from]
            merged.append((ids, int(count)))
        elif together:
            ids = _labels_listed(q, together.group(1))
            rows.append((ids, None if count == "–" else int(count)))  # "–": the total is withheld
        else:
            options[by_label[label]] = int(count)
            if share.endswith(" %") and share[:-2].isdigit():  # not "under 1 %" / "over 99 %"
                shares[by_label[label]] = int(share[:-2]) / 100
    mean = None
    if "Average" in facts:
        said = _text(facts["Average"])
        found = re.match(r"([−\d.,-]+) \(likely between ([−\d.,-]+) and ([−\d.,-]+)\)", said)
        if found:
            mean = (_number(found.group(1)), _number(found.group(2)), _number(found.group(3)))
        else:
            alone = re.match(r"([−\d.,-]+) \(too few answers for a useful range\)", said)
            assert alone is not None, said
            mean = (_number(alone.group(1)), float("nan"), float("nan"))
    top = None
    for fact, dd in facts.items():
        if re.fullmatch(r"Answered \d+ or higher", fact):
            share_said = re.match(r"(\d+) % \(likely between", _text(dd))
            top = int(share_said.group(1)) / 100 if share_said else None  # not "under 1 %"
    dk = next((_text(dd) for fact, dd in facts.items() if fact.startswith("Don't know")), None)
    _check_rows(q, n, options, rows, "printed report")
    return Figures(
        n=n,
        options=options,
        shares=shares,
        merged=[*merged, *((ids, total) for ids, total in rows if total is not None)],
        dont_know=int(dk) if dk is not None else None,
        mean=mean,
        top=top,
        digits=1,
        share_digits=2,
    )


def _labels_listed(q: Any, listed: str) -> list[int]:
    """Return the ids of the options a merged row names ("1, 2", in the question's order)."""
    ids, rest = [], listed
    for o in q.options:
        if rest == o.label or rest.startswith(o.label + ", "):
            ids.append(o.id)
            rest = rest[len(o.label) + 2 :]
    assert ids and rest == "", f"{q.key}: cannot read the options {listed!r}"
    return ids


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


def _publish_all(q: Any, p: Published, attacker: Any, dims: Any) -> Counter[str]:
    """Give the attacker every published fact about question ``q``; return how many groups'
    figures (with n) were read from the printed reports and the CSV."""
    read: Counter[str] = Counter()
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
            printed = _pdf_figures(q, section)
            # A section that shows figures must be read: a parser that reads nothing cannot fail.
            assert (printed.n is not None) == (SHOWN in section), f"{q.key}: printed report not read"
            read["printed"] += printed.n is not None
            attacker.publish((n, None), printed)
        if n in p.equity:
            _publish_equity(q, n, *p.equity[n], attacker)
    for row in p.csv_rows:
        node = int(row["unit_id"])
        if row["question"] == "_respondents":
            attacker.publish((node, None), Figures(respondents=int(row["n"]) if row["n"] else None))
        elif row["question"] == q.key:
            exported = _csv_figures(q, row)
            read["CSV"] += exported.n is not None
            attacker.publish((node, None), exported)
    return read


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


def _attack_question(
    results: SurveyResults, q: Any, p: Published, truth: Any
) -> tuple[int, list[Any], Counter[str]]:
    """Attack every withheld small cell of one question; return how many were tried, the pinned
    and how many groups' figures were read from the printed reports and the CSV."""
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
    read = _publish_all(q, p, full, layout.dims)
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
    return tried, leaks, read


@dataclass
class Outcome:
    """What one attack found: cells tried, cells pinned, groups whose figures were read per
    source ("printed", "CSV") and question, and where the time went (seconds)."""

    questions: list[str]
    tried: int
    leaks: list[Any]
    read: dict[str, Counter[str]]
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
    monkeypatch.setattr(pdf, "report_html", real_html)  # a second round must not get this one's
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
    read: dict[str, Counter[str]] = defaultdict(Counter)
    for q in chosen:
        found_tried, found, groups = _attack_question(results, q, published, truth)
        tried += found_tried
        leaks += found
        for source, count in groups.items():
            read[source][q.key] += count
    lap("LP attack")
    return Outcome([q.key for q in chosen], tried, leaks, dict(read), api, names, dict(seconds))


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
