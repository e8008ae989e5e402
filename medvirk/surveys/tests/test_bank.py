"""The standard question bank: every template is valid, translated, analysable and key-stable.

Pure Python, no database.
"""

from __future__ import annotations

import re
from functools import cache

import pytest

from medvirk.surveys.design.bank import (
    BANK_DIR,
    KEYS_LOCK,
    list_templates,
    load_template,
    question_count,
    template_summaries,
)
from medvirk.surveys.design.definition import (
    KEY_RE,
    Definition,
    DefinitionError,
    QType,
    Question,
    missing_translations,
)
from medvirk.surveys.design.parser import parse_definition

EXPECTED = {
    "kindergarten_parents": "kindergarten",
    "pupils": "school",
    "home_care": "home_care",
    "nursing_home_relatives": "nursing_home",
    "service_centre": "service_centre",
}
SERVICE_AREAS = {"kindergarten", "school", "home_care", "nursing_home", "service_centre"}
LANGUAGES = ("nb", "nn", "en")

# Words that are bokmål but not nynorsk (nynorsk: ikkje, korleis, eg, kva, kven, noko, berre, frå …).
_BOKMAL_WORDS = """
    ikke hvordan jeg hva hvem hvor hvilken hvilket hvilke hvis hvorfor noe noen mye bare fra mer hver
    være dere deres dem hun disse ennå meget ble fikk vet sier gjør kommer forteller snakker selv sammen
    hele egen eget egne bedre fornøyd misfornøyd navn navnet svarene spørsmålene måltidene lokalene
    bruker brukeren brukere beboer beboeren beboere lærere lærerne elever elevene uke måned vei veien
    skole skolen pårørende
"""
BOKMAL_ONLY = frozenset(_BOKMAL_WORDS.split())
BOKMAL_STEMS = ("tjenest", "sykehjem", "undersøkels", "åpning", "hjem")
BOKMAL_SUFFIX = re.compile(r"\w{2,}(lig|lige|ligt|het|heten|else|elsen)$")
_NYNORSK_WORDS = "ikkje korleis eg kva kven noko nokon berre frå meir kvar vere"
NYNORSK_ONLY = frozenset(_NYNORSK_WORDS.split())
WORD = re.compile(r"[a-zæøåéèêóòôü]+")


@cache
def template(key: str) -> Definition:
    return load_template(key)


def texts(definition: Definition) -> list[tuple[str, dict[str, str]]]:
    """Every user-visible text with where it is."""
    out: list[tuple[str, dict[str, str]]] = [
        ("title", dict(definition.title)),
        ("intro", dict(definition.intro)),
        ("thanks", dict(definition.thanks)),
    ]
    out += [(f"themes.{k}", dict(v)) for k, v in definition.themes.items()]
    for section in definition.sections:
        out += [
            (f"{section.key}.title", dict(section.title)),
            (f"{section.key}.description", dict(section.description)),
        ]
        for q in section.questions:
            for item in (q, *q.rows):
                out += [(f"{item.key}.text", dict(item.text)), (f"{item.key}.help", dict(item.help))]
                out += [(f"{item.key}.{o.key}", dict(o.label)) for o in item.options]
            if q.scale:
                out += [
                    (f"{q.key}.min_label", dict(q.scale.min_label)),
                    (f"{q.key}.max_label", dict(q.scale.max_label)),
                ]
    return [(where, text) for where, text in out if text]


def top_level(definition: Definition) -> list[Question]:
    return list(definition.questions(include_rows=False))


def scored_items(definition: Definition) -> list[Question]:
    """Rating questions and matrix statements: what theme indexes are computed from."""
    return [q for q in definition.questions() if q.type == QType.RATING]


def test_bank_has_the_standard_templates() -> None:
    assert set(EXPECTED) <= set(list_templates())
    assert list_templates() == sorted(p.stem for p in BANK_DIR.glob("*.json"))


def test_summaries() -> None:
    summaries = {s["key"]: s for s in template_summaries()}
    assert set(summaries) == set(list_templates())
    for key, area in EXPECTED.items():
        s = summaries[key]
        assert set(s) == {"key", "title", "service_area", "question_count"}
        assert s["service_area"] == area
        assert set(s["title"]) == set(LANGUAGES)
        assert 12 <= s["question_count"] <= 25


def test_unknown_template_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        load_template("../definition")
    with pytest.raises(KeyError):
        load_template("no_such_template")


def test_file_key_mismatch_is_rejected(tmp_path, monkeypatch) -> None:
    import medvirk.surveys.design.bank as bank

    (tmp_path / "copy.json").write_text(
        (BANK_DIR / "pupils.json").read_text(encoding="utf-8"), encoding="utf-8"
    )
    monkeypatch.setattr(bank, "BANK_DIR", tmp_path)
    with pytest.raises(DefinitionError):
        bank.load_template("copy")


@pytest.fixture(params=sorted(list_templates()))
def definition(request: pytest.FixtureRequest) -> Definition:
    return template(request.param)


def test_template_header(definition: Definition) -> None:
    assert definition.languages == LANGUAGES
    assert definition.service_area in SERVICE_AREAS
    if definition.key in EXPECTED:
        assert definition.service_area == EXPECTED[definition.key]
    assert definition.intro and definition.thanks and definition.themes


def test_round_trips_losslessly(definition: Definition) -> None:
    assert parse_definition(definition.to_dict()) == definition


def test_every_text_is_translated(definition: Definition) -> None:
    assert missing_translations(definition) == {lang: [] for lang in LANGUAGES}


def test_size_and_structure(definition: Definition) -> None:
    assert 3 <= len(definition.sections) <= 6
    assert 12 <= question_count(definition) <= 25
    assert len(top_level(definition)) <= 25
    types = {q.type for q in top_level(definition)}
    assert {QType.MATRIX, QType.SINGLE, QType.MULTIPLE} <= types
    assert types & {QType.TEXT, QType.TEXTAREA}, "needs an open question for suggestions"
    assert QType.CONSENT not in types


def test_background_questions_close_the_survey(definition: Definition) -> None:
    last = definition.sections[-1]
    assert any(q.type == QType.BACKGROUND for q in last.questions), (
        "the last section ('Om deg') needs background questions"
    )
    for section in definition.sections[:-1]:
        assert all(q.type != QType.BACKGROUND for q in section.questions), section.key
    dimensions = [q.dimension for q in last.questions if q.type == QType.BACKGROUND]
    assert len(dimensions) == len(set(dimensions))


def test_keys_are_stable_readable_and_prefixed(definition: Definition) -> None:
    prefix = definition.sections[0].key.split("_")[0] + "_"
    keys = [s.key for s in definition.sections] + [q.key for q in definition.questions()]
    assert len(keys) == len(set(keys))
    for key in keys:
        assert KEY_RE.match(key), key
        assert key.startswith(prefix), f"{key} should start with {prefix}"


def test_scales(definition: Definition) -> None:
    for q in top_level(definition):
        if q.type in (QType.RATING, QType.MATRIX):
            assert q.scale is not None
            assert (q.scale.min, q.scale.max) in {(1, 5), (1, 6)}, q.key
            assert q.scale.min_label and q.scale.max_label, f"{q.key} needs end labels"
        elif q.type == QType.NPS:
            assert q.scale is None or (q.scale.min, q.scale.max) == (0, 10)
    nps = [q for q in top_level(definition) if q.type == QType.NPS]
    assert len(nps) <= 1


def test_themes(definition: Definition) -> None:
    used: dict[str, int] = {}
    for q in definition.questions():
        if q.theme is None:
            continue
        # parse_definition does not check matrix statements' themes, so check every item here.
        assert q.theme in definition.themes, f"{q.key}: theme {q.theme!r} is not declared"
        assert q.type == QType.RATING, (
            f"{q.key}: only rating questions and matrix statements count towards a theme"
        )
        used[q.theme] = used.get(q.theme, 0) + 1
    for theme in definition.themes:
        assert used.get(theme, 0) >= 2, f"theme {theme!r} needs at least two questions"
    assert len(scored_items(definition)) >= 8


def test_skip_logic(definition: Definition) -> None:
    conditional = [q for q in definition.questions() if q.condition is not None]
    assert conditional, "each template shows one skip-logic example"
    for q in conditional:
        cond = q.condition
        assert cond is not None and cond.question is not None
        target = definition.question(cond.question)
        if cond.op == "range":
            assert target.scale is not None, q.key
            # A lower bound on the scale keeps "don't know" (however it is stored) from triggering it.
            assert cond.min is not None and cond.min >= target.scale.min, q.key
        elif cond.op in ("one_of", "equals"):
            values = cond.values if cond.op == "one_of" else (cond.value,)
            assert set(values) <= {o.key for o in target.options}, q.key


def test_intro_promises(definition: Definition) -> None:
    intro = definition.intro
    assert re.search(r"anonym", intro["nb"]) and "frivillig" in intro["nb"]
    assert re.search(r"anonym", intro["nn"]) and "friviljug" in intro["nn"]
    assert "anonymous" in intro["en"] and "voluntary" in intro["en"]
    assert re.search(r"\d+ minutter", intro["nb"])
    assert re.search(r"\d+ minutt\b", intro["nn"])
    assert re.search(r"\d+ minutes", intro["en"])


def test_nynorsk_is_nynorsk(definition: Definition) -> None:
    problems = []
    for where, text in texts(definition):
        for word in WORD.findall(text["nn"].lower()):
            if word in BOKMAL_ONLY or word.startswith(BOKMAL_STEMS) or BOKMAL_SUFFIX.fullmatch(word):
                problems.append(f"{where}: {word!r} in {text['nn']!r}")
    assert not problems, "bokmål in nynorsk text:\n" + "\n".join(problems)


def test_bokmal_and_english_are_not_nynorsk_or_copies(definition: Definition) -> None:
    problems = []
    for where, text in texts(definition):
        for word in WORD.findall(text["nb"].lower()):
            if word in NYNORSK_ONLY:
                problems.append(f"{where}: nynorsk {word!r} in bokmål {text['nb']!r}")
        if len(text["nb"].split()) >= 3 and text["en"] == text["nb"]:
            problems.append(f"{where}: English text is the bokmål text")
    assert not problems, "\n".join(problems)
    assert definition.intro["nn"] != definition.intro["nb"]


# --- published keys ------------------------------------------------------------------------


def published_keys() -> list[str]:
    lines = KEYS_LOCK.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def current_keys() -> list[str]:
    return [f"{t}:{q.key}" for t in list_templates() for q in template(t).questions()]


def test_keys_lock_is_well_formed() -> None:
    published = published_keys()
    assert len(published) == len(set(published)), "KEYS.lock lists a key twice"
    for line in published:
        tmpl, _, key = line.partition(":")
        assert tmpl and KEY_RE.match(key), f"KEYS.lock: bad line {line!r} (expected template:key)"


def test_published_keys_never_disappear() -> None:
    current = set(current_keys())
    gone = [line for line in published_keys() if line not in current]
    assert not gone, (
        "These question keys are published in medvirk/surveys/bank/KEYS.lock but are no longer in the "
        "bank. Keys must never change once published, or results stop being comparable across rounds: "
        'put the question back with its old key (mark it "hidden": true to retire it).\n' + "\n".join(gone)
    )


def test_new_keys_are_published() -> None:
    published = set(published_keys())
    new = [line for line in current_keys() if line not in published]
    assert not new, (
        "New question keys in the bank: once you are sure of them, append these lines to "
        "medvirk/surveys/bank/KEYS.lock (from then on they can never change):\n" + "\n".join(new)
    )
