"""Demo home-care survey rounds in the three providers' units (synthetic answers, seeded).

Two yearly rounds of the question bank's home-care survey, one unit per provider: the private
provider with steady teams scores best on "few different staff", the municipal one is in the
middle. The latest round shows all three providers; in the older one the third provider has
too few answers, and a second provider is hidden to protect it (the round's total is shown).
"""

from __future__ import annotations

import datetime
import random
from typing import Any

from medvirk.accounts.demo import DemoData
from medvirk.common.dimensions import DIMENSIONS_BY_KEY, PREFER_NOT_TO_SAY
from medvirk.surveys import selectors as survey_selectors
from medvirk.surveys import services as survey_services
from medvirk.surveys.models import Channel, Response, SurveyStatus, SurveyUnit
from medvirk.surveys.types import Definition, Edit, Figures, Scale, question_type

from .demo import DEMO, MUNICIPAL, PRIVATE_A, PRIVATE_B, ChoiceDemo

#: Per provider and round: (answers, quality 0-1, share answering "1-3 different staff").
ROUNDS: dict[str, dict[str, tuple[int, float, float]]] = {
    "2025": {MUNICIPAL: (46, 0.66, 0.2), PRIVATE_A: (22, 0.72, 0.45), PRIVATE_B: (4, 0.78, 0.7)},
    "2026": {MUNICIPAL: (52, 0.70, 0.25), PRIVATE_A: (28, 0.76, 0.5), PRIVATE_B: (12, 0.8, 0.75)},
}
STAFF_OPTIONS = ("en_til_tre", "fire_til_seks", "sju_til_ti", "over_ti")
#: How the synthetic answers arrive: three in four through a single-use code sent by post or an
#: e-mail invitation (they count towards the anonymity threshold, ``insights.counted``), one in
#: four on a paper form keyed by staff (part of every shown figure, but it never makes a group shown).
CHANNELS = (Channel.CODE, Channel.CODE, Channel.EMAIL, Channel.PAPER)


def _rating(scale: Scale, rng: random.Random, quality: float) -> Any:
    if scale.dont_know and rng.random() < 0.04:
        return "dont_know"
    centre = scale.min + (scale.max - scale.min) * quality
    return max(scale.min, min(scale.max, round(rng.gauss(centre, 0.9))))


def _answers(definition: Definition, rng: random.Random, quality: float, steady: float) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for q in definition.questions(include_rows=False):
        if q.hidden:
            continue
        qtype = question_type(q.type)
        if qtype.figures is Figures.BACKGROUND:
            dimension = DIMENSIONS_BY_KEY.get(q.dimension or "")
            keys = dimension.keys() if dimension is not None else ()
            if q.dimension == "age_band":
                keys = ("67-79", "80+", "80+")
            answers[q.key] = rng.choice(keys) if keys and rng.random() > 0.05 else PREFER_NOT_TO_SAY
        elif scaled := qtype.scale_items(q):  # a rating, or each statement of a matrix
            for item, scale in scaled:
                answers[item.key] = _rating(scale, rng, quality)
        elif q.key == "hjemme_antall_ansatte":
            answers[q.key] = STAFF_OPTIONS[0] if rng.random() < steady else rng.choice(STAFF_OPTIONS[1:])
        elif Edit.OPTIONS in qtype.edits:  # single or multiple choice: one option
            chosen = rng.choice([o.key for o in q.options if not o.hidden])
            answers[q.key] = chosen if qtype.exclusive else (chosen,)
    return answers


#: When the rounds of the past ran (the kindergarten round of 2025 ran in March).
ROUND_DATES = {"2025": (datetime.date(2025, 9, 1), datetime.date(2025, 9, 26))}


def provider_round(
    *,
    owner_unit: Any,
    plan: dict[Any, tuple[int, float, float]],
    label: str,
    rng: random.Random,
    close: bool = True,
) -> Any:
    """Create one home-care round in the given providers' units with generated answers.

    ``plan`` maps a provider to (answers, quality 0-1, share meeting only 1-3 different staff).
    """
    template = survey_selectors.load_template("home_care")
    by_unit = {provider.unit_id: values for provider, values in plan.items()}
    survey = survey_services.survey_create(
        actor=DEMO,
        owner_unit=owner_unit,
        document=template.to_dict(),
        units=[provider.unit for provider in plan],
        round_label=label,
    )
    for su in SurveyUnit.objects.filter(survey=survey):
        count, quality, steady = by_unit[su.unit_id]
        for i in range(count):
            survey_services.response_submit_complete(
                actor=survey_services.RESPONDENT,  # synthetic respondents
                survey_unit=su,
                answers=_answers(template, rng, quality, steady),
                language=rng.choice(["nb"] * 8 + ["nn", "en"]),
                channel=CHANNELS[i % len(CHANNELS)],
                idempotency_key=f"choice-demo-{label}-{su.pk}-{i}",
            )
    if label in ROUND_DATES:
        # A round of the past ran then, not today: its dates (and so its participation activities'
        # dates) and its answers' days lie within them.
        opens_on, closes_on = ROUND_DATES[label]
        survey_services.survey_set_dates(actor=DEMO, survey=survey, opens_on=opens_on, closes_on=closes_on)
        Response.objects.filter(survey=survey).update(created_on=opens_on, submitted_on=closes_on)
    if close:
        survey_services.survey_set_status(actor=DEMO, survey=survey, status=SurveyStatus.CLOSED)
    return survey


def seed_provider_surveys(demo: DemoData, base: ChoiceDemo, *, rng: random.Random) -> list[Any]:
    """Create the 2025 and 2026 home-care rounds in the providers' units, both closed."""
    return [
        provider_round(
            owner_unit=base.service.owner_unit,
            plan={base.providers[name]: values for name, values in plan.items()},
            label=label,
            rng=rng,
        )
        for label, plan in ROUNDS.items()
    ]
