"""Participants' evaluation of an activity: a standard short survey run by the survey engine."""

from __future__ import annotations

from typing import Any

SERIES = "participation_evaluation"


def round_label_for(title: str, taken: set[str], limit: int = 32) -> str:
    """Name an evaluation's round after its activity, as staff find it in survey lists and results
    headings ("Hva syntes du om møtet? Møte i eldrerådet"): shortened with "…" to ``limit``
    characters (the round's length) and numbered when another evaluation has the name (``taken``).

    Pure, so that migration 0005 names the rounds made before by the same rule.
    """
    name = " ".join(title.split())
    number = 1
    while True:
        suffix = f" ({number})" if number > 1 else ""
        room = limit - len(suffix)
        label = (name if len(name) <= room else name[: room - 1].rstrip() + "…") + suffix
        if label not in taken:
            return label
        number += 1


def _t(nb: str, nn: str, en: str) -> dict[str, str]:
    return {"nb": nb, "nn": nn, "en": en}


def _agree(key: str, nb: str, nn: str, en: str) -> dict[str, Any]:
    return {
        "key": key,
        "type": "rating",
        "required": True,
        "theme": "evaluering",
        "text": _t(nb, nn, en),
        "scale": {
            "min": 1,
            "max": 5,
            "min_label": _t("Helt uenig", "Heilt usamd", "Strongly disagree"),
            "max_label": _t("Helt enig", "Heilt samd", "Strongly agree"),
            "dont_know": True,
        },
    }


def evaluation_definition() -> dict[str, Any]:
    """Return the standard evaluation: were you heard, was it worth your time, will it change something."""
    return {
        "format": "medvirk-survey/1",
        "key": "participation_evaluation",
        "title": _t(
            "Hva syntes du om møtet?", "Kva syntest du om møtet?", "What did you think of the meeting?"
        ),
        "languages": ["nb", "nn", "en"],
        "intro": _t(
            "Takk for at du var med. Svar på tre korte spørsmål. Du er anonym.",
            "Takk for at du var med. Svar på tre korte spørsmål. Du er anonym.",
            "Thank you for taking part. Please answer three short questions. You are anonymous.",
        ),
        "themes": {"evaluering": _t("Evaluering", "Evaluering", "Evaluation")},
        "sections": [
            {
                "key": "evaluering",
                "title": _t("Din vurdering", "Di vurdering", "Your view"),
                "questions": [
                    _agree("hort", "Jeg ble hørt.", "Eg vart høyrd.", "I was listened to."),
                    _agree(
                        "verdt_tiden",
                        "Det var verdt tiden min.",
                        "Det var verdt tida mi.",
                        "It was worth my time.",
                    ),
                    _agree(
                        "endring",
                        "Jeg tror det jeg sa vil endre noe.",
                        "Eg trur det eg sa vil endre noko.",
                        "I think what I said will change something.",
                    ),
                    {
                        "key": "kommentar",
                        "type": "textarea",
                        "text": _t(
                            "Vil du si noe mer?", "Vil du seie noko meir?", "Anything else you want to say?"
                        ),
                    },
                ],
            }
        ],
    }
