"""Exports: suppressed summary tables for anyone who sees results; response-level data for few.

Both stream: CSV row by row through ``StreamingHttpResponse``, XLSX through openpyxl's
write-only workbook into a spooled temporary file. Every text cell is guarded against formula
injection (a leading = + - @ tab or CR gets a quote), since spreadsheets execute formulas.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterable, Iterator
from typing import Any

from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils.text import slugify
from django.utils.translation import gettext as _

from medvirk.accounts.access import can
from medvirk.accounts.permissions import Perm
from medvirk.surveys.definition import QType
from medvirk.surveys.models import AnonymityMode

from . import selectors, services
from .tables import SurveyResults, node_key

FORMULA_START = frozenset("=+-@\t\r")
BATCH = 2000
CHUNK_BYTES = 64 * 1024


def safe_cell(value: Any) -> Any:
    """Return ``value`` with a quote in front if a spreadsheet would read it as a formula."""
    if type(value) is str and value[:1] in FORMULA_START:
        return "'" + value
    return value


class _Buffer:
    def __init__(self) -> None:
        self.parts: list[str] = []

    def write(self, value: str) -> None:
        self.parts.append(value)


def _csv_stream(rows: Iterable[list[Any]]) -> Iterator[str]:
    """Yield the CSV in chunks of about 64 KB (one HTTP chunk per row would be slow)."""
    buffer = _Buffer()
    writer = csv.writer(buffer)
    size = 0
    yield "\ufeff"  # BOM so spreadsheet programs read UTF-8
    for row in rows:
        writer.writerow([("'" + v) if type(v) is str and v[:1] in FORMULA_START else v for v in row])
        size += len(buffer.parts[-1])
        if size >= CHUNK_BYTES:
            yield "".join(buffer.parts)
            buffer.parts.clear()
            size = 0
    if buffer.parts:
        yield "".join(buffer.parts)


def _xlsx(rows: Iterable[list[Any]]) -> Any:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for row in rows:
        sheet.append([safe_cell(v) for v in row])
    spool = tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024)  # noqa: SIM115 — FileResponse closes it
    workbook.save(spool)
    spool.seek(0)
    return spool


def _respond(rows: Iterable[list[Any]], fmt: str, name: str) -> HttpResponse:
    if fmt == "xlsx":
        return FileResponse(
            _xlsx(rows),
            as_attachment=True,
            filename=f"{name}.xlsx",
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response = StreamingHttpResponse(_csv_stream(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


def _round(value: float | None, places: int = 4) -> float | str:
    if value is None or value != value:  # NaN
        return ""
    return round(value, places)


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
    for nid in summary_nodes(user, results, node_id):
        name = results.tree.nodes[nid].name
        group = results.group(nid)
        yield [nid, name, "_respondents", _("Respondents"), group.status, group.respondents or "", *[""] * 9]
        for q in results.questions:
            f = results.figures(q, nid)
            if not f.shown:
                yield [nid, name, q.key, q.text, f.status, *[""] * 10]
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
            ]


def aggregated_response(user: Any, results: SurveyResults, node_id: int, fmt: str) -> HttpResponse:
    """Return the summary export as CSV (default) or XLSX."""
    name = f"{slugify(results.survey.series)}-{slugify(results.survey.round_label)}-{node_id}"
    return _respond(summary_rows(user, results, node_id), fmt, name)


def raw_export_allowed(user: Any, results: SurveyResults, node_id: int) -> bool:
    """Return whether response-level data of this unit may be exported by ``user``.

    Only for surveys whose anonymity mode allows it, for roles with the right, and only for a
    unit whose number of respondents is itself shown (at least the threshold).
    """
    return (
        results.survey.anonymity_mode == AnonymityMode.ANONYMOUS
        and can(user, Perm.RESULTS_EXPORT_RAW, results.tree.nodes[node_id].unit)
        and results.respondent_table[node_key(node_id)].shown
    )


def raw_rows(user: Any, results: SurveyResults, node_id: int) -> Iterator[list[Any]]:
    """Yield one row per complete response, in id order; the database packs each row's answers."""
    from medvirk.analysis.text import mask_pii

    questions = [
        (q.key, q.type, str(results.registry.question_by_key[q.key].pk))
        for q in results.definition.questions()
        if q.key in results.registry.question_by_key and q.type not in (QType.MATRIX, QType.BACKGROUND)
    ]
    ids = [qid for _k, _t, qid in questions]
    multiple = {qid for _k, t, qid in questions if t == QType.MULTIPLE}
    has_text = any(t in (QType.TEXT, QType.TEXTAREA) for _k, t, _q in questions)
    yield ["row", "unit", "language", *selectors.BG_COLUMNS, *[k for k, _t, _q in questions]]
    shown = {nid for nid in results.tree.nodes if results.respondent_table[node_key(nid)].shown}
    names = {nid: n.name for nid, n in results.tree.nodes.items() if nid in shown}
    counter = 0
    batch: list[tuple[Any, ...]] = []

    def unpack(packed: str) -> dict[str, str]:
        if not multiple:
            return dict(item.split("=", 1) for item in packed.split(" "))
        values: dict[str, str] = {}
        for item in packed.split(" "):
            qid, value = item.split("=", 1)
            values[qid] = f"{values[qid]};{value}" if qid in multiple and qid in values else value
        return values

    def flush() -> Iterator[list[Any]]:
        nonlocal counter
        texts: dict[int, dict[str, str]] = {}
        if has_text:
            for rid, qid, text in selectors.text_answers_for_responses(response_ids=[r[0] for r in batch]):
                texts.setdefault(rid, {})[str(qid)] = mask_pii(text).text
        for rid, unit_id, language, *rest in batch:
            *bg, packed = rest
            values = unpack(packed) if packed else {}
            if rid in texts:
                values.update(texts[rid])
            counter += 1
            yield [counter, names.get(unit_id, ""), language, *bg, *[values.get(q, "") for q in ids]]

    for row in selectors.response_rows(
        user=user, survey=results.survey, unit_ids=results.tree.survey_units_below(node_id)
    ):
        batch.append(row)
        if len(batch) >= BATCH:
            yield from flush()
            batch = []
    if batch:
        yield from flush()


def raw_response(user: Any, results: SurveyResults, node_id: int, fmt: str) -> HttpResponse:
    """Return response-level data as CSV (default) or XLSX, and record who exported it."""
    services.raw_export_record(
        actor=user, survey=results.survey, unit=results.tree.nodes[node_id].unit, fmt=fmt
    )
    name = f"{slugify(results.survey.series)}-{slugify(results.survey.round_label)}-{node_id}-responses"
    return _respond(raw_rows(user, results, node_id), fmt, name)
