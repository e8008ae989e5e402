"""Demo survey rounds with synthetic answers for Eksempel kommune (fictional data, seeded).

The answers are generated, not real: kindergartens differ in quality, parents with immigrant
background rate information lower (so the equity analysis has a real gap to find), one unit has
too few answers (so suppression shows), and a few comments contain phone numbers and e-mail
addresses (so masking shows). Used by ``manage.py seed_demo`` only, not by the test suite.
"""

from __future__ import annotations

import datetime
import random
from typing import Any

from django.utils import timezone

from medvirk.accounts.access import Actor
from medvirk.accounts.demo import DemoData
from medvirk.common.dimensions import PREFER_NOT_TO_SAY
from medvirk.core.demo import demo_seeder
from medvirk.orgs.models import ServiceArea

from . import services
from .answering.engine import condition_holds
from .design.bank import load_template
from .models import Channel, Response, Survey, SurveyStatus, SurveyUnit
from .types import DONT_KNOW, Definition, Figures, QType, Question, question_type

COMMENTS = [
    "Mer informasjon om hva barna har gjort i løpet av dagen.",
    "Flinke og varme ansatte, barnet mitt trives veldig godt.",
    "Vanskelig å forstå beskjedene på norsk. Ønsker informasjon på flere språk.",
    "Ønsker lengre åpningstid om ettermiddagen.",
    "For mange vikarer i høst, barna merker det.",
    "Maten kunne vært bedre og mer variert.",
    "Ring meg gjerne på 912 34 567 hvis dere vil vite mer.",
    "Savner foreldremøter med tolk.",
    "Send gjerne svar til ola.nordmann@example.no.",
    "Uteområdet er flott, men trenger vedlikehold.",
    "Informasjonen kommer ofte for sent.",
    "Veldig fornøyd med tilvenningen.",
]
DISTRICT_CODES = ["999901", "999902", "999903", "999904", "999905"]


# Three in four demo parents answer with a code from a letter or an e-mail invitation, one
# through the poster's open link: only the first two count towards the anonymity threshold
# (insights/counted.py), so the demo shows results and also a few groups held back for it.
# Chosen by position, not drawn, so the demo's answers stay what they were.
DEMO_CHANNELS = (Channel.CODE, Channel.EMAIL, Channel.CODE, Channel.LINK)


def _rating(q: Question, rng: random.Random, quality: float, immigrant: bool) -> Any:
    scale = q.scale
    assert scale is not None
    if scale.dont_know and rng.random() < 0.05:
        return DONT_KNOW
    shift = -0.9 if immigrant and q.theme in ("informasjon", "medvirkning") else 0.0
    centre = scale.min + (scale.max - scale.min) * quality + shift
    return max(scale.min, min(scale.max, round(rng.gauss(centre, 0.9))))


def _nps(q: Question, rng: random.Random, quality: float, immigrant: bool) -> Any:
    return max(0, min(10, round(rng.gauss(10 * quality, 1.8))))


def _multiple(q: Question, rng: random.Random, quality: float, immigrant: bool) -> Any:
    keys = [o.key for o in q.options if not o.hidden]
    return tuple(k for k in keys if rng.random() < 0.35) or (keys[0],)


def _comment(q: Question, rng: random.Random, quality: float, immigrant: bool) -> Any:
    return rng.choice(COMMENTS) if rng.random() < 0.4 else None


def _single(q: Question, rng: random.Random, quality: float, immigrant: bool) -> Any:
    return rng.choice([o.key for o in q.options if not o.hidden])


def _number(q: Question, rng: random.Random, quality: float, immigrant: bool) -> Any:
    return rng.randint(int(q.min or 0), int(min(q.max or 10, 10)))


def _consent(q: Question, rng: random.Random, quality: float, immigrant: bool) -> Any:
    return True


# Plausible answers per question type (quality per unit, gaps by background); the demo leaves
# other types unanswered.
GENERATORS = {
    QType.RATING: _rating,
    QType.NPS: _nps,
    QType.SINGLE: _single,
    QType.MULTIPLE: _multiple,
    QType.TEXT: _comment,
    QType.TEXTAREA: _comment,
    QType.NUMBER: _number,
    QType.CONSENT: _consent,
}


def _answer(q: Question, rng: random.Random, quality: float, immigrant: bool) -> Any:
    generate = GENERATORS.get(q.type)
    return None if generate is None else generate(q, rng, quality, immigrant)


#: Age bands of the demo's respondents, with their weights: parents of kindergarten children.
PARENT_AGES = (("25-34", 0.45), ("35-44", 0.45), ("45-54", 0.10))
#: Relatives of nursing-home residents.
RELATIVE_AGES = (("35-44", 0.15), ("45-54", 0.35), ("55-66", 0.35), ("67-79", 0.15))


def _background(
    q: Question, rng: random.Random, district: str, immigrant: bool, ages: tuple[tuple[str, float], ...]
) -> str:
    dim = q.dimension
    if rng.random() < 0.04:
        return PREFER_NOT_TO_SAY
    if dim == "district":
        return district if rng.random() < 0.85 else rng.choice(DISTRICT_CODES)
    if dim == "immigrant_background":
        return (
            "immigrant" if immigrant else ("norwegian_born_to_immigrants" if rng.random() < 0.05 else "rest")
        )
    if dim == "gender":
        return rng.choices(["female", "male", "other"], [0.62, 0.37, 0.01])[0]
    if dim == "age_band":
        return rng.choices([band for band, _ in ages], [weight for _, weight in ages])[0]
    if dim == "home_language":
        return (
            "other"
            if immigrant and rng.random() < 0.6
            else ("norwegian_and_other" if immigrant else "norwegian")
        )
    if dim == "functional_impairment":
        return "yes" if rng.random() < 0.08 else "no"
    return PREFER_NOT_TO_SAY


def answers_for(
    definition: Definition,
    rng: random.Random,
    *,
    quality: float,
    district: str,
    immigrant_share: float,
    ages: tuple[tuple[str, float], ...] = PARENT_AGES,
) -> dict[str, Any]:
    """Generate one plausible, valid answer set."""
    immigrant = rng.random() < immigrant_share
    answers: dict[str, Any] = {}
    for q in definition.questions(include_rows=False):
        if q.hidden or (q.specifies is not None and not condition_holds(q.condition, answers)):
            continue  # removed, or the text of an "other" not chosen
        if question_type(q.type).figures is Figures.BACKGROUND:
            answers[q.key] = _background(q, rng, district, immigrant, ages)
            continue
        for item in q.rows or (q,):
            if item is not q:  # a statement of a matrix, rated on the matrix's scale
                item = Question(
                    key=item.key,
                    type=QType.RATING,
                    text=item.text,
                    scale=q.scale,
                    theme=item.theme or q.theme,
                )
            if rng.random() < 0.03 and not item.required:
                continue  # an unanswered question
            value = _answer(item, rng, quality, immigrant)
            if value is not None:
                answers[item.key] = value
    return answers


#: The 2025 and 2026 rounds ran in March and are closed: a round's results are shown only once it has
#: closed (``insights.release``), so the demo shows the results of both.
DATES_2025 = (datetime.date(2025, 3, 3), datetime.date(2025, 3, 28))
DATES_2026 = (datetime.date(2026, 3, 2), datetime.date(2026, 3, 27))


def demo_round_dated(
    *, actor: Actor, survey: Survey, opens_on: datetime.date, closes_on: datetime.date
) -> None:
    """Give a demo round of the past its dates, and its responses days within them.

    Responses are stored on the day they come in (today, in the demo); a round that closed last
    year would otherwise show this year's answers, and its participation activity (recorded from
    the round's dates) would start today. The days are spread over the round, deterministically.
    """
    services.survey_set_dates(actor=actor, survey=survey, opens_on=opens_on, closes_on=closes_on)
    days = (closes_on - opens_on).days + 1
    by_day: dict[datetime.date, list[int]] = {}
    for i, pk in enumerate(
        Response.objects.filter(survey=survey).order_by("pk").values_list("pk", flat=True)
    ):
        by_day.setdefault(opens_on + datetime.timedelta(days=(i * 7) % days), []).append(pk)
    for day, pks in by_day.items():
        Response.objects.filter(pk__in=pks).update(created_on=day, submitted_on=day)


@demo_seeder()
def seed_survey_demo(demo: DemoData, *, seed: int = 2026) -> list[Any]:
    """Create the 2025 and 2026 kindergarten parent surveys (both closed) with synthetic answers,
    and return them; then the nursing-home relatives' survey that is still open
    (:func:`seed_open_round`)."""
    rng = random.Random(seed)
    template = load_template("kindergarten_parents")
    kindergartens = sorted(
        (u for u in demo.units.values() if u.service_area == ServiceArea.KINDERGARTEN), key=lambda u: u.name
    )
    quality = {u.pk: q for u, q in zip(kindergartens, [0.82, 0.66, 0.74, 0.58, 0.78, 0.70], strict=False)}
    sizes = {u.pk: n for u, n in zip(kindergartens, [34, 27, 3, 22, 30, 18], strict=False)}  # one tiny unit
    parents = {u.pk: u.parent for u in kindergartens}
    surveys = []
    for round_label, drift in (("2025", -0.06), ("2026", 0.0)):
        survey = services.survey_create(
            actor=demo.users["analytiker"],
            owner_unit=demo.units[""],
            document=template.to_dict(),
            units=kindergartens,
            round_label=round_label,
        )
        definition = template
        for su in SurveyUnit.objects.filter(survey=survey).select_related("unit"):
            parent = parents[su.unit_id]
            district = parent.region_code if parent else DISTRICT_CODES[0]
            immigrant_share = 0.45 if district == "999905" else 0.15
            services.user_count_set(
                actor=demo.users["analytiker"], survey_unit=su, count=round(sizes[su.unit_id] * 1.8) + 4
            )
            for i in range(sizes[su.unit_id]):
                answers = answers_for(
                    definition,
                    rng,
                    quality=quality[su.unit_id] + drift,
                    district=district,
                    immigrant_share=immigrant_share,
                )
                services.response_submit_complete(
                    actor=services.RESPONDENT,  # synthetic respondents
                    survey_unit=su,
                    answers=answers,
                    language=rng.choice(["nb"] * 8 + ["nn", "en"]),
                    channel=DEMO_CHANNELS[i % len(DEMO_CHANNELS)],
                    idempotency_key=f"demo-{round_label}-{su.pk}-{i}",
                )
        opens_on, closes_on = DATES_2025 if round_label == "2025" else DATES_2026
        analyst = demo.users["analytiker"]
        demo_round_dated(actor=analyst, survey=survey, opens_on=opens_on, closes_on=closes_on)
        services.survey_set_status(actor=analyst, survey=survey, status=SurveyStatus.CLOSED)
        surveys.append(survey)
    seed_open_round(demo, rng)
    return surveys


#: Answers so far in the open nursing-home round, per unit (sorted by name); three in four through
#: a code or an invitation, so each unit has at least 5 counted answers and the home page shows them
#: (the closed kindergarten rounds show what is held back).
OPEN_ROUND_ANSWERS = (12, 8, 10)


def seed_open_round(demo: DemoData, rng: random.Random) -> Any:
    """Create the survey of nursing-home residents' relatives, open from two weeks before the demo
    was made to two weeks after, with a few answers: the home page shows its progress, its results
    page says when the results come (none are shown while a round is open, ``insights.release``),
    and whoever tries the demo can answer it through its link."""
    analyst = demo.users["analytiker"]
    template = load_template("nursing_home_relatives")
    units = sorted(
        (u for u in demo.units.values() if u.service_area == ServiceArea.NURSING_HOME), key=lambda u: u.name
    )
    survey = services.survey_create(
        actor=analyst, owner_unit=demo.units[""], document=template.to_dict(), units=units, round_label="2026"
    )
    today = timezone.localdate()
    services.survey_set_dates(
        actor=analyst,
        survey=survey,
        opens_on=today - datetime.timedelta(days=14),
        closes_on=today + datetime.timedelta(days=14),
    )
    services.survey_set_status(actor=analyst, survey=survey, status=SurveyStatus.OPEN)
    sus = (
        SurveyUnit.objects.filter(survey=survey).select_related("unit", "unit__parent").order_by("unit__name")
    )
    for su, count in zip(sus, OPEN_ROUND_ANSWERS, strict=False):
        district = (
            su.unit.parent.region_code if su.unit.parent and su.unit.parent.region_code else DISTRICT_CODES[0]
        )
        services.user_count_set(actor=analyst, survey_unit=su, count=count * 4 + 12)
        for i in range(count):
            services.response_submit_complete(
                actor=services.RESPONDENT,  # synthetic respondents
                survey_unit=su,
                answers=answers_for(
                    template, rng, quality=0.72, district=district, immigrant_share=0.12, ages=RELATIVE_AGES
                ),
                language="nb",
                channel=DEMO_CHANNELS[i % len(DEMO_CHANNELS)],
                idempotency_key=f"demo-nursing-home-{su.pk}-{i}",
            )
    return survey
