"""The base demo data: "Eksempel kommune" (five city districts, agencies, 20+ units) and a second
municipality, "Prøvestad kommune", so that any cross-municipality leak shows. All names fictional.

Used by ``manage.py seed_demo`` and by the test suite, so tests exercise the data people see.
Every other app seeds its own demo on top of it (``@demo_seeder`` in its ``demo.py``, see
``medvirk.core.demo``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from medvirk.common.dimensions import DEMO_DISTRICTS, DEMO_MUNICIPALITY_CODE, SECOND_DEMO_MUNICIPALITY_CODE
from medvirk.core.actors import SystemActor
from medvirk.orgs.models import Municipality, OrgUnit, ServiceArea, UnitKind
from medvirk.orgs.selectors import municipality_root

from .models import Role, User
from .services import role_grant, user_create
from .unit_services import municipality_create, unit_create

DEMO_PASSWORD = "medvirk-demo-2026"  # noqa: S105 — printed for demo logins; demo data only

#: Who builds the demo: Medvirk itself (there is no administrator before the demo has one).
DEMO_ACTOR = SystemActor("demo seeding")

S = ServiceArea
DISTRICT_UNITS: dict[str, list[tuple[str, str]]] = {
    "Bydel Nord": [
        ("Solsikken barnehage", S.KINDERGARTEN),
        ("Nordlys barnehage", S.KINDERGARTEN),
        ("Nordby skole", S.SCHOOL),
        ("Hjemmetjenesten Nord", S.HOME_CARE),
        ("Nord fritidsklubb", S.YOUTH_CLUB),
    ],
    "Bydel Sør": [
        ("Sørbyen barnehage", S.KINDERGARTEN),
        ("Sørhaug skole", S.SCHOOL),
        ("Sørhaug sykehjem", S.NURSING_HOME),
        ("Hjemmetjenesten Sør", S.HOME_CARE),
    ],
    "Bydel Øst": [
        ("Østli barnehage", S.KINDERGARTEN),
        ("Østmarka skole", S.SCHOOL),
        ("Østre sykehjem", S.NURSING_HOME),
        ("Øst fritidsklubb", S.YOUTH_CLUB),
    ],
    "Bydel Vest": [
        ("Vestly barnehage", S.KINDERGARTEN),
        ("Vestre skole", S.SCHOOL),
        ("Vestheim sykehjem", S.NURSING_HOME),
        ("Hjemmetjenesten Vest", S.HOME_CARE),
    ],
    "Bydel Sentrum": [
        ("Sentrum barnehage", S.KINDERGARTEN),
        ("Sentrum skole", S.SCHOOL),
        ("Servicesenteret Sentrum", S.SERVICE_CENTRE),
        ("Ungdomshuset Sentrum", S.YOUTH_CLUB),
    ],
}
AGENCY_UNITS: dict[str, list[tuple[str, str]]] = {
    "Helse- og omsorgsetaten": [("Tildelingskontoret", S.HEALTH), ("Helsestasjonen", S.HEALTH)],
    "Oppvekstetaten": [("Voksenopplæringen", S.SCHOOL), ("PP-tjenesten", S.SCHOOL)],
}

# username, first name, last name, role, unit name ("" = the municipality itself)
DEMO_USERS: list[tuple[str, str, str, str, str]] = [
    ("admin", "Ada", "Administrator", Role.ADMIN, ""),
    ("analytiker.nord", "Nora", "Analytiker", Role.ANALYST, "Bydel Nord"),
    ("analytiker", "Amir", "Analytiker", Role.ANALYST, ""),
    # Solsikken is small on purpose (3 answers: every figure hidden); Sentrum has enough counted
    # answers for figures, last year's trend and a gap to act on (``surveys.demo``).
    ("leder.solsikken", "Sol", "Leder", Role.UNIT_LEADER, "Solsikken barnehage"),
    ("leder.sentrum", "Sara", "Leder", Role.UNIT_LEADER, "Sentrum barnehage"),
    ("koordinator", "Kari", "Koordinator", Role.COORDINATOR, ""),
    ("lesetilgang", "Lars", "Leser", Role.READ_ONLY, ""),
    ("behandler", "Berit", "Behandler", Role.PRACTITIONER, "Helsestasjonen"),
]


@dataclass
class DemoData:
    """Handles to the demo objects tests and the seed command need."""

    municipality: Municipality
    other: Municipality
    units: dict[str, OrgUnit] = field(default_factory=dict)
    other_units: dict[str, OrgUnit] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)


def make_demo_user(username: str, first: str, last: str, municipality: Municipality) -> User:
    """Create a demo staff user with the demo password (also used by apps' own demo seeders)."""
    return user_create(
        actor=DEMO_ACTOR,
        municipality=municipality,
        username=username,
        email=f"{username}@{municipality.slug}.example",
        first_name=first,
        last_name=last,
        password=DEMO_PASSWORD,
    )


@transaction.atomic
def build_demo() -> DemoData:
    """Create both demo municipalities with units and staff; fail if they already exist."""
    muni = municipality_create(
        actor=DEMO_ACTOR, code=DEMO_MUNICIPALITY_CODE, name="Eksempel kommune", slug="eksempel"
    )
    other = municipality_create(
        actor=DEMO_ACTOR, code=SECOND_DEMO_MUNICIPALITY_CODE, name="Prøvestad kommune", slug="provestad"
    )
    data = DemoData(municipality=muni, other=other)
    root = municipality_root(municipality=muni)
    data.units[""] = root
    data.units[root.name] = root
    for code, district_name in DEMO_DISTRICTS.items():
        district = unit_create(
            actor=DEMO_ACTOR,
            parent=root,
            name=district_name,
            kind=UnitKind.DISTRICT,
            service_area=S.ADMINISTRATION,
            region_code=code,
        )
        data.units[district_name] = district
        for name, area in DISTRICT_UNITS[district_name]:
            data.units[name] = unit_create(actor=DEMO_ACTOR, parent=district, name=name, service_area=area)
    for agency_name, children in AGENCY_UNITS.items():
        agency = unit_create(
            actor=DEMO_ACTOR,
            parent=root,
            name=agency_name,
            kind=UnitKind.AGENCY,
            service_area=S.ADMINISTRATION,
        )
        data.units[agency_name] = agency
        for name, area in children:
            data.units[name] = unit_create(actor=DEMO_ACTOR, parent=agency, name=name, service_area=area)

    other_root = municipality_root(municipality=other)
    data.other_units[""] = other_root
    other_districts: dict[str, list[tuple[str, str]]] = {
        "Prøvestad sentrum": [("Torget barnehage", S.KINDERGARTEN), ("Prøvestad skole", S.SCHOOL)],
        "Prøvestad nord": [("Bakken sykehjem", S.NURSING_HOME)],
    }
    for district_name, children in other_districts.items():
        district = unit_create(
            actor=DEMO_ACTOR,
            parent=other_root,
            name=district_name,
            kind=UnitKind.DISTRICT,
            service_area=S.ADMINISTRATION,
        )
        data.other_units[district_name] = district
        for name, area in children:
            data.other_units[name] = unit_create(
                actor=DEMO_ACTOR, parent=district, name=name, service_area=area
            )

    admin = make_demo_user("admin", "Ada", "Administrator", muni)
    data.users["admin"] = admin
    role_grant(actor=DEMO_ACTOR, user=admin, unit=root, role=Role.ADMIN)
    for username, first, last, role, unit_name in DEMO_USERS[1:]:
        user = make_demo_user(username, first, last, muni)
        data.users[username] = user
        role_grant(actor=admin, user=user, unit=data.units[unit_name], role=role)
    other_admin = make_demo_user("provestad.admin", "Per", "Prøvestad", other)
    data.users["provestad.admin"] = other_admin
    role_grant(actor=DEMO_ACTOR, user=other_admin, unit=other_root, role=Role.ADMIN)
    # A staff user without any role: sees nothing.
    data.users["uten.rolle"] = make_demo_user("uten.rolle", "Ulf", "Utenrolle", muni)
    return data


def load_demo() -> DemoData:
    """Return handles to demo data already in the database (built by ``build_demo``)."""
    muni = Municipality.objects.get(slug="eksempel")
    other = Municipality.objects.get(slug="provestad")
    data = DemoData(municipality=muni, other=other)
    for unit in OrgUnit.objects.filter(municipality=muni):
        data.units[unit.name] = unit
        if unit.parent_id is None:
            data.units[""] = unit
    for unit in OrgUnit.objects.filter(municipality=other):
        data.other_units[unit.name] = unit
        if unit.parent_id is None:
            data.other_units[""] = unit
    for user in User.objects.filter(municipality__in=[muni, other]):
        data.users[user.username] = user
    return data
