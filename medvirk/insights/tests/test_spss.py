"""Response-level SPSS export: read the written file back with pyreadstat."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import pyreadstat
import pytest

from medvirk.accounts.demo import DemoData
from medvirk.core.models import AuditEvent
from medvirk.surveys.types import DONT_KNOW

from .. import selectors
from ..exports import raw_rows
from ..savfile import Variable
from ..spss import sav_columns, spss_name, write_sav
from ..tables import SurveyResults
from .factories import answer, answer_many, close, make_survey
from .sav_files import read_sav
from .sav_reference import write_reference


def _read(response: Any) -> tuple[Any, Any]:
    assert response.status_code == 200, response.status_code
    assert response["Content-Disposition"].endswith(".sav")
    return read_sav(b"".join(response.streaming_content), user_missing=True)


def _as_answered(frame: Any, overall: list[int]) -> Any:
    """Put the rows back in the order they were answered, known here by each row's own rating
    (the export orders rows by what they say, never by when they came)."""
    assert sorted(frame["q_overall"]) == sorted(overall)
    return frame.set_index("q_overall", drop=False).loc[overall].reset_index(drop=True)


def answered(demo: DemoData) -> Any:
    """The round of these tests, still open (a closed round takes no more answers)."""
    s = make_survey(demo, anonymous=True)
    sol = demo.units["Solsikken barnehage"]
    answer_many(s, sol, [3, 4, 5, 6], q_used=("a", "c"), q_visits=12, q_m_staff=6)
    answer(s, sol, overall=DONT_KNOW, q_channel="friends", q_nps=9)
    answer(s, sol, overall=1, q_why="Ring meg på 912 34 567 eller ola@example.no")
    return s


@pytest.fixture
def survey(demo: DemoData):
    return close(answered(demo))


def test_spss_name_is_valid_unique_and_short() -> None:
    taken: set[str] = set()
    assert spss_name("q_overall", taken) == "q_overall"
    assert spss_name("Q_OVERALL", taken) == "Q_OVERALL_2"  # SPSS names ignore case
    assert spss_name("with", taken) == "with_"
    assert spss_name("1st", taken) == "v1st"
    long = spss_name("x" * 70, taken)
    assert len(long.encode()) == 64
    assert len(spss_name("x" * 70, taken).encode()) <= 64 and len(taken) == 6


def test_sav_has_labels_codes_and_user_missing(survey: Any, client_as: Any, demo: DemoData) -> None:
    sol = demo.units["Solsikken barnehage"].pk
    frame, meta = _read(client_as("analytiker").get(f"/results/{survey.pk}/responses/?unit={sol}&format=sav"))
    assert len(frame) == 6
    frame = _as_answered(frame, [3, 4, 5, 6, 99, 1])
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    # variable labels in the survey's first language (bokmål), matrix rows with their stem
    assert labels["q_overall"] == "Hvor fornøyd er du alt i alt?"
    assert labels["q_m_staff"] == "Hva mener du om: de ansatte"
    assert labels["q_used_a"] == "Hva har du brukt? Kurs"  # a question's own "?" ends it: no "?:"
    assert labels["gender"] == "Kjønn"
    # rating: values and "don't know" as a labelled user-missing code
    vl = meta.variable_value_labels
    assert vl["q_overall"][99.0] == "Vet ikke" and vl["q_overall"][6.0].startswith("6 Svært fornøyd")
    assert meta.missing_ranges["q_overall"] == [{"lo": 99.0, "hi": 99.0}]
    assert list(frame["q_overall"]) == [3, 4, 5, 6, 99, 1]
    # single choice coded in option order with labels
    assert vl["q_channel"] == {1.0: "Venner", 2.0: "Nettsiden"}
    assert list(frame["q_channel"]) == [2, 2, 2, 2, 1, 2]
    # multiple choice: one 0/1 variable per option, empty when nothing was chosen
    assert list(frame["q_used_a"][:4]) == [1, 1, 1, 1] and list(frame["q_used_b"][:4]) == [0, 0, 0, 0]
    assert math.isnan(frame["q_used_c"][4])
    assert set(vl["q_used_b"]) == {0.0, 1.0}
    # numbers and NPS; no free text (a comment can name a person), the withheld values named
    # a number is a range of at least five counted answers: four said 12, so it is withheld
    assert list(frame["q_visits"]) == [""] * 6 and "q_visits" in frame["withheld"][0].split(";")
    assert frame["q_nps"][4] == 9
    assert "q_why" not in frame.columns and labels["withheld"] == "Holdt tilbake av hensyn til anonymiteten"
    assert meta.variable_measure["q_visits"] != "scale"  # a range is text
    event = AuditEvent.objects.get(action="results.raw_exported")
    assert event.data["format"] == "sav"


def test_sav_user_missing_is_left_out_by_default(survey: Any, client_as: Any, demo: DemoData) -> None:
    response = client_as("analytiker").get(f"/api/v1/results/surveys/{survey.pk}/responses?format=sav")
    assert response.status_code == 200
    frame, _meta = read_sav(b"".join(response.streaming_content), apply_value_formats=False)
    # read as SPSS would: "don't know" is missing, so the mean equals the results page's mean
    assert frame["q_overall"].mean() == pytest.approx((3 + 4 + 5 + 6 + 1) / 5)


def test_sav_refused_like_the_other_raw_formats(survey: Any, client_as: Any, demo: DemoData) -> None:
    sol = demo.units["Solsikken barnehage"].pk
    leader = client_as("leder.solsikken")
    assert leader.get(f"/results/{survey.pk}/responses/?unit={sol}&format=sav").status_code == 404
    assert leader.get(f"/api/v1/results/surveys/{survey.pk}/responses?format=sav").status_code == 404
    survey.anonymity_mode = "aggregate_only"
    survey.save()
    analyst = client_as("analytiker")
    assert analyst.get(f"/api/v1/results/surveys/{survey.pk}/responses?format=sav").status_code == 404
    assert not AuditEvent.objects.filter(action="results.raw_exported").exists()


def test_results_page_links_the_spss_export(survey: Any, client_as: Any, demo: DemoData) -> None:
    page = client_as("analytiker").get(f"/results/{survey.pk}/").content.decode()
    assert "format=sav" in page
    assert "format=sav" not in client_as("lesetilgang").get(f"/results/{survey.pk}/").content.decode()


def test_sav_matches_the_former_pyreadstat_writer(demo: DemoData, tmp_path: Any) -> None:
    sol = demo.units["Solsikken barnehage"]
    long_text = "Åpningstidene passer dårlig. " * 20 + "ساعات العمل غير مناسبة " * 20  # > 255 bytes
    survey = answered(demo)
    answer(survey, sol, overall=2, q_why=long_text, q_used=("b",), q_visits=2.5)
    close(survey)
    user = demo.users["analytiker"]
    s, tree, node_id = selectors.access_survey_results(user=user, survey_id=survey.pk, unit_id=sol.pk)
    results = SurveyResults(s, tree)
    rows = list(raw_rows(user, results, node_id))
    with write_sav(results, iter(rows)) as sav:
        (tmp_path / "new.sav").write_bytes(sav.read())
    columns = sav_columns(results, rows[0])
    variables = [Variable(c.name, c.label, c.numeric, c.value_labels, c.missing, c.measure) for c in columns]
    converted = [[c.convert(row[c.source]) for c in columns] for row in rows[1:]]
    write_reference(str(tmp_path / "old.sav"), variables, converted, f"{s} {s.round_label}")
    new, meta = pyreadstat.read_sav(tmp_path / "new.sav", user_missing=True)
    old, ref = pyreadstat.read_sav(tmp_path / "old.sav", user_missing=True)
    pd.testing.assert_frame_equal(new, old)
    assert len(new) == 7 and "q_why" not in new.columns  # free text is left out
    assert meta.original_variable_types["withheld"] == ref.original_variable_types["withheld"]
    for attr in ("column_names", "column_labels", "variable_value_labels", "missing_ranges", "file_label"):
        assert getattr(meta, attr) == getattr(ref, attr), attr
    numeric = [c.name for c in columns if c.numeric]
    assert {k: meta.variable_measure[k] for k in numeric} == {k: ref.variable_measure[k] for k in numeric}


def test_matrix_variable_labels_follow_a_question_that_ends_a_sentence_without_doubled_punctuation() -> None:
    """The bank's "… I hvilken grad stemmer dette?" and its statements label SPSS variables as the
    results pages say them: "… dette? Barnet mitt …", never "dette?: Barnet"."""
    from medvirk.surveys.selectors import load_template

    from ..spss import _labelled_questions

    labels = [label for _, label in _labelled_questions(load_template("kindergarten_parents")).values()]
    assert "Tenk på barnet ditt. I hvilken grad stemmer dette? Barnet mitt trives i barnehagen." in labels
    assert not any("?:" in label for label in labels)
