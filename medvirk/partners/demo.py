"""Fictional demo organisations (names and organisation numbers invented; numbers pass MOD11)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction

from medvirk.core.actors import SystemActor
from medvirk.core.demo import demo_seeder
from medvirk.orgs.models import Municipality
from medvirk.orgs.selectors import city_districts

from . import services
from .models import Organisation
from .services import OrganisationData

# name, number, kind, districts, competences, languages, groups, countries, partner
DEMO_ORGANISATIONS: list[
    tuple[str, str, str, list[str], list[str], list[str], list[str], list[str], bool]
] = [
    (
        "Somalisk foreldrenettverk Nord",
        "991000011",
        "immigrant",
        ["Bydel Nord", "Bydel Sentrum"],
        ["families", "language_group", "children"],
        ["so", "nb"],
        ["immigrants", "families"],
        ["346"],
        True,
    ),
    (
        "Polsk forening i Eksempel",
        "991000038",
        "immigrant",
        ["Bydel Sør", "Bydel Øst"],
        ["language_group", "education_work"],
        ["pl", "nb"],
        ["immigrants"],
        ["131"],
        False,
    ),
    (
        "Seniornettverket Øst",
        "991000046",
        "voluntary",
        ["Bydel Øst"],
        ["elderly"],
        ["nb"],
        ["elderly"],
        [],
        False,
    ),
    (
        "Ungdom mot diskriminering",
        "991000054",
        "voluntary",
        ["Bydel Sentrum", "Bydel Nord"],
        ["anti_discrimination", "youth"],
        ["nb", "ar", "ur"],
        ["youth", "immigrants"],
        ["564", "534"],
        True,
    ),
    (
        "Brukerforeningen for psykisk helse",
        "991000062",
        "user_organisation",
        ["Bydel Vest", "Bydel Sør"],
        ["addiction_mental_health"],
        ["nb"],
        ["mental_health"],
        [],
        False,
    ),
    (
        "Eritreisk kvinneforum",
        "991000070",
        "immigrant",
        ["Bydel Sentrum"],
        ["women", "language_group", "health"],
        ["ti", "nb"],
        ["immigrants", "families"],
        ["241"],
        False,
    ),
]


@transaction.atomic
def load_demo_organisations(*, municipality: Municipality) -> list[Organisation]:
    """Register the demo organisations in ``municipality`` (skipping those already there)."""
    districts = {d.name: d.pk for d in city_districts(municipality_id=municipality.pk)}
    made = []
    for name, number, kind, where, competences, languages, groups, countries, partner in DEMO_ORGANISATIONS:
        if Organisation.objects.filter(municipality=municipality, org_number=number).exists():
            continue
        data = OrganisationData(
            name=name,
            org_number=number,
            kind=kind,
            district_ids=[districts[d] for d in where if d in districts],
            competences=competences,
            languages=languages,
            groups=groups,
            countries=countries,
            website="",
            is_competence_partner=partner,
            partner_from=date(2024, 1, 1) if partner else None,
            partner_support="Driftstilskudd fra kommunen" if partner else "",
        )
        made.append(
            services.organisation_create(
                actor=SystemActor("demo seeding"), municipality=municipality, data=data, source="demo"
            )
        )
    return made


@demo_seeder()
def seed_partners_demo(demo: Any) -> list[Organisation]:
    """Register the demo organisations in Eksempel kommune."""
    return load_demo_organisations(municipality=demo.municipality)
