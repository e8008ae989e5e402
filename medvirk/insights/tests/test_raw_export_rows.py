"""The response-level export's rows: the fast path gives exactly what one dict per row gave.

``reference_rows`` is the export as written before the column mappings and batch-wise
formula guard (the database packed "question=value" words, Python built a dict per row and
guarded every cell). The survey here has every question type, multiple choices, numbers that
need a formula guard, free text that needs masking and guarding, a unit whose respondents are
hidden, and rows spread over several batches. Runs on SQLite and on PostgreSQL (CI).
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.db.models.expressions import RawSQL

from medvirk.accounts.access import scope_q
from medvirk.accounts.demo import DemoData
from medvirk.accounts.permissions import Perm
from medvirk.core.csv_export import safe_cell
from medvirk.surveys.models import Answer, Channel, Response, SurveyQuestion
from medvirk.surveys.types import ExportColumn, QType
from tests.sample_survey import sample_definition

from .. import exports, selectors
from ..tables import SurveyResults, node_key
from . import factories
from .factories import answer, close, make_survey

TEXTS = [
    '=HYPERLINK("http://x") eller ola@example.no',
    "-minus",
    "+pluss",
    "@at",
    "\ttab",
    '"-sitat',
    "komma, og «sitat»",
    "linje\nskift",
    "ring 912 34 567",
]


def _packed_sql() -> str:
    if connection.vendor == "postgresql":
        agg = "string_agg(a.question_id::text || '=' || coalesce(o.key, a.value_num::text, ''), ' ')"
    else:
        agg = "group_concat(a.question_id || '=' || coalesce(o.key, a.value_num, ''), ' ')"
    return (
        f"SELECT {agg} FROM surveys_answer a LEFT JOIN surveys_surveyoption o ON o.id = a.option_id "  # noqa: S608
        "WHERE a.response_id = surveys_response.id AND a.value_text = ''"
    )


def reference_rows(user: Any, results: SurveyResults, node_id: int) -> Iterator[list[Any]]:
    """Yield the export's rows the way the first implementation made them, in the order the
    export now gives them: each shown unit's rows (units by name), then those of the units whose
    names are withheld, each part sorted by what the rows say."""
    header, *rows = list(_reference_rows(user, results, node_id))
    yield header
    parts: dict[str, list[list[Any]]] = {}
    for row in rows:
        parts.setdefault(row[1], []).append(row[1:])
    units = sorted(parts, key=lambda u: (u == "", u))  # shown units by name, then the withheld
    ordered = [r for unit in units for r in sorted(parts[unit], key=_text)]
    for counter, row in enumerate(ordered, start=1):
        yield [counter, *row]


def _text(row: list[Any]) -> list[str]:
    return ["" if v is None else str(v) for v in row]


def _reference_rows(user: Any, results: SurveyResults, node_id: int) -> Iterator[list[Any]]:
    """Yield the export's rows the way the first implementation made them (in response-id order)."""
    questions = [
        (q.key, q.type, str(results.registry.question_by_key[q.key].pk))
        for q in results.definition.questions()
        if q.key in results.registry.question_by_key
        and q.type not in (QType.MATRIX, QType.BACKGROUND, QType.TEXT, QType.TEXTAREA)  # no free text
    ]
    ids = [qid for _k, _t, qid in questions]
    multiple = {qid for _k, t, qid in questions if t == QType.MULTIPLE}
    quasi = ["unit", "language", *selectors.BG_COLUMNS]
    yield ["row", *quasi, "withheld", *[k for k, _t, _q in questions]]
    shown = {nid for nid in results.tree.nodes if results.respondent_table[node_key(nid)].shown}
    names = {nid: n.name for nid, n in results.tree.nodes.items() if nid in shown}
    units = results.tree.survey_units_below(node_id)
    dates = exports._date_columns(questions)
    numbers = exports._date_columns(questions, ExportColumn.RANGE)
    withheld, years = exports._withheld(user, results, units, names, dates, numbers)  # test_kanonymity
    rows = (
        Response.objects.filter(
            scope_q(user, Perm.RESULTS_EXPORT_RAW, path_field="unit__path"),
            survey=results.survey,
            complete=True,
            unit_id__in=units,
        )
        .order_by("id")
        .annotate(packed=RawSQL(_packed_sql(), []))  # noqa: S611
        .values_list("id", "unit_id", "language", *selectors.BG_COLUMNS.values(), "packed")
    )
    for counter, (rid, unit_id, language, *rest) in enumerate(rows, start=1):
        *bg, packed = rest
        values: dict[str, str] = {}
        for item in packed.split(" ") if packed else ():
            qid, value = item.split("=", 1)
            values[qid] = f"{values[qid]};{value}" if qid in multiple and qid in values else value
        hidden = withheld[rid]
        assert hidden is not None
        for qid, text in (
            Answer.objects.filter(response_id=rid, question_id__in=[q for _i, _k, q in dates])
            .exclude(value_text="")
            .values_list("question_id", "value_text")
        ):  # a date: its year, where it is not withheld
            key = next(k for _i, k, q in dates if q == qid)
            assert years[rid][[q for _i, _k, q in dates].index(qid)] == text[:4]
            values[str(qid)] = "" if key in hidden else text[:4]
        for n, (_i, key, qid) in enumerate(numbers):  # a number: its range, where not withheld
            values[str(qid)] = "" if key in hidden else years[rid][len(dates) + n]
        cells = [
            "" if key in hidden else v
            for key, v in zip(quasi, [names.get(unit_id, ""), language, *bg], strict=True)
        ]
        named = [*quasi, *(k for _i, k, _q in (*dates, *numbers))]
        yield [counter, *cells, ";".join(k for k in named if k in hidden), *[values.get(q, "") for q in ids]]


def reference_csv(rows: Iterator[list[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


@pytest.fixture
def survey(demo: DemoData):
    s = make_survey(demo, anonymous=True)
    sol = demo.units["Solsikken barnehage"]
    used = [(), ("a",), ("a", "c"), ("a", "b", "c"), ("b",)]
    for i, text in enumerate(TEXTS):
        answer(
            s,
            sol,
            overall=[1, "dont_know", 2, 6, 1, 3, 2, 1, 5][i],
            q_why=text,
            q_used=used[i % len(used)],
            q_nps=i,
            q_visits=[3, 2.5, 10, 0, 365, 7, 1, 0.25, 12][i],
            q_first="2026-03-0" + str(i + 1),
            q_name=text[:40],
            q_consent=True,
            bg_gender=["female", "male"][i % 2],
        )
    answer(s, sol, overall=4)  # only the required questions
    # Too few in Østli and Vestly: their rows are exported, their names are not.
    answer(s, demo.units["Østli barnehage"], overall=5, q_name="alene")
    answer(s, demo.units["Vestly barnehage"], overall=2, q_why="=1+1")
    # A number below zero (no question here allows one, but a scale may): guarded as text.
    visits = SurveyQuestion.objects.get(survey=s, key="q_visits")
    Answer.objects.filter(question=visits, value_num=7).update(value_num=-7)
    return close(s)


def _export(user: Any, survey: Any, node_id: int) -> tuple[list[list[Any]], bytes]:
    results = SurveyResults(survey)
    rows = [list(r) for r in exports.raw_rows(user, results, node_id)]
    out = io.BytesIO()
    exports.raw_export_write(user=user, results=results, node_id=node_id, fmt="csv", out=out)
    return rows, out.getvalue()


@pytest.mark.parametrize("batch", [2000, 4])
def test_rows_and_csv_are_those_of_the_reference(
    survey: Any, demo: DemoData, batch: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(exports, "BATCH", batch)  # several batches, mappings reused across them
    user, root = demo.users["analytiker"], demo.units[""].pk
    rows, data = _export(user, survey, root)
    expected = list(reference_rows(user, SurveyResults(survey), root))
    assert rows == expected
    assert data == reference_csv(iter(expected))
    assert len(rows) == 13
    # Østli's and Vestly's rows (names withheld: too few) need five counted rows to hide among:
    # the five at Solsikken that are not "female" lose unit and gender with them, and the year
    # of their date (four from 2026, three without one). The five women keep theirs.
    assert [r[1] for r in rows[1:]] == ["Solsikken barnehage"] * 5 + [""] * 7
    assert {r[4] for r in rows[1:6]} == {"female"} and {r[9] for r in rows[6:]} == {"unit;gender;q_first"}
    first = rows[0].index("q_first")
    assert [r[first] for r in rows[1:]] == ["2026"] * 5 + [""] * 7
    text = data.decode("utf-8-sig")
    assert not any(t in text for t in (*TEXTS, "alene", "ola@example.no", "=1+1"))  # no free text
    # Numbers as ranges of at least five counted answers (red team 4): Solsikken's nine visits
    # form one range, which says nothing, so neither 365 nor the -7 below zero is written.
    visits = rows[0].index("q_visits")
    assert {r[visits] for r in rows[1:]} == {""} and ",365," not in text and "-7" not in text
    assert ",a;c," in text and ",a;b;c," in text and ",dont_know," in text


def test_scope_limits_the_rows_like_the_reference(survey: Any, demo: DemoData) -> None:
    user, root = demo.users["analytiker.nord"], demo.units[""].pk
    rows, data = _export(user, survey, root)
    expected = list(reference_rows(user, SurveyResults(survey), root))
    assert rows == expected and len(rows) == 11  # Solsikken lies in Bydel Nord, the others not
    assert data == reference_csv(iter(expected))
    other = demo.users["leder.solsikken"]  # no raw-export right anywhere: header only
    rows, _data = _export(other, survey, root)
    assert len(rows) == 1


def test_the_direct_download_is_the_written_file(survey: Any, client_as: Any, demo: DemoData) -> None:
    sol = demo.units["Solsikken barnehage"].pk
    response = client_as("analytiker").get(f"/results/{survey.pk}/responses/?unit={sol}&format=csv")
    assert response.status_code == 200
    rows, data = _export(demo.users["analytiker"], survey, sol)
    assert b"".join(response.streaming_content) == data and len(rows) == 11


def test_column_plan_orders_joins_and_fills() -> None:
    columns = {"7": 0, "3": 1, "9": 2}
    values = ["x", "b1", "y", "b2", "7 3 4 3", ""]  # answers in stored order, then ids, then ""
    plan = exports._column_plan("7 3 4 3", columns, frozenset({1}))
    assert plan(values) == ("x", "b1;b2", "")  # 4 is no column; 9 unanswered
    single = exports._column_plan("7 3 4 3", columns, frozenset())
    assert single(values) == ("x", "b2", "")  # a question answered twice keeps the last answer
    assert exports._column_plan("", columns, frozenset())(["", "", ""]) == ("", "", "")
    assert exports._column_plan("9", {"9": 0}, frozenset())(["z", "9", ""]) == ("z",)
    assert exports._column_plan("9", {}, frozenset())(["z", "9", ""]) == ()


def test_a_date_is_given_as_its_year_and_only_where_enough_share_it(
    demo: DemoData, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Red team (2026-12-07, third session): response-level files listed date answers whole.

    A leader who knows one child's birthday, or the day a parent started, found that one row
    and every answer on it (here the only "1" of the unit). Now a date is given as its year, and
    a year fewer than five counted rows share (with unit, language and background) is withheld
    like a rare background answer. Dates come also when the survey has no free text (they are
    stored as text, and once came only with it).
    """
    document = sample_definition()
    for section in document["sections"]:
        section["questions"] = [q for q in section["questions"] if q["type"] not in ("text", "textarea")]
    monkeypatch.setattr(factories, "sample_definition", lambda: document)
    s = make_survey(demo, anonymous=True)
    sol = demo.units["Solsikken barnehage"]
    for day in range(1, 10):
        answer(s, sol, overall=4, q_first=f"2022-03-0{day}", q_used=("b", "c"))
    answer(s, sol, overall=1, q_first="2021-05-14", q_used=("a",))  # the child the leader knows
    rows = list(exports.raw_rows(demo.users["analytiker"], SurveyResults(close(s)), sol.pk))
    header, body = rows[0], rows[1:]
    first, used, overall = header.index("q_first"), header.index("q_used"), header.index("q_overall")
    assert "q_why" not in header and "q_name" not in header
    assert len(body) == 10 and not any("-" in str(row[first]) or "2021" in str(row) for row in body)
    # The 2021 row loses its year, and four of the nine from 2022 keep it company (five share "").
    assert Counter(row[first] for row in body) == {"2022": 5, "": 5}
    known = next(row for row in body if row[overall] == "1")
    assert known[first] == "" and "q_first" in known[header.index("withheld")].split(";")
    assert {row[used] for row in body} == {"b;c", "a"}


def test_a_number_is_given_as_a_range_that_five_share(demo: DemoData) -> None:
    """Red team 4: response-level files listed number answers as given. A leader who knows one
    child's visits (365, the only such number) found that row and every answer on it. Now a
    number is a range of at least five counted answers, open at both ends, so the one extreme
    value is never written; the ranges are quasi-identifiers like the dates' years."""
    s = make_survey(demo, anonymous=True)
    sol = demo.units["Solsikken barnehage"]
    for visits in (1, 1, 2, 2, 3, 10, 10, 11, 12, 40, 50):
        answer(s, sol, overall=4, q_visits=visits)
    answer(s, sol, overall=1, q_visits=365)  # the child the leader knows
    rows = list(exports.raw_rows(demo.users["analytiker"], SurveyResults(close(s)), sol.pk))
    header, body = rows[0], rows[1:]
    column, overall = header.index("q_visits"), header.index("q_overall")
    assert len(body) == 12 and not any("365" in str(row) for row in body)
    assert Counter(row[column] for row in body) == {"< 10": 5, "≥ 10": 7}
    assert next(row for row in body if row[overall] == "1")[column] == "≥ 10"


def test_the_rows_say_nothing_of_when_each_response_came(demo: DemoData) -> None:
    """Red team (2026-12-07): rows came in response-id order, i.e. the order people answered.

    An analyst who answered through the poster just before and just after a parent he saw
    answering at the kiosk found the parent's row between his own two, with every answer and
    the parent's background. Now the same responses given in any order make the same export.
    """
    sol = demo.units["Solsikken barnehage"]
    people: list[dict[str, Any]] = [
        {"overall": 1, "bg_gender": "male", "q_nps": 0},  # planted before
        {"overall": 6, "bg_gender": "female", "q_nps": 9},  # the parent at the kiosk
        {"overall": 1, "bg_gender": "male", "q_nps": 1},  # planted after
        *({"overall": 4 + i % 3, "bg_gender": "female"} for i in range(5)),
    ]
    exports_of = []
    for label, order in (("2026", people), ("2027", people[::-1])):
        s = make_survey(demo, round_label=label, anonymous=True)
        for person in order:
            answer(s, sol, **person)
        rows = list(exports.raw_rows(demo.users["analytiker"], SurveyResults(s), sol.pk))
        assert len(rows) == 1 + len(people)
        exports_of.append(rows)
    assert exports_of[0] == exports_of[1]
    overall = exports_of[0][0].index("q_overall")
    planted = [i for i, r in enumerate(exports_of[0]) if r[overall] == "1"]
    # The two planted rows say the same but for one answer: side by side, with nobody between.
    assert len(planted) == 2 and planted[1] - planted[0] == 1


def test_no_row_names_a_rare_background_language_or_comment(demo: DemoData) -> None:
    """Red team (2026-12-07): each row carried its unit, language, background and free text.

    The results hide Solsikken's two fathers (fewer than five), the rows listed them with every
    answer; the one parent answering in Arabic was one row; a comment naming a child tied the
    row to a person. Four poster answers of the reader's own ("male") would make six men, but
    only rows through a code or an invitation count towards the threshold. Now every
    combination of unit, language and background in the file has at least five counted rows.
    """
    s = make_survey(demo, anonymous=True)
    sol = demo.units["Solsikken barnehage"]
    for i in range(8):
        answer(s, sol, overall=4 + i % 3, bg_gender="female")
    answer(s, sol, overall=6, bg_gender="female", q_why="Mora til Ola i Blåbærgruppa")
    Response.objects.filter(pk=Response.objects.filter(survey=s).latest("id").pk).update(language="ar")
    for overall in (1, 2):
        answer(s, sol, overall=overall, bg_gender="male")
    for _ in range(4):
        answer(s, sol, overall=1, bg_gender="male", channel=Channel.LINK)  # planted through the poster
    rows = list(exports.raw_rows(demo.users["analytiker"], SurveyResults(close(s)), sol.pk))
    header, body = rows[0], rows[1:]
    assert len(body) == 15
    assert not any(v in ("male", "ar") or "Ola" in str(v) for row in body for v in row)
    quasi = [header.index(c) for c in ("unit", "language", *selectors.BG_COLUMNS, "withheld")]
    combinations = Counter(tuple(row[i] for i in quasi) for row in body)
    assert min(combinations.values()) >= 5
    assert combinations[("Solsikken barnehage", "nb", "", "female", "", "", "", "", "")] >= 5  # kept
