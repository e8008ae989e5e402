"""Demo participation data for Eksempel kommune: activities, findings and measures (published ones
appear on /p/eksempel/); ``seed_demo`` runs it through the demo registry (``medvirk.core.demo``)."""

from __future__ import annotations

import datetime
from typing import Any

from medvirk.core.demo import demo_seeder

from . import services


@demo_seeder()
def seed_participation_demo(demo: Any, *, today: datetime.date | None = None) -> None:
    """Create a small, realistic year of participation work in Solsikken barnehage and Bydel Nord."""
    today = today or datetime.date.today()
    admin = demo.users["admin"]
    leader = demo.users["leder.solsikken"]
    unit = demo.units["Solsikken barnehage"]
    council = services.activity_create(
        actor=leader,
        owner_unit=unit,
        title="Foreldrerådet, vårmøte",
        kind="council_meeting",
        service_area=unit.service_area,
        starts_on=today - datetime.timedelta(days=60),
        place="Solsikken, storstua",
        purpose="Høre foreldrene om mat, henting og informasjon.",
        question="Hva bør vi gjøre annerledes?",
        ladder="dialogue",
        level="representative",
        invited="organisations",
        offers_interpreter=True,
        offers_child_care=True,
    )
    services.activity_document(
        actor=leader,
        activity=council,
        participants=14,
        composition={"gender": {"female": 9, "male": 5}, "home_language": {"norwegian": 8, "other": 6}},
        minutes="Foreldre ønsker beskjeder på flere språk og mer frukt.",
        staff_evaluation="God samtale. Tolk gjorde at flere sa noe.",
    )
    services.activity_create(
        actor=leader,
        owner_unit=unit,
        title="Åpent foreldremøte om uteleik",
        kind="user_meeting",
        service_area=unit.service_area,
        starts_on=today + datetime.timedelta(days=21),
        place="Solsikken, uteområdet",
        question="Hvordan vil barna leke ute?",
        ladder="informants",
        level="group",
        invited="open",
        offers_accessible_venue=True,
        published=True,
    )
    language = services.finding_create(
        actor=leader,
        unit=unit,
        statement="Foreldre som ikke leser norsk, får ikke med seg beskjeder fra barnehagen.",
        activity=council,
        published=True,
    )
    measure = services.measure_create(
        actor=leader,
        unit=unit,
        finding=language,
        title="Viktige beskjeder på fem språk",
        description="Vi sender de viktigste beskjedene på norsk, arabisk, polsk, somali og tigrinja.",
        decision_level="unit_leader",
        within_budget=True,
        due_on=today + datetime.timedelta(days=90),
        shareable=True,
        published=True,
    )
    services.measure_set_status(
        actor=leader, measure=measure, status="in_progress", progress=40, note="Maler laget."
    )
    fruit = services.finding_create(
        actor=leader, unit=unit, statement="Foreldre vil ha mer frukt.", published=True
    )
    rejected = services.measure_create(
        actor=leader,
        unit=unit,
        finding=fruit,
        title="Frukt tre ganger om dagen",
        decision_level="agency",
        published=True,
    )
    services.measure_set_status(
        actor=admin,
        measure=rejected,
        status="rejected",
        reason="Det får vi ikke plass til i budsjettet i år. Vi gir frukt to ganger om dagen.",
    )
    # Prøvestad prepares to work with Eksempel and shares its figures (see /participation/compare/).
    if getattr(demo, "other", None) is not None and "provestad.admin" in demo.users:
        from .services import sharing_grant

        sharing_grant(actor=demo.users["provestad.admin"], municipality=demo.other, partner=demo.municipality)
