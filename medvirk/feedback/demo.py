"""Demo client feedback: "Eksempelhjelpa", a low-threshold mental-health service like Stangehjelpa.

Eksempel kommune gets the unit Eksempelhjelpa (under Helse- og omsorgsetaten) with PHQ-9 as its
outcome measure, Medvirk's session feedback and goals; 640 closed episodes over two years with
realistic courses (most change early, along log t; a quarter drop out, more often when nothing
changes; somewhat less improvement among immigrants, so "do all groups benefit equally?" has an
answer to find), so its expected trajectories come from its own data; and a caseload of open
episodes for the practitioner ``behandler`` (one client answering in Arabic, one not on track, one
whose session feedback dropped). ORS is loaded scoring-only: an administrator sees what a licence
holder must paste. Home care and nursing homes have "Hva er viktig for deg?" conversations.

Bulk-created as Medvirk itself (thousands of rows in seconds); the figures stored at closing are
computed with the same functions the services use.
"""

from __future__ import annotations

import math
import random
from datetime import timedelta
from typing import Any

from django.utils import timezone

from medvirk.accounts.models import Role, RoleAssignment, User
from medvirk.accounts.unit_services import unit_create
from medvirk.analysis.outcomes import classify
from medvirk.common.dimensions import age_band_for
from medvirk.core.actors import SystemActor
from medvirk.core.demo import demo_seeder
from medvirk.orgs.models import ServiceArea

from . import services
from .dashboard import ended_periods
from .models import Conversation, Episode, Goal, Rater, Rating, Service, Session

SYSTEM = SystemActor("demo data")
PASSWORD = "medvirk-demo-2026"  # noqa: S105 — the demo logins' shared password (README)
SESSION_ITEMS = ("session_heard", "session_topics", "session_together", "session_takeaway")
GOALS = [
    "Sove bedre om natta",
    "Komme meg på jobb hver dag",
    "Være mindre alene",
    "Tørre å si fra",
    "Få mer overskudd til barna",
    "Slutte å grue meg hele tiden",
    "Gå på trening igjen",
    "Klare skolen",
]
WHAT_MATTERS = [
    "Komme meg ut på tur hver dag",
    "Klare meg selv hjemme lengst mulig",
    "At de som kommer, har tid til å prate",
    "Få besøk av barnebarna",
    "Spise middag sammen med andre",
    "Vite hvem som kommer og når",
    "Kunne gå i kirken på søndag",
    "Slippe å gjenta historien min til nye folk hele tiden",
    "Hjelp til å dusje uten å haste",
    "Få lese avisen i fred om morgenen",
    "At det er de samme som kommer",
    "Komme meg ut i hagen",
]


def _user(demo: Any, username: str, first: str, last: str, unit: Any) -> User:
    user = User(username=username, first_name=first, last_name=last, municipality=demo.municipality)
    user.email = f"{username}@eksempel.example"
    user.set_password(PASSWORD)
    user.save()
    RoleAssignment.objects.create(
        municipality=demo.municipality, user=user, unit=unit, role=Role.PRACTITIONER
    )
    demo.users[username] = user
    return user


def _phq(total: float, *, safety: bool = False) -> dict[str, int]:
    """Nine PHQ-9 answers adding up to ``total`` (rounded), spread over the first eight items.

    Item 9 (thoughts of self-harm) raises the safety alert above zero, so it is left at 0 unless
    ``safety`` (or the total needs it): one demo client with it, not every one.
    """
    total = max(0, min(27, round(total)))
    answers = {f"phq9_{n}": 0 for n in range(1, 10)}
    if safety and total:
        answers["phq9_9"] = 1
        total -= 1
    for n in range(min(total, 24)):
        answers[f"phq9_{n % 8 + 1}"] += 1
    answers["phq9_9"] += total - min(total, 24)
    return answers


def _course(rng: random.Random, intake: float, slower: bool) -> list[float]:
    """PHQ-9 scores per session: improvement (a + b·intake + σe)·log t plus noise, lower is better."""
    rate = 3.4 - (0.9 if slower else 0.0) + 0.08 * (intake - 15) + 1.4 * rng.gauss(0, 1)
    sessions = rng.randint(3, 10)
    scores = [intake]
    for t in range(2, sessions + 1):
        scores.append(max(0.0, min(27.0, intake - rate * math.log(t) + rng.gauss(0, 1.6))))
    return [round(s) for s in scores]


def _background(rng: random.Random) -> dict[str, str]:
    immigrant = rng.choices(["rest", "immigrant", "norwegian_born_to_immigrants", ""], [70, 20, 5, 5])[0]
    language = {"immigrant": rng.choice(["other", "norwegian_and_other"]), "": ""}.get(
        immigrant, rng.choices(["norwegian", "norwegian_and_other"], [9, 1])[0]
    )
    return {
        "immigrant_background": immigrant,
        "home_language": language,
        "gender": rng.choices(["female", "male", "other", ""], [56, 40, 2, 2])[0],
    }


def _closed_episodes(service: Service, alliance: Any, count: int, rng: random.Random) -> None:
    """Bulk-create closed episodes with their sessions, ratings and stored closing figures."""
    muni = service.municipality
    thresholds = service.outcome.parsed.thresholds(service.outcome.parsed.get_version("adult"))
    today = timezone.localdate()
    # Two years that end a few months ago, so the last ended half-year (the dashboard's first
    # choice) holds a few hundred closings whatever day the demo is seeded.
    start = today - timedelta(days=760)
    for n in range(count):
        opened = start + timedelta(days=rng.randint(0, 600))
        birth = opened.year - rng.randint(18, 70)
        bg = _background(rng)
        intake = max(5.0, min(27.0, rng.gauss(15.5, 4.5)))
        scores = _course(rng, intake, slower=bg["immigrant_background"] == "immigrant")
        gain = thresholds.improvement(scores[0], scores[-1])
        dropout = rng.random() < (0.4 if gain < thresholds.rci else 0.15)
        if dropout and len(scores) > 2:
            scores = scores[: rng.randint(2, len(scores) - 1)]
        dates = [opened + timedelta(days=14 * i + rng.randint(0, 4)) for i in range(len(scores))]
        alliance_scores = [
            round(min(10, max(4, rng.gauss(8.9 if not dropout else 8.0, 0.7))), 1) for _ in scores
        ]
        change = classify(scores[0], scores[-1], thresholds).value if len(scores) >= 2 else ""
        episode = Episode.objects.create(
            municipality=muni,
            service=service,
            unit=service.unit,
            alias=f"Klient {n + 1}",
            birth_year=birth,
            age_version="adult",
            age_band=age_band_for(opened.year - birth),
            opened_on=opened,
            closed_on=dates[-1] + timedelta(days=7),
            status="closed",
            end_reason="dropout" if dropout else rng.choices(["planned", "other"], [9, 1])[0],
            intake_score=scores[0],
            last_score=scores[-1],
            rated_sessions=len(scores),
            change=change,
            alliance_mean=sum(alliance_scores) / len(alliance_scores),
            **bg,
        )
        rater = Rater.objects.create(municipality=muni, episode=episode)
        sessions = Session.objects.bulk_create(
            Session(municipality=muni, episode=episode, number=i + 1, held_on=day)
            for i, day in enumerate(dates)
        )
        rows = []
        for session, value, feedback in zip(sessions, scores, alliance_scores, strict=True):
            rows.append(
                Rating(
                    municipality=muni,
                    session=session,
                    rater=rater,
                    instrument=service.outcome,
                    purpose="outcome",
                    answers=_phq(value),
                    score=value,
                    mode="own_phone",
                    language="nb",
                )
            )
            rows.append(
                Rating(
                    municipality=muni,
                    session=session,
                    rater=rater,
                    instrument=alliance,
                    purpose="alliance",
                    answers=dict.fromkeys(SESSION_ITEMS, feedback),
                    score=feedback,
                    mode="own_phone",
                    language="nb",
                )
            )
        Rating.objects.bulk_create(rows)


def _open_episode(
    service: Service,
    user: User,
    alias: str,
    scores: list[float],
    alliance: list[float],
    *,
    language: str = "nb",
    goals: list[str] | None = None,
    safety: bool = False,
    **bg: str,
) -> Episode:
    """An open episode of the practitioner's caseload, through the services (as a practitioner would)."""
    today = timezone.localdate()
    opened = today - timedelta(days=14 * len(scores))
    episode = services.episode_open(
        actor=user, service=service, alias=alias, birth_year=1990, opened_on=opened, language=language, **bg
    )
    rater = services.client_rater(episode)
    made = services.goal_set(actor=user, episode=episode, texts=goals or [])
    for i, (value, feedback) in enumerate(zip(scores, alliance, strict=True)):
        session = services.session_record(
            actor=user, episode=episode, held_on=opened + timedelta(days=14 * i)
        )
        services.rating_submit(
            actor=user,
            session=session,
            rater=rater,
            instrument=service.outcome,
            answers=_phq(value, safety=safety and i == len(scores) - 1),
            mode="tablet",
        )
        services.rating_submit(
            actor=user,
            session=session,
            rater=rater,
            instrument=service.alliance,  # type: ignore[arg-type]
            answers=dict.fromkeys(SESSION_ITEMS, feedback),
            mode="tablet",
        )
        if made:
            services.goal_rate(actor=user, session=session, values={g.pk: min(10, 2 + i * 1.5) for g in made})
    return episode


@demo_seeder(after=("participation",))
def seed(demo: Any) -> None:
    """Eksempelhjelpa with two years of closed episodes, a caseload, and conversations."""
    rng = random.Random(19)
    agency = demo.units["Helse- og omsorgsetaten"]
    unit = unit_create(actor=SYSTEM, parent=agency, name="Eksempelhjelpa", service_area=ServiceArea.HEALTH)
    demo.units[unit.name] = unit
    muni = demo.municipality
    phq = services.instrument_load(actor=SYSTEM, municipality=muni, key="phq9")
    alliance = services.instrument_load(actor=SYSTEM, municipality=muni, key="medvirk_session")
    for key in ("gad7", "ors", "srs"):
        services.instrument_load(actor=SYSTEM, municipality=muni, key=key)
    service = services.service_create(
        actor=SYSTEM, unit=unit, name="Eksempelhjelpa samtaletilbud", outcome=phq, alliance=alliance
    )
    behandler = demo.users["behandler"]  # the base demo's practitioner (Helsestasjonen)
    RoleAssignment.objects.create(municipality=muni, user=behandler, unit=unit, role=Role.PRACTITIONER)
    kollega = _user(demo, "behandler.kollega", "Kai", "Kollega", unit)
    _closed_episodes(service, alliance, 640, rng)
    services.trajectories_refit(actor=SYSTEM, service=service, bootstrap=100)

    _open_episode(
        service,
        behandler,
        "Amira",
        [17, 14, 12],
        [9.0, 9.3, 9.6],
        language="ar",
        goals=["Sove bedre om natta", "Snakke mer norsk på jobben"],
        immigrant_background="immigrant",
        home_language="other",
        gender="female",
    )
    _open_episode(
        service,
        behandler,
        "Jonas",
        [16, 17, 18, 18],
        [8.9, 8.7, 8.8, 8.6],
        goals=["Komme meg på skolen"],
        gender="male",
    )
    _open_episode(
        service, behandler, "Liv", [19, 15, 13], [9.4, 9.1, 7.2], goals=["Tørre å si fra"], gender="female"
    )
    _open_episode(service, behandler, "Per", [12, 10, 7, 6], [9.5, 9.6, 9.8, 9.8], gender="male")
    _open_episode(service, behandler, "Sara", [21], [8.5], goals=["Være mindre alene"], gender="female")
    # Two clients getting worse: reliably deteriorated and not on track (red alerts on the
    # caseload); Nora's session feedback falls as well, and her last answers ask for a safety talk.
    _open_episode(
        service,
        behandler,
        "Emil",
        [12, 14, 17, 19],
        [9.1, 9.0, 8.9, 9.0],
        goals=["Orke å møte venner"],
        gender="male",
        immigrant_background="rest",
        home_language="norwegian",
    )
    _open_episode(
        service,
        behandler,
        "Nora",
        [15, 16, 18, 21, 22],
        [9.2, 8.9, 8.3, 7.4, 6.1],
        goals=["Klare en hel skoledag"],
        safety=True,  # her last PHQ-9 answers item 9 above zero: "Ask about safety"
        gender="female",
    )
    shared = _open_episode(service, kollega, "Tobias", [14, 13], [9.0, 9.2], gender="male")
    services.episode_member_add(actor=kollega, episode=shared, user=behandler)

    units = [
        demo.units[n]
        for n in ("Hjemmetjenesten Nord", "Hjemmetjenesten Sør", "Sørhaug sykehjem", "Østre sykehjem")
    ]
    # The themes are shown per half-year that has ended: most conversations fall in the last
    # one (enough per home-care unit to show), a few in the running one (not shown yet).
    today = timezone.localdate()
    ended = ended_periods(today)[0]
    for n in range(72):
        held_on = (
            ended.start + timedelta(days=rng.randint(0, (ended.end - ended.start).days))
            if n < 60
            else today - timedelta(days=rng.randint(0, (today - ended.end).days - 1))
        )
        conversation = Conversation.objects.create(
            municipality=muni,
            unit=units[n % len(units)],
            held_on=held_on,
            age_band=rng.choice(["67-79", "80+", "80+"]),
            gender=rng.choice(["female", "male", "female"]),
        )
        Goal.objects.bulk_create(
            Goal(
                municipality=muni,
                conversation=conversation,
                text=text,
                position=i,
                created_on=conversation.held_on,
            )
            for i, text in enumerate(rng.sample(WHAT_MATTERS, rng.randint(1, 3)))
        )
