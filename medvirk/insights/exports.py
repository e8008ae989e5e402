"""Exports: suppressed summary tables for anyone who sees results; response-level data for few.

Both stream: CSV a batch of rows at a time through ``StreamingHttpResponse``, XLSX through
openpyxl's write-only workbook into a spooled temporary file. Every text cell is guarded against
formula injection (a leading = + - @ tab or CR gets a quote), since spreadsheets execute formulas.

Response-level data can also be prepared in the background (``jobs.py``): ``raw_export_write``
writes the same rows, in the same formats, to a file chunk by chunk. Above
``DIRECT_EXPORT_MAX_RESPONSES`` responses the XLSX and SPSS files are made only that way (the
request would take minutes); CSV always streams.
"""

from __future__ import annotations

import itertools
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from operator import itemgetter
from typing import IO, Any

from django.http import FileResponse, Http404, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from medvirk.accounts.access import can
from medvirk.accounts.permissions import Perm
from medvirk.core.csv_export import BOM, csv_chunks, csv_stream, csv_text, safe_cell
from medvirk.surveys.models import AnonymityMode
from medvirk.surveys.types import ExportColumn, Figures, question_type

from . import selectors, services
from .downloads import attachment, download_name
from .numbers import number_figures
from .questions import QuestionInfo, number_questions
from .release import released
from .tables import SurveyResults, access_results, node_key

BATCH = 5000  # responses read from the database per page (and CSV rows per chunk)
CHUNK_BYTES = 64 * 1024
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: Above this many responses a unit's XLSX and SPSS files are prepared only in the background.
DIRECT_EXPORT_MAX_RESPONSES = 20_000
#: The column naming each row's withheld quasi-identifiers (``_withheld``).
WITHHELD_COLUMN = "withheld"
PLANS_KEPT = 10_000  # column mappings kept per export (one per distinct set of questions answered)
PROGRESS_EVERY = 1000  # rows between progress reports of a background export
Progress = Callable[[int, int, str], None]  # as ``medvirk.core.jobs.Progress``


def _xlsx_write(rows: Iterable[Sequence[Any]], out: IO[bytes], notes: Sequence[str] = ()) -> None:
    """Write the rows as a workbook (write-only mode keeps one row in memory at a time), with
    ``notes`` one a line on a second sheet."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for row in rows:
        sheet.append([safe_cell(v) for v in row])
    if notes:
        notes_sheet = workbook.create_sheet(_("Notes"))
        for line in notes:
            notes_sheet.append([safe_cell(line)])
    workbook.save(out)


def _xlsx(rows: Iterable[Sequence[Any]], notes: Sequence[str] = ()) -> Any:
    spool = tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024)  # noqa: SIM115 — FileResponse closes it
    _xlsx_write(rows, spool, notes)
    spool.seek(0)
    return spool


def _respond(
    rows: Iterable[Sequence[Any]], fmt: str, name: str, notes: Sequence[str] = ()
) -> HttpResponseBase:
    if fmt == "xlsx":
        return FileResponse(
            _xlsx(rows, notes), as_attachment=True, filename=f"{name}.xlsx", content_type=XLSX_TYPE
        )
    response = StreamingHttpResponse(csv_stream(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = attachment(f"{name}.csv")
    return response


def _round(value: float | None, places: int = 4) -> float | str:
    if value is None or value != value:  # NaN
        return ""
    return round(value, places)


def _changed(question: QuestionInfo) -> str:
    """Return the day the question's wording changed after answers came in (ISO), or ""."""
    return question.reworded_on.isoformat() if question.reworded_on else ""


SUMMARY_HEADER = [
    "unit_id",
    "unit",
    "question",
    "question_text",
    "status",
    "n",
    "mean",
    "mean_ci_low",
    "mean_ci_high",
    "top_box_from",
    "top_box_share",
    "top_box_ci_low",
    "top_box_ci_high",
    "dont_know",
    "distribution",
    "median",
    "lower_quartile",
    "upper_quartile",
    "wording_changed_on",  # the date the question's wording changed after answers came in, or empty
]


def summary_nodes(user: Any, results: SurveyResults, node_id: int) -> list[int]:
    """Return the unit and every visible unit below it, then the levels above it for comparison."""
    tree = results.tree
    path = tree.nodes[node_id].path
    below = [
        n.id for n in tree.nodes.values() if n.path.startswith(path) and can(user, Perm.RESULTS_VIEW, n.unit)
    ]
    return below + list(reversed(tree.ancestors(node_id)))


def summary_rows(user: Any, results: SurveyResults, node_id: int) -> Iterator[list[Any]]:
    """Yield the suppressed summary table: one row per (unit, question); hidden cells are empty."""
    yield SUMMARY_HEADER
    results.prefetch()
    numbers = number_questions(results.definition, results.registry)
    for nid in summary_nodes(user, results, node_id):
        name = results.tree.nodes[nid].name
        group = results.group(nid)
        yield [nid, name, "_respondents", _("Respondents"), group.status, group.respondents or "", *[""] * 13]
        for q in results.questions:
            f = results.figures(q, nid)
            if not f.shown:
                yield [nid, name, q.key, q.text, f.status, *[""] * 13, _changed(q)]
                continue
            dist = "; ".join(f"{o.label}: {o.count}" for o in f.options if o.count is not None)
            if f.merged_count is not None:
                dist += f"; {_('Other options')}: {f.merged_count}"
            yield [
                nid,
                name,
                q.key,
                q.text,
                f.status,
                f.n,
                _round(f.mean.estimate if f.mean else None),
                _round(f.mean.interval[0] if f.mean else None),
                _round(f.mean.interval[1] if f.mean else None),
                f.top_from or "",
                _round(f.top_box.estimate if f.top_box else None),
                _round(f.top_box.interval[0] if f.top_box else None),
                _round(f.top_box.interval[1] if f.top_box else None),
                "" if f.dont_know is None else f.dont_know,
                dist,
                "",
                "",
                "",
                _changed(q),
            ]
        for q in numbers:
            nf = number_figures(results, q, nid)
            if not nf.shown:
                yield [nid, name, q.key, q.text, nf.status, *[""] * 13, _changed(q)]
                continue
            mean = nf.mean
            yield [
                nid,
                name,
                q.key,
                q.text,
                nf.status,
                nf.n,
                _round(mean.estimate if mean else None),
                _round(mean.interval[0] if mean else None),
                _round(mean.interval[1] if mean else None),
                *[""] * 6,
                _round(nf.median),
                _round(nf.q1),
                _round(nf.q3),
                _changed(q),
            ]


def aggregated_response(user: Any, results: SurveyResults, node_id: int, fmt: str) -> HttpResponseBase:
    """Return the summary export as CSV (default) or XLSX."""
    name = download_name(results.survey, results.tree.nodes[node_id].name, "csv").removesuffix(".csv")
    return _respond(summary_rows(user, results, node_id), fmt, name)


def raw_export_allowed(user: Any, results: SurveyResults, node_id: int) -> bool:
    """Return whether response-level data of this unit may be exported by ``user``.

    Only for surveys whose anonymity mode allows it, for roles with the right, only once the
    round has closed (it then never opens again), and only for a unit whose number of
    respondents is itself shown (at least the threshold). While a round is open, two downloads
    a day apart differ by exactly the rows of the people who answered in between: with one
    newcomer, their whole response (red team, 2026-12-07).
    """
    return released(results.survey) and _raw_export_granted(user, results, node_id)


def _raw_export_granted(user: Any, results: SurveyResults, node_id: int) -> bool:
    return (
        results.survey.anonymity_mode == AnonymityMode.ANONYMOUS
        and can(user, Perm.RESULTS_EXPORT_RAW, results.tree.nodes[node_id].unit)
        and results.respondent_table[node_key(node_id)].shown
    )


def access_raw_export(
    user: Any,
    survey_id: Any,
    unit_id: Any,
    prepare: Callable[[SurveyResults], SurveyResults] | None = None,
) -> tuple[SurveyResults, int]:
    """Return results and unit when ``user`` may export response-level data there; else 404.

    ``prepare`` swaps the results for those whose decisions are at hand (see
    :func:`.jobs.prepared_results`) before the unit's respondents are checked.
    """
    results, node_id = access_results(user, survey_id, unit_id, Perm.RESULTS_EXPORT_RAW)
    if prepare is not None:
        results = prepare(results)
    if not raw_export_allowed(user, results, node_id):
        raise Http404
    return results, node_id


def _column_plan(ids: str, columns: dict[str, int], multiple: frozenset[int]) -> Callable[[list[str]], Any]:
    """Return a function picking the columns' values from a split packed-answers string.

    ``ids`` is the packed string's question-id list (see ``selectors._packed_answers_sql``),
    ``columns`` maps a question id to its column. Unanswered columns take the empty word at the
    end of the split string; a multiple-choice column joins its options with ";" in answer order;
    any other question answered twice keeps the last answer.
    """
    sources: list[list[int]] = [[] for _ in columns]
    for position, qid in enumerate(ids.split(" ") if ids else ()):
        if qid in columns:
            sources[columns[qid]].append(position)
    if any(len(s) > 1 for s in sources):
        picks = [(tuple(s), i in multiple) for i, s in enumerate(sources)]
        return lambda values: tuple(
            ";".join(values[p] for p in positions) if joined else values[positions[-1]] if positions else ""
            for positions, joined in picks
        )
    indexes = [s[0] if s else -1 for s in sources]
    if len(indexes) > 1:
        return itemgetter(*indexes)  # one C call per row: the common case
    return lambda values: tuple(values[i] for i in indexes)


#: The quasi-identifier columns of a response-level row, in the order ``_withheld`` withholds
#: them on a tie: background answers first, then the language, the unit last. The years of date
#: answers (``_date_columns``) are decided within the combinations these publish.
QUASI_IDENTIFIERS = (*selectors.BG_COLUMNS, "language", "unit")


def _date_columns(
    questions: list[tuple[str, str, str]], kind: ExportColumn = ExportColumn.YEAR
) -> list[tuple[int, str, int]]:
    """Return (answer column, key, question id) of the date questions among ``raw_questions``
    (with ``kind`` RANGE: the number questions)."""
    return [
        (i, key, int(qid)) for i, (key, t, qid) in enumerate(questions) if question_type(t).export == kind
    ]


def _withheld(
    user: Any,
    results: SurveyResults,
    unit_ids: list[int],
    names: dict[int, str],
    dates: Sequence[tuple[int, str, int]] = (),
    numbers: Sequence[tuple[int, str, int]] = (),
) -> tuple[dict[int, frozenset[str] | None], dict[int, tuple[str, ...]]]:
    """Return response id → the quasi-identifier columns withheld in its row (None: left out),
    and response id → the years of its date answers, then the ranges of its number answers (in
    the order of ``dates`` and ``numbers``; "" unanswered).

    k-anonymity by local suppression (``analysis.kanonymity``, k = the survey's anonymity
    threshold; dates' years within what the others publish, ``nested_suppression``): every
    combination of unit, language, background answers and dates' years the file shows,
    "withheld" included, stands in at least k rows through a code or an invitation. The rows
    named a shown unit's two fathers (whose group the results hide), its one parent
    answering in Arabic, or the one "male, 67+", with every answer (red team, 2026-12-07); a
    date (a child's birthday, the day a parent started) named its one row as surely (red team,
    2026-12-07, third session), so a file gives a date's year only, and only where it is common.
    A number known of one person (a child's hours a week) did the same (red team 4): it is given
    as a range of at least k counted answers (``kanonymity.number_ranges``), decided like a year.
    Counted only on rows nobody reading the file can plant (``counted.py``): poster answers of
    the reader's own could pad a class to k. A unit whose name is withheld has its name
    withheld here too.
    """
    from medvirk.analysis.kanonymity import nested_suppression, number_ranges

    qi = selectors.response_quasi_identifiers(user=user, survey=results.survey, unit_ids=unit_ids)
    found = selectors.response_years(
        user=user, survey=results.survey, unit_ids=unit_ids, question_ids=[q for _i, _k, q in dates]
    )
    counted = [bool(row[-1]) for row in qi]
    given = selectors.response_numbers(
        user=user, survey=results.survey, unit_ids=unit_ids, question_ids=[q for _i, _k, q in numbers]
    )
    ranges = [
        number_ranges([given.get(row[0], {}).get(q) for row in qi], counted, results.policy.threshold)
        for _i, _k, q in numbers
    ]
    years = {
        row[0]: (*(found.get(row[0], {}).get(q, "") for _i, _k, q in dates), *(r[n] for r in ranges))
        for n, row in enumerate(qi)
    }
    values = [
        (*years[row[0]], *("" if v is None else str(v) for v in row[3:-1]), row[2] or "", names.get(row[1]))
        for row in qi
    ]
    decided = nested_suppression(values, counted, results.policy.threshold, inner=len(dates) + len(numbers))
    columns = (*(key for _i, key, _q in (*dates, *numbers)), *QUASI_IDENTIFIERS)
    withheld = {
        row[0]: None if positions is None else frozenset(columns[p] for p in positions)
        for row, positions in zip(qi, decided, strict=True)
    }
    return withheld, years


def raw_questions(results: SurveyResults) -> list[tuple[str, str, str]]:
    """Return (key, type, question id) of the response-level export's answer columns.

    Free text is left out (also "other, please specify"): a comment naming a child ties every
    answer on the row to a person (red team, 2026-12-07). The results list comments apart,
    from the free-text threshold, with nothing else of the respondent's.
    """
    return [
        (q.key, q.type, str(results.registry.question_by_key[q.key].pk))
        for q in results.definition.questions()
        if q.key in results.registry.question_by_key
        and question_type(q.type).export != ExportColumn.NONE
        and question_type(q.type).figures != Figures.TEXT
    ]


def _raw_batches(
    user: Any, results: SurveyResults, node_id: int
) -> tuple[list[str], Iterator[list[tuple[Any, ...]]]]:
    """Return the header and an iterator over batches of rows of the response-level export.

    One row per complete response; the database packs each row's answers, and rows with the
    same questions answered share one column mapping (``_column_plan``), so the per-row Python
    work is a split and a tuple. Quasi-identifiers are withheld where a combination is rare
    (``_withheld``; the column "withheld" names them), free text is left out
    (``raw_questions``), and a date is given as its year, itself a quasi-identifier.

    The rows say nothing of when each response came (red team, 2026-12-07): in response-id
    order, someone who answered through the poster just before and just after a parent he saw
    answering found the parent's row between his own two. So each shown unit's rows, then the
    rows whose unit is withheld together, are sorted by what they say (the export is a
    function of the responses alone); memory holds one unit's rows. No row has an id, a time
    or a number that follows arrival ("row" counts the sorted rows).
    """
    questions = raw_questions(results)
    columns = {qid: i for i, (_k, _t, qid) in enumerate(questions)}
    multiple = frozenset(
        i for i, (_k, t, _q) in enumerate(questions) if question_type(t).export == ExportColumn.JOINED
    )
    dates = _date_columns(questions)
    numbers = _date_columns(questions, ExportColumn.RANGE)
    inner = [*dates, *numbers]  # columns whose cell the decision gives (a year, a range)
    quasi = ["unit", "language", *selectors.BG_COLUMNS]
    named = [*quasi, *(key for _i, key, _q in inner)]  # as the column "withheld" names them
    header = ["row", *quasi, WITHHELD_COLUMN, *[k for k, _t, _q in questions]]
    shown = {nid for nid in results.tree.nodes if results.respondent_table[node_key(nid)].shown}
    names = {nid: n.name for nid, n in results.tree.nodes.items() if nid in shown}
    sep = selectors.PACK_SEP
    unit_ids = results.tree.survey_units_below(node_id)
    withheld, years = _withheld(user, results, unit_ids, names, dates, numbers)
    groups = [[u] for u in sorted((u for u in unit_ids if u in names), key=lambda u: (names[u], u))]
    groups.append([u for u in unit_ids if u not in names])
    plans: dict[str, Callable[[list[str]], Any]] = {}
    unit_withheld: list[tuple[Any, ...]] = []  # rows of shown units whose unit is withheld: last

    def answers(response_id: int, values: list[str], hidden: frozenset[str]) -> tuple[Any, ...]:
        plan = plans.get(values[-2])
        if plan is None:
            if len(plans) >= PLANS_KEPT:
                plans.clear()
            plan = plans[values[-2]] = _column_plan(values[-2], columns, multiple)
        cells = plan(values)
        if not inner:
            return cells
        out = list(cells)  # a date's cell holds its stored text's mark: the year replaces it
        for (column, key, _q), year in zip(inner, years[response_id], strict=True):
            out[column] = "" if key in hidden else year
        return tuple(out)

    def group_rows(group: list[int], last: bool) -> list[tuple[Any, ...]]:
        out: list[tuple[Any, ...]] = []
        for batch in selectors.response_rows(user=user, survey=results.survey, unit_ids=group, batch=BATCH):
            for row in batch:
                hidden = withheld.get(row[0])
                if hidden is None:
                    continue  # too few counted rows in the whole file to show anyone (or new)
                into = out if last or "unit" not in hidden else unit_withheld
                cells = (
                    v if key not in hidden else ""
                    for key, v in zip(quasi, (names.get(row[1], ""), *row[2:-1]), strict=True)
                )
                values = (row[-1] or sep + sep).split(sep)
                into.append(
                    (*cells, ";".join(k for k in named if k in hidden), *answers(row[0], values, hidden))
                )
        if last:
            out.extend(unit_withheld)
        out.sort(key=_by_content)
        return out

    def batches() -> Iterator[list[tuple[Any, ...]]]:
        counter = 0
        for index, group in enumerate(groups):
            rows = group_rows(group, index == len(groups) - 1)
            for start in range(0, len(rows), BATCH):
                chunk = rows[start : start + BATCH]
                yield [(counter + i, *row) for i, row in enumerate(chunk, 1)]
                counter += len(chunk)

    return header, batches()


def _by_content(row: tuple[Any, ...]) -> tuple[str, ...]:
    """Order rows by what they say (background may be None)."""
    return tuple("" if v is None else str(v) for v in row)


def raw_rows(user: Any, results: SurveyResults, node_id: int) -> Iterator[Sequence[Any]]:
    """Yield the header, then one row per complete response, in id order (see ``_raw_batches``)."""
    header, batches = _raw_batches(user, results, node_id)
    yield header
    for batch in batches:
        yield from batch


def raw_notes(results: SurveyResults) -> list[str]:
    """Return what the response-level file leaves out and withholds, a sentence a line."""
    threshold = results.policy.threshold
    return [
        _("One row per complete response, in no particular order."),
        _("Free-text answers are left out: a comment can name a person. Read them on the results page."),
        _(
            "Dates are given as the year only: a whole date can single out the one person born or "
            "starting that day."
        ),
        _(
            "Numbers are given as ranges, each holding the answers of at least %(threshold)s people "
            "who answered with a code or an invitation: “< 10” is under 10, “[10, 40)” from 10 up to "
            "but not including 40, “≥ 40” 40 or more; a number that many gave is written as it is. "
            "A number known of one person could otherwise single out that person's row."
        )
        % {"threshold": threshold},
        _(
            "Where few people share a unit, language, background answers and the years of dates, "
            "those values are left blank and named in the column “withheld”, so that every "
            "combination in the file is shared by at least %(threshold)s people who answered with a "
            "code or an invitation."
        )
        % {"threshold": threshold},
    ]


RAW_FORMATS = ("csv", "xlsx", "sav")
RAW_CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "xlsx": XLSX_TYPE, "sav": "application/x-spss-sav"}


def raw_export_total(results: SurveyResults, node_id: int) -> int:
    """Return how many complete responses the unit's response-level export holds."""
    return results.respondent_table[node_key(node_id)].count or 0


def raw_direct_allowed(results: SurveyResults, node_id: int, fmt: str) -> bool:
    """Return whether ``fmt`` may be downloaded at once (CSV always; XLSX and SPSS when small)."""
    return fmt == "csv" or raw_export_total(results, node_id) <= DIRECT_EXPORT_MAX_RESPONSES


def raw_direct_refusal() -> str:
    """Return why a large XLSX or SPSS file is not sent at once, and what to do instead."""
    limit = number_format(DIRECT_EXPORT_MAX_RESPONSES, force_grouping=True)
    message = _(
        "This unit has more than %(max)s responses: prepare the Excel or SPSS file in the background."
    )
    return message % {"max": limit}


def raw_export_filename(results: SurveyResults, node_id: int, fmt: str) -> str:
    """Return the download name of a unit's response-level export in ``fmt``."""
    unit_name = results.tree.nodes[node_id].name
    return download_name(results.survey, unit_name, fmt, what=str(_("responses")))


def raw_response(user: Any, results: SurveyResults, node_id: int, fmt: str) -> HttpResponseBase:
    """Return response-level data as CSV (default), XLSX or SPSS .sav; record who exported it."""
    fmt = fmt if fmt in RAW_FORMATS else "csv"
    services.raw_export_record(
        actor=user, survey=results.survey, unit=results.tree.nodes[node_id].unit, fmt=fmt
    )
    filename = raw_export_filename(results, node_id, fmt)
    if fmt == "sav":
        from .spss import write_sav

        return FileResponse(
            write_sav(results, raw_rows(user, results, node_id)),
            as_attachment=True,
            filename=filename,
            content_type=RAW_CONTENT_TYPES["sav"],
        )
    if fmt == "csv":
        header, batches = _raw_batches(user, results, node_id)
        response = StreamingHttpResponse(
            csv_chunks(itertools.chain([[header]], batches)), content_type=RAW_CONTENT_TYPES["csv"]
        )
        response["Content-Disposition"] = attachment(filename)
        return response
    return _respond(raw_rows(user, results, node_id), fmt, filename.rsplit(".", 1)[0], raw_notes(results))


def _reporting(
    rows: Iterator[Sequence[Any]], total: int, progress: Progress, message: str, counter: list[int]
) -> Iterator[Sequence[Any]]:
    """Pass the header and rows through, reporting every ``PROGRESS_EVERY`` rows written."""
    yield next(rows)
    for row in rows:
        counter[0] += 1
        if counter[0] % PROGRESS_EVERY == 0:
            progress(counter[0], total, message)
        yield row


def raw_export_write(
    *,
    user: Any,
    results: SurveyResults,
    node_id: int,
    fmt: str,
    out: IO[bytes],
    progress: Progress | None = None,
) -> int:
    """Write the response-level export to the binary file ``out``; return the rows written.

    The rows are those of the direct download (``raw_rows``). CSV and XLSX are written as the
    rows come; SPSS spools them in batches (``savfile``: string widths are known only at the
    end), so memory stays flat whatever the size. ``progress(done, total, message)`` hears of
    every thousand rows.
    Permission and anonymity checks and the audit record are the caller's.
    """
    total = raw_export_total(results, node_id)
    counter = [0]
    report: Progress = progress or (lambda done, total, message: None)
    message = _("Writing responses")
    if fmt == "csv":
        header, batches = _raw_batches(user, results, node_id)
        out.write((BOM + csv_text([header])).encode("utf-8"))
        for batch in batches:
            out.write(csv_text(batch).encode("utf-8"))
            done = counter[0] + len(batch)
            for reached in range(counter[0] // PROGRESS_EVERY + 1, done // PROGRESS_EVERY + 1):
                report(reached * PROGRESS_EVERY, total, message)
            counter[0] = done
        return counter[0]
    rows = _reporting(raw_rows(user, results, node_id), total, report, message, counter)
    if fmt == "xlsx":
        _xlsx_write(rows, out, raw_notes(results))
    elif fmt == "sav":
        from .spss import write_sav

        with write_sav(results, rows) as sav:
            report(counter[0], total, _("Writing the SPSS file"))
            shutil.copyfileobj(sav, out, CHUNK_BYTES)
    else:
        raise ValueError(f"Unknown response-level export format {fmt!r}.")
    return counter[0]
