"""Instruments as FHIR ``Questionnaire``, answers as ``QuestionnaireResponse`` (FHIR R4, 4.0.1).

Why R4: Norwegian health systems read R4 — HL7 Norway's national base profiles (no-basis 2.x,
with the Directorate) and the municipal-sector guide built on them are R4; an R5 no-basis is an
unreleased alpha (docs/fhir.md). The models are ``fhir.resources``' R4B package: the R4 line of
``fhir.resources`` (6.x) needs pydantic 1, which django-ninja cannot run with, and R4B changed
neither Questionnaire nor QuestionnaireResponse against R4, so what validates here is R4.

A Questionnaire carries the whole Medvirk definition in an extension (lossless round trip);
items are ``choice`` (scored options with ``ordinalValue``) or ``decimal`` 0–10 with a slider
item control. A scoring-only (licensed) instrument is exported without item texts unless the
municipality's own pasted texts are asked for.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from .instruments import Instrument as Definition
from .instruments import InstrumentError, parse_instrument
from .models import Instrument, Rating

FHIR_VERSION = "4.0.1"
DEFINITION_EXT = "https://medvirk.no/fhir/StructureDefinition/instrument-definition"
SCORE_EXT = "https://medvirk.no/fhir/StructureDefinition/total-score"
ORDINAL_EXT = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
MIN_EXT = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_EXT = "http://hl7.org/fhir/StructureDefinition/maxValue"
ITEM_CONTROL = "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl"


def canonical(key: str) -> str:
    return f"urn:medvirk:instrument:{key}"


def questionnaire(
    instrument: Instrument, *, lang: str = "nb", with_pasted_texts: bool = False
) -> dict[str, Any]:
    """Return the instrument as an R4 Questionnaire (validated), in ``lang`` where it has texts."""
    parsed: Definition = instrument.parsed if with_pasted_texts else parse_instrument(instrument.definition)
    version = parsed.versions[0]
    items = []
    for item in parsed.items:
        text, _lang = parsed.item_text(item, version, lang)
        entry: dict[str, Any] = {"linkId": item.key, "required": True}
        if text:
            entry["text"] = text
        if parsed.response.type == "choice":
            entry["type"] = "choice"
            entry["answerOption"] = [
                {
                    "valueCoding": {
                        "code": str(o.value),
                        **({"display": label} if (label := parsed.option_label(o, version, lang)[0]) else {}),
                        "extension": [{"url": ORDINAL_EXT, "valueDecimal": o.value}],
                    }
                }
                for o in parsed.response.options
            ]
        else:
            entry["type"] = "decimal"
            entry["extension"] = [
                {"url": MIN_EXT, "valueDecimal": 0},
                {"url": MAX_EXT, "valueDecimal": 10},
                {
                    "url": ITEM_CONTROL,
                    "valueCodeableConcept": {
                        "coding": [
                            {"system": "http://hl7.org/fhir/questionnaire-item-control", "code": "slider"}
                        ]
                    },
                },
            ]
        items.append(entry)
    raw = dict(instrument.definition)
    resource = {
        "resourceType": "Questionnaire",
        "url": canonical(parsed.key),
        "version": parsed.version,
        "name": parsed.key.upper(),
        "title": parsed.name.get(lang) or parsed.name.get("en") or parsed.key,
        "status": "active",
        "language": lang,
        "description": parsed.source or None,
        "copyright": parsed.licence.get(lang) or parsed.licence.get("en") or None,
        "extension": [
            {"url": DEFINITION_EXT, "valueString": json.dumps(raw, ensure_ascii=False, sort_keys=True)}
        ],
        "item": items,
    }
    resource = {k: v for k, v in resource.items() if v is not None}
    return json.loads(Questionnaire.model_validate(resource).model_dump_json(exclude_none=True))


class FhirError(ValueError):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def definition_from_questionnaire(resource: Mapping[str, Any]) -> dict[str, Any]:
    """Return the Medvirk definition a Questionnaire carries (Medvirk's extension), checked.

    A Questionnaire without it describes items but not the scoring, cut-off, reliable change and
    direction an outcome needs, so it is refused with that reason rather than guessed.
    """
    try:
        parsed = Questionnaire.model_validate(dict(resource))
    except Exception as exc:  # pydantic's ValidationError and FHIR's own
        raise FhirError([f"not a valid FHIR R4 Questionnaire: {str(exc)[:300]}"]) from exc
    for ext in parsed.extension or []:
        if ext.url == DEFINITION_EXT and ext.valueString:
            try:
                raw = json.loads(ext.valueString)
                parse_instrument(raw)
            except (ValueError, InstrumentError) as exc:
                problems = getattr(exc, "problems", [str(exc)])
                raise FhirError([str(p) for p in problems]) from exc
            return raw
    raise FhirError(
        [
            "the Questionnaire has no Medvirk instrument definition (extension "
            f"{DEFINITION_EXT}): its scoring, cut-off, reliable change and direction are needed"
        ]
    )


def questionnaire_response(rating: Rating, *, lang: str = "nb") -> dict[str, Any]:
    """Return one rating as an R4 QuestionnaireResponse (validated), with its total score."""
    parsed = rating.instrument.parsed
    items = []
    for item in parsed.items:
        if item.key not in rating.answers:
            continue
        value = rating.answers[item.key]
        if parsed.response.type == "choice":
            option = next((o for o in parsed.response.options if o.value == int(value)), None)
            coding: dict[str, Any] = {"code": str(int(value))}
            if option is not None and (label := parsed.option_label(option, parsed.versions[0], lang)[0]):
                coding["display"] = label
            answer: dict[str, Any] = {"valueCoding": coding}
        else:
            answer = {"valueDecimal": float(value)}
        items.append({"linkId": item.key, "answer": [answer]})
    resource: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "identifier": {"system": "urn:medvirk:rating", "value": str(rating.pk)},
        "questionnaire": f"{canonical(rating.instrument.key)}|{rating.instrument.version}",
        "status": "completed",
        "authored": rating.submitted_at.isoformat(),
        "language": rating.language or lang,
        "item": items,
    }
    if rating.score is not None:
        resource["extension"] = [{"url": SCORE_EXT, "valueDecimal": rating.score}]
    return json.loads(QuestionnaireResponse.model_validate(resource).model_dump_json(exclude_none=True))
