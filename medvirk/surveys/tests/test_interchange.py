"""Property test: any valid definition survives JSON and XLSForm round trips exactly."""

from __future__ import annotations

import base64
import html
import json
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medvirk.common.dimensions import DIMENSIONS_BY_KEY
from medvirk.surveys import qtypes
from medvirk.surveys.design.definition import Definition, DefinitionError, QType
from medvirk.surveys.design.parser import parse_definition
from medvirk.surveys.interchange.xlsform import definition_to_xlsform, xlsform_to_definition
from tests.sample_survey import sample_definition
from tests.survey_rounds import draft_survey

LANGUAGES = ["nb", "nn", "en", "ar", "se", "so", "pl", "ur"]
WORDS = st.sampled_from(
    [
        "Hvor fornøyd er du?",
        "Svært fornøyd",
        "Brukerundersøkelse",
        "ما مدى رضاك؟",
        "Ja",
        "Nei",
        "Åpningstider",
        "1",
    ]
)
ANY_TEXT = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=12)
ODD = st.sampled_from(["  mellomrom ", "a\u00a0b", "=SUM(A1)", "linje\nlinje", "'quote\"", "TRUE", ""])
TEXT_VALUE = st.one_of(WORDS, WORDS, WORDS, ANY_TEXT, ODD)


@st.composite
def definitions(draw: st.DrawFn) -> dict[str, Any]:
    langs = draw(st.lists(st.sampled_from(LANGUAGES), min_size=1, max_size=3, unique=True))
    if draw(st.booleans()) and "ar" not in langs:
        langs.append("ar")  # right-to-left text in every other example
    counter = iter(range(1, 10_000))

    def text(required: bool = True) -> dict[str, str]:
        chosen = draw(st.lists(st.sampled_from(langs), min_size=1 if required else 0, unique=True))
        return {lang: draw(TEXT_VALUE) for lang in chosen}

    def scale() -> dict[str, Any]:
        lo = draw(st.integers(0, 5))
        hi = draw(st.integers(lo + 1, 10))
        out: dict[str, Any] = {"min": lo, "max": hi}
        if draw(st.booleans()):
            out["min_label"] = text()
            out["max_label"] = text()
        if draw(st.booleans()):
            out["dont_know"] = True
        if draw(st.booleans()):
            out["top_box"] = draw(st.integers(lo, hi))
        return out

    themes = {f"theme_{i}": text() for i in range(draw(st.integers(0, 2)))}
    earlier: list[dict[str, Any]] = []  # questions (and matrix rows) a condition may read

    def leaf(q: dict[str, Any]) -> dict[str, Any]:
        key, qtype = q["key"], q["type"]
        if qtype in (QType.SINGLE, QType.MULTIPLE):
            keys = [o["key"] for o in q["options"]]
            if draw(st.booleans()):
                return {"question": key, "op": "equals", "value": draw(st.sampled_from(keys))}
            values = draw(st.lists(st.sampled_from(keys), min_size=1, max_size=3, unique=True))
            return {"question": key, "op": "one_of", "values": values}
        if qtype in (QType.RATING, QType.NPS, QType.NUMBER, QType.VAS):
            lo, hi = (q["scale"].get("min", 0), q["scale"].get("max", 10)) if "scale" in q else (0, 10)
            kind = draw(st.sampled_from(["equals", "range", "one_of", "answered"]))
            if kind == "equals":
                return {"question": key, "op": "equals", "value": draw(st.integers(lo, hi))}
            if kind == "one_of":
                values = draw(st.lists(st.integers(lo, hi), min_size=1, max_size=3, unique=True))
                return {"question": key, "op": "one_of", "values": values}
            if kind == "range":
                bounds = draw(st.sampled_from([("min",), ("max",), ("min", "max")]))
                number = st.one_of(
                    st.integers(lo, hi), st.floats(lo, hi, allow_nan=False).map(lambda x: round(x, 2))
                )
                return {"question": key, "op": "range", **{b: draw(number) for b in sorted(bounds)}}
            return {"question": key, "op": "answered"}
        if qtype == QType.BACKGROUND:
            dimension = DIMENSIONS_BY_KEY[q["dimension"]]
            keys = [*dimension.keys(), "prefer_not_to_say"]
            return {"question": key, "op": "equals", "value": draw(st.sampled_from(keys))}
        if qtype == QType.CONSENT and draw(st.booleans()):
            return {"question": key, "op": "equals", "value": True}
        if qtype in (QType.TEXT, QType.TEXTAREA) and draw(st.booleans()):
            return {"question": key, "op": "equals", "value": draw(TEXT_VALUE)}
        return {"question": key, "op": "answered"}

    def condition(depth: int = 0) -> dict[str, Any] | None:
        if not earlier or draw(st.integers(0, 2)) == 0:
            return None
        if depth < 2 and draw(st.integers(0, 3)) == 0:
            children = [c for _ in range(draw(st.integers(1, 3))) if (c := condition(depth + 1))]
            if children:
                return {draw(st.sampled_from(["all", "any"])): children}
        return leaf(draw(st.sampled_from(earlier)))

    def common(q: dict[str, Any]) -> dict[str, Any]:
        if draw(st.booleans()):
            q["help"] = text()
        if draw(st.booleans()):
            q["required"] = True
        if bool(themes) and draw(st.booleans()):
            q["theme"] = draw(st.sampled_from(sorted(themes)))
        if draw(st.integers(0, 4)) == 0:
            q["local"] = True
        if draw(st.integers(0, 6)) == 0:
            q["hidden"] = True
        return q

    def question() -> dict[str, Any]:
        qtype = draw(st.sampled_from(sorted(qtypes.keys())))
        q: dict[str, Any] = {"key": f"q_{next(counter)}", "type": qtype, "text": text()}
        cond = condition()
        if cond:
            q["condition"] = cond
        common(q)
        if qtype in (QType.SINGLE, QType.MULTIPLE):
            keys = draw(
                st.lists(
                    st.sampled_from(["a", "b", "yes", "no", "x1", "other"]),
                    min_size=1,
                    max_size=4,
                    unique=True,
                )
            )
            q["options"] = [{"key": k, "label": text()} for k in keys]
            if len(keys) > 1 and draw(st.booleans()):
                q["options"][-1]["hidden"] = True
            if "other" in keys and draw(st.booleans()):
                q["options"][keys.index("other")]["other"] = True  # "other, please specify": or_other
        elif qtype == QType.RANKING:
            keys = draw(st.lists(st.sampled_from(["a", "b", "c", "x1"]), min_size=2, max_size=4, unique=True))
            q["options"] = [{"key": k, "label": text()} for k in keys]
        elif qtype == QType.RATING or (qtype == QType.NPS and draw(st.integers(0, 3)) == 0):
            q["scale"] = scale()
        elif qtype == QType.VAS and draw(st.booleans()):
            q["scale"] = {"min_label": text(), "max_label": text()}  # the ends; 0 and 10 are fixed
        elif qtype == QType.MATRIX:
            q["scale"] = scale()
            q["rows"] = [
                common({"key": f"q_{next(counter)}", "text": text()}) for _ in range(draw(st.integers(1, 3)))
            ]
        elif qtype == QType.NUMBER:
            bounds = draw(
                st.lists(
                    st.one_of(st.integers(-100, 1000), st.floats(-1e6, 1e6, allow_nan=False)), max_size=2
                )
            )
            bounds.sort()
            names = draw(st.sampled_from([("min", "max"), ("min",), ("max",)]))
            q.update(dict(zip(names, bounds, strict=False)))
        elif qtype in (QType.TEXT, QType.TEXTAREA) and draw(st.booleans()):
            q["max_length"] = draw(st.integers(1, 20000))
        elif qtype == QType.BACKGROUND:
            q["dimension"] = draw(st.sampled_from(sorted(DIMENSIONS_BY_KEY)))
            if draw(st.booleans()):
                del q["text"]
        earlier.append(q)
        if qtype == QType.MATRIX:
            earlier.extend({**r, "type": QType.RATING, "scale": q["scale"]} for r in q["rows"])
        return q

    sections = []
    for i in range(draw(st.integers(1, 3))):
        section: dict[str, Any] = {"key": f"s_{i}", "title": text()}
        if draw(st.booleans()):
            section["description"] = text()
        cond = condition()
        if cond:
            section["condition"] = cond
        section["questions"] = [question() for _ in range(draw(st.integers(1, 4)))]
        sections.append(section)
    document: dict[str, Any] = {
        "format": "medvirk-survey/1",
        "key": draw(st.sampled_from(["survey", "home_care", "s1"])),
        "title": text(),
        "languages": langs,
        "sections": sections,
    }
    for name in ("intro", "thanks"):
        if draw(st.booleans()):
            document[name] = text()
    if draw(st.booleans()):
        document["service_area"] = draw(st.sampled_from(["kindergarten", "home_care"]))
    if themes:
        document["themes"] = themes
    return document


def _parse(document: dict[str, Any]) -> Definition:
    try:
        return parse_definition(document)
    except DefinitionError as exc:  # the generator only builds valid documents
        raise AssertionError(exc.problems) from exc


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(definitions())
def test_json_and_xlsform_round_trips_are_lossless(document: dict[str, Any]) -> None:
    definition = _parse(document)
    expected = definition.to_dict()
    assert parse_definition(json.loads(json.dumps(expected))).to_dict() == expected
    back, problems = xlsform_to_definition(definition_to_xlsform(definition))
    assert back is not None, [str(p) for p in problems]
    assert back.to_dict() == expected
    assert [p for p in problems if p.feature != "xlsform"] == []


def test_generated_definitions_cover_every_question_type_and_rtl() -> None:
    seen_types: set[str] = set()
    seen_ar = False

    @settings(max_examples=40, deadline=None, database=None)
    @given(definitions())
    def collect(document: dict[str, Any]) -> None:
        nonlocal seen_ar
        definition = _parse(document)
        seen_types.update(q.type for q in definition.questions(include_rows=False))
        seen_ar = seen_ar or "ar" in definition.languages

    collect()
    assert seen_ar
    assert len(seen_types) >= 8


# --- pages and API (Django) -------------------------------------------------------------------


def _upload(client: Any, name: str, data: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post("/surveys/import/", {"file": SimpleUploadedFile(name, data)})


def _payload(response: Any) -> str:
    match = re.search(r'name="payload" value="([^"]+)"', response.content.decode())
    assert match, response.content.decode()[:2000]
    return html.unescape(match.group(1))


def _survey(demo: Any) -> Any:
    return draft_survey(demo, "Solsikken barnehage", document=sample_definition(languages=("nb", "en", "ar")))


def test_export_json_and_xlsx_download_the_definition(english: Any, demo: Any) -> None:
    survey = _survey(demo)
    client = english("leder.solsikken")  # distributes in one of the survey's units
    as_json = client.get(f"/surveys/{survey.pk}/export.json")
    assert as_json.status_code == 200
    assert as_json["Content-Disposition"] == 'attachment; filename="test_survey.json"'
    assert json.loads(as_json.content) == survey.definition
    as_xlsx = client.get(f"/surveys/{survey.pk}/export.xlsx")
    assert as_xlsx.status_code == 200
    assert as_xlsx.content.startswith(b"PK\x03\x04")
    back, problems = xlsform_to_definition(as_xlsx.content)
    assert problems == []
    assert back is not None
    assert back.to_dict() == survey.definition
    assert english("lesetilgang").get(f"/surveys/{survey.pk}/export.json").status_code == 404


def test_survey_page_says_what_each_question_file_is_for(client_as: Any, demo: Any) -> None:
    from tests.page_text import visible_text

    survey = _survey(demo)
    text = visible_text(client_as("leder.solsikken").get(f"/surveys/{survey.pk}/").content.decode())
    assert (
        "Last ned spørsmålene til en annen Medvirk\n– en fil Medvirk kan hente inn som en ny undersøkelse"
        in text
    )
    assert "Last ned spørsmålene som regneark\n– for Excel, KoboToolbox eller ODK (formatet XLSForm)" in text
    assert "JSON" not in text  # the links were "JSON · XLSForm", names of formats only
    listed = visible_text(client_as("leder.solsikken").get("/surveys/").content.decode())
    assert (
        "Importer en undersøkelse fra en fil" in listed and "JSON" not in listed
    )  # the import page explains


def test_import_preview_then_confirm_creates_the_survey(english: Any, demo: Any) -> None:
    from medvirk.surveys.models import Survey, SurveyUnit

    client = english("analytiker")
    assert client.get("/surveys/import/").status_code == 200
    definition = parse_definition(sample_definition(languages=("nb", "en", "ar")))
    preview = _upload(client, "undersokelse.xlsx", definition_to_xlsform(definition))
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "Brukerundersøkelse" in page
    assert 'dir="rtl"' in page
    assert "Norwegian Bokmål, English, Arabic" in page  # named, not "nb, en, ar"
    assert ">3<" in page  # pages
    units = [demo.units["Solsikken barnehage"].pk, demo.units["Nordlys barnehage"].pk]
    confirm = client.post(
        "/surveys/import/",
        {
            "payload": _payload(preview),
            "owner_unit": demo.units[""].pk,
            "units": units,
            "round_label": "2027",
        },
    )
    assert confirm.status_code == 302, confirm.content.decode()[:3000]
    survey = Survey.objects.get(round_label="2027", series="test_survey")
    assert survey.definition == definition.to_dict()
    assert set(SurveyUnit.objects.filter(survey=survey).values_list("unit_id", flat=True)) == set(units)


def test_import_lists_unsupported_features_of_a_kobo_file(english: Any, demo: Any) -> None:
    from .test_xlsform import kobo_file

    response = _upload(english("leder.solsikken"), "kobo.xlsx", kobo_file())
    assert response.status_code == 200
    page = response.content.decode()
    assert "Not supported: GPS locations" in page
    assert "repeat groups" in page
    assert "survey row 14" in page


def test_tampered_payload_is_rejected(english: Any, demo: Any) -> None:
    from django.core import signing

    from medvirk.surveys.models import Survey

    client = english("analytiker")
    preview = _upload(client, "s.json", json.dumps(sample_definition()).encode())
    payload = _payload(preview)
    document = signing.loads(payload, salt="medvirk.surveys.interchange.import")
    document["title"] = {"nb": "Endret"}
    forged = signing.dumps(document, salt="wrong-salt", compress=True)
    data = {
        "owner_unit": demo.units[""].pk,
        "units": [demo.units["Solsikken barnehage"].pk],
        "round_label": "x",
    }
    for bad in (forged, payload[:-2] + ("AA" if not payload.endswith("AA") else "BB"), "garbage"):
        response = client.post("/surveys/import/", {**data, "payload": bad})
        assert response.status_code == 400
        assert "changed or damaged" in response.content.decode()
    assert not Survey.objects.filter(round_label="x").exists()


def test_confirm_refuses_units_outside_the_users_scope(english: Any, demo: Any) -> None:
    client = english("leder.solsikken")
    preview = _upload(client, "s.json", json.dumps(sample_definition()).encode())
    response = client.post(
        "/surveys/import/",
        {
            "payload": _payload(preview),
            "owner_unit": demo.units[""].pk,
            "units": [demo.units["Solsikken barnehage"].pk],
            "round_label": "2026",
        },
    )
    assert response.status_code == 400  # the root is not a choice for a unit leader


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("s.xlsx", b"not a zip at all", "not an Excel workbook"),
        ("s.xlsx", b"PK\x03\x04broken", "The file is damaged"),  # the upload guard reads its directory
        ("s.json", b'{"key": ', "not valid JSON (line 1)"),
        ("s.json", b'{"key": "x", "sections": []}', "a survey needs at least one section"),
        ("s.csv", b"type,name", "Upload a .json, .xlsx or .xls file"),
    ],
)
def test_broken_uploads_get_clear_messages(
    english: Any, demo: Any, name: str, data: bytes, message: str
) -> None:
    response = _upload(english("analytiker"), name, data)
    assert response.status_code == 400
    assert message in html.unescape(response.content.decode())


def test_uploads_over_5_mb_are_refused(english: Any, demo: Any) -> None:
    response = _upload(english("analytiker"), "big.json", b" " * (5 * 1024 * 1024 + 1))
    assert response.status_code == 400
    assert "larger than 5 MB" in response.content.decode()


def test_api_xlsform_download_and_import_preview(english: Any, demo: Any) -> None:
    survey = _survey(demo)
    client = english("analytiker")
    download = client.get(f"/api/v1/surveys/{survey.pk}/xlsform")
    assert download.status_code == 200
    assert download.content.startswith(b"PK\x03\x04")

    def post(body: dict[str, Any]) -> Any:
        return client.post("/api/v1/surveys/import", data=json.dumps(body), content_type="application/json")

    encoded = base64.b64encode(download.content).decode()
    result = post({"filename": "s.xlsx", "file_base64": encoded}).json()
    assert result["ok"]
    assert result["problems"] == []
    assert result["definition"] == survey.definition
    assert result["preview"]["languages"] == ["nb", "en", "ar"]
    assert result["preview"]["sections"] == 3
    broken = post({"filename": "s.json", "file_base64": base64.b64encode(b"{").decode()}).json()
    assert not broken["ok"]
    assert broken["problems"][0]["feature"] == "json_syntax"
    assert post({"file_base64": "***"}).status_code == 400
    assert post({"definition": {"key": "x"}}).json()["ok"] is False
    assert english("koordinator").get(f"/api/v1/surveys/{survey.pk}/xlsform").status_code == 200
    assert (
        english("koordinator")
        .post("/api/v1/surveys/import", data=json.dumps({"definition": {}}), content_type="application/json")
        .status_code
        == 404
    )
