"""No list page or API list runs a query per row (N+1): each is opened by a scoped user at two data
sizes, and the larger size may run no more queries than the smaller one, which stays under a cap.

Each case grows the rows its list shows, with the related rows a real one has (a measure with
its finding and status log, an organisation with a contact person, a council with members, …).
A request is measured after one identical request, so per-process caches are warm at both sizes.
The last test makes a new list page or API list join the cases.
"""

from __future__ import annotations

import datetime
import itertools
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from medvirk.accounts.demo import DemoData

_serial = itertools.count(1)


def _name(prefix: str) -> str:
    return f"{prefix} {next(_serial)}"


def _nord(d: DemoData) -> Any:
    return d.units["Bydel Nord"]


def _solsikken(d: DemoData) -> Any:
    return d.units["Solsikken barnehage"]


# --- growing each list (each returns a text the list then shows) ---------------------------


def grow_tokens(d: DemoData) -> str:
    from medvirk.accounts.services import token_create

    name = _name("Nokkel")
    token_create(actor=d.users["analytiker.nord"], name=name)
    return name


def grow_invitations(d: DemoData) -> str:
    from medvirk.accounts.invitation_services import user_create_invited

    name = _name("invitert").replace(" ", ".")
    user_create_invited(
        actor=d.users["admin"],
        municipality=d.municipality,
        username=name,
        email=f"{name}@x.no",
        base_url="http://testserver/",
    )
    return name


def grow_roles(d: DemoData) -> str:
    from medvirk.accounts.models import Role
    from medvirk.accounts.services import role_grant, user_create

    name = _name("bruker").replace(" ", ".")
    user = user_create(
        actor=d.users["admin"], municipality=d.municipality, username=name, email=f"{name}@x.no"
    )
    role_grant(actor=d.users["admin"], user=user, unit=_solsikken(d), role=Role.READ_ONLY)
    return name


def _unit(d: DemoData) -> Any:
    from medvirk.accounts.unit_services import unit_create
    from medvirk.orgs.models import ServiceArea

    return unit_create(
        actor=d.users["admin"],
        parent=_nord(d),
        name=_name("Ny barnehage"),
        service_area=ServiceArea.KINDERGARTEN,
    )


def grow_units(d: DemoData) -> str:
    return str(_unit(d).name)


grow_audit = grow_units  # each new unit is an audit event ("unit created") with its actor


def grow_surveys(d: DemoData) -> str:
    from medvirk.surveys import services
    from tests.sample_survey import sample_definition

    label = _name("runde")
    services.survey_create(
        actor=d.users["admin"],
        owner_unit=_nord(d),
        document=sample_definition(),
        units=[_solsikken(d), d.units["Nordlys barnehage"]],
        round_label=label,
    )
    return label


def grow_panels(d: DemoData) -> str:
    from medvirk.panels import services

    name = _name("Panel")
    panel = services.panel_create(
        actor=d.users["admin"], municipality=d.municipality, name=name, purpose="Rad", size=3
    )
    services.quotas_set(
        actor=d.users["admin"], panel=panel, quotas=[("gender", "female", 1, 2), ("gender", "male", 1, 2)]
    )
    return name


def grow_volunteers(d: DemoData) -> str:
    from medvirk.panels.demo import seed_volunteers
    from medvirk.panels.models import Volunteer

    volunteer = Volunteer.objects.filter(municipality=d.municipality).first()
    if volunteer is None:
        volunteer = seed_volunteers(d.municipality, count=1)[0]
    volunteer.pk = None  # another fictional volunteer like the first
    volunteer.name = _name("Frivillig")
    volunteer.email = f"{volunteer.name.replace(' ', '')}@example.org"
    volunteer.save()
    return volunteer.name


def grow_councils(d: DemoData) -> str:
    from medvirk.panels.models import Council, CouncilDecision, CouncilMember, CouncilMemberKind

    council = Council.objects.create(municipality=d.municipality, name=_name("Brukerrad"))
    for kind in (CouncilMemberKind.USER, CouncilMemberKind.STAFF):
        CouncilMember.objects.create(
            municipality=d.municipality,
            council=council,
            name=_name("Medlem"),
            kind=kind,
            term_start=datetime.date(2026, 1, 1),
            term_end=datetime.date(2027, 12, 31),
        )
    CouncilDecision.objects.create(
        municipality=d.municipality, council=council, date=datetime.date(2026, 3, 1), text="Vedtak"
    )
    return council.name


def _activity(d: DemoData) -> Any:
    from medvirk.participation import services

    activity = services.activity_create(
        actor=d.users["admin"],
        owner_unit=_solsikken(d),
        title=_name("Foreldremote"),
        kind="user_meeting",
        ladder="dialogue",
        level="group",
        invited="open",
        starts_on=datetime.date.today(),
    )
    activity.units.add(d.units["Nordlys barnehage"], through_defaults={"municipality": d.municipality})
    return activity


def grow_activities(d: DemoData) -> str:
    return str(_activity(d).title)


def _finding(d: DemoData) -> Any:
    from medvirk.participation import services

    return services.finding_create(
        actor=d.users["admin"], unit=_solsikken(d), statement=_name("Funn"), activity=_activity(d)
    )


def grow_findings(d: DemoData) -> str:
    return str(_finding(d).statement)


def grow_measures(d: DemoData) -> str:
    from medvirk.participation import services

    title = _name("Tiltak")
    services.measure_create(
        actor=d.users["admin"],
        unit=_solsikken(d),
        finding=_finding(d),
        owner=d.users["leder.solsikken"],
        title=title,
        decision_level="employee",
        shareable=True,
    )
    return title


def grow_organisations(d: DemoData) -> str:
    from medvirk.partners import services
    from medvirk.partners.tests.factories import organisation

    org = organisation(
        d.municipality, name=_name("Forening"), languages=["ar", "so"], district_ids=[_nord(d).pk]
    )
    services.contact_person_add(
        actor=d.users["admin"],
        organisation=org,
        name=_name("Kontakt"),
        email="kontakt@example.org",
        consent=True,
        consent_purpose="Invitasjoner",
    )
    return str(org.name)


def grow_proposals(d: DemoData) -> str:
    from medvirk.partners.models import Proposal

    name = _name("Forslag")
    Proposal.objects.create(municipality=d.municipality, data={"name": name}, client_hash="h" * 64)
    return name


def grow_mappings(d: DemoData) -> str:
    from medvirk.partners.models import MappingGroup, YearlyMapping
    from medvirk.partners.tests.factories import organisation

    unit = _unit(d)
    mapping = YearlyMapping.objects.create(
        municipality=d.municipality, unit=unit, year=datetime.date.today().year, completed=True
    )
    for key in ("somali", "arabic"):
        group = MappingGroup.objects.create(municipality=d.municipality, mapping=mapping, key=key, label=key)
        member = organisation(d.municipality, name=_name("Forening"))
        group.organisations.add(member, through_defaults={"municipality": d.municipality})
    return str(unit.name)


def grow_population_tables(d: DemoData) -> str:
    from medvirk.population.demo import load_samples
    from medvirk.population.models import PopulationTable

    if not PopulationTable.objects.filter(municipality=d.municipality).exists():
        load_samples()
    table = PopulationTable.objects.filter(municipality=d.municipality).first()
    assert table is not None
    table.pk = None  # the same table for another year
    table.year = 1900 + next(_serial)
    table.title = _name("Tabell")
    table.save()
    return table.title


def grow_contact_log(d: DemoData) -> str:
    from medvirk.partners import services
    from medvirk.partners.tests.factories import organisation

    name = _name("Forening")
    services.contact_log_add(
        actor=d.users["leder.solsikken"],
        unit=_solsikken(d),
        organisation=organisation(d.municipality, name=name),
        on=datetime.date.today(),
        kind="consulted",
        contribution="Tolket",
        activity=_activity(d),
    )
    return name


def _survey_for_units(d: DemoData) -> Any:
    from medvirk.surveys import services
    from medvirk.surveys.models import Survey
    from tests.sample_survey import sample_definition

    survey = Survey.objects.filter(municipality=d.municipality, round_label="enheter").first()
    return survey or services.survey_create(
        actor=d.users["admin"],
        owner_unit=_nord(d),
        document=sample_definition(),
        units=[_solsikken(d)],
        round_label="enheter",
    )


def grow_survey_units(d: DemoData) -> str:
    from medvirk.surveys.models import SurveyUnit

    unit = _unit(d)
    survey = _survey_for_units(d)
    SurveyUnit.objects.create(
        municipality=d.municipality, survey=survey, unit=unit, link_key=secrets.token_urlsafe(16)[:24]
    )
    return str(unit.name)


def _choice_service(d: DemoData) -> Any:
    from medvirk.choice.models import ChoiceService

    return ChoiceService.objects.get(municipality=d.municipality, name="Hjemmetjenester")


def _system() -> Any:
    from medvirk.core.actors import SystemActor

    return SystemActor("query-count test data")


def grow_choice_services(d: DemoData) -> str:
    from medvirk.choice import services

    name = _name("Tjeneste")
    services.service_create(
        actor=_system(), owner_unit=d.units["Helse- og omsorgsetaten"], name=name, kind="meals"
    )
    return name


_org_numbers = (f"93{n:06d}" for n in itertools.count(1))


def _org_number() -> str:
    from medvirk.common.norway import mod11_control_digit

    while True:
        digits = next(_org_numbers)
        check = mod11_control_digit(digits[:8], (3, 2, 7, 6, 5, 4, 3, 2))
        if check is not None:
            return digits[:8] + str(check)


def grow_choice_providers(d: DemoData) -> str:
    from medvirk.choice import services

    name = _name("Leverandor AS")
    provider = services.provider_register(
        actor=_system(),
        data=services.ProviderData(
            name=name, kind="private", org_number=_org_number(), contact_email="a@x.no"
        ),
        parent=d.units["Helse- og omsorgsetaten"],
    )
    services.approval_save(
        actor=_system(),
        provider=provider,
        service=_choice_service(d),
        approved_from=datetime.date(2024, 1, 1),
    )
    return name


def _choice_client(d: DemoData, provider_name: str) -> str:
    from medvirk.choice import services
    from medvirk.choice.models import Provider

    alias = _name("Klient").replace(" ", "-")
    service = _choice_service(d)
    client = services.client_register(
        actor=_system(), service=service, alias=alias, decision_on=datetime.date(2026, 1, 5)
    )
    provider = Provider.objects.get(municipality=d.municipality, unit__name=provider_name)
    services.choice_record(
        actor=_system(), client=client, provider=provider, chosen_on=datetime.date(2026, 1, 6)
    )
    return alias


def grow_choice_clients(d: DemoData) -> str:
    return _choice_client(d, "Omsorg Pluss AS")


def grow_choice_requests(d: DemoData) -> str:
    from medvirk.choice import services
    from medvirk.choice.models import Provider

    name = _name("Innsender")
    provider = Provider.objects.get(municipality=d.municipality, unit__name="Omsorg Pluss AS")
    services.online_request_submit(
        actor=_system(),
        service=_choice_service(d),
        data=services.RequestData(kind="choice", provider_id=provider.pk, client_name=name, phone="91234567"),
    )
    return name


def _choice_provider_clients(d: DemoData) -> str:
    from medvirk.choice.models import Provider

    provider = Provider.objects.get(municipality=d.municipality, unit__name="Omsorg Pluss AS")
    return f"/api/v1/choice/providers/{provider.pk}/clients"


def _choice_service_clients(d: DemoData) -> str:
    return f"/api/v1/choice/services/{_choice_service(d).pk}/clients"


# --- the lists ------------------------------------------------------------------------------


def _feedback_service(d: DemoData) -> Any:
    from medvirk.core.actors import SystemActor
    from medvirk.feedback import services
    from medvirk.feedback.models import Instrument, Service

    found = Service.objects.filter(municipality=d.municipality, name="Tellingstjenesten").first()
    if found:
        return found
    system = SystemActor("query-count tests")
    load = services.instrument_load
    phq = Instrument.objects.filter(municipality=d.municipality, key="phq9").first() or load(
        actor=system, municipality=d.municipality, key="phq9"
    )
    alliance = Instrument.objects.filter(municipality=d.municipality, key="medvirk_session").first() or load(
        actor=system, municipality=d.municipality, key="medvirk_session"
    )
    return services.service_create(
        actor=system, unit=d.units["Helsestasjonen"], name="Tellingstjenesten", outcome=phq, alliance=alliance
    )


def grow_episodes(d: DemoData) -> str:
    """A client of ``behandler`` with two scored sessions, session feedback and a goal."""
    from medvirk.feedback import services

    user = d.users["behandler"]
    alias = _name("Klient")
    episode = services.episode_open(actor=user, service=_feedback_service(d), alias=alias)
    services.goal_set(actor=user, episode=episode, texts=["Sove bedre"])
    for total in (14, 9):
        session = services.session_record(actor=user, episode=episode)
        services.rating_submit(
            actor=user,
            session=session,
            rater=services.client_rater(episode),
            instrument=episode.service.outcome,
            answers={f"phq9_{n}": min(3, max(0, total - 3 * (n - 1))) for n in range(1, 10)},
            mode="tablet",
        )
    return alias


def grow_feedback_services(d: DemoData) -> str:
    from medvirk.core.actors import SystemActor
    from medvirk.feedback import services

    existing = _feedback_service(d)
    name = _name("Tjeneste")
    services.service_create(
        actor=SystemActor("query-count tests"), unit=existing.unit, name=name, outcome=existing.outcome
    )
    return name


def grow_instruments(d: DemoData) -> str:
    from medvirk.core.actors import SystemActor
    from medvirk.feedback import services

    key = f"telling_{next(_serial)}"
    services.instrument_import(
        actor=SystemActor("query-count tests"),
        municipality=d.municipality,
        definition={
            "format": "medvirk-instrument/1",
            "key": key,
            "name": {"en": key},
            "purpose": "outcome",
            "direction": "higher_better",
            "response": {"type": "vas"},
            "items": [{"key": "a", "text": {"en": "A"}}],
            "versions": [{"key": "all", "rci": 1}],
        },
    )
    return key


@dataclass(frozen=True)
class ListCase:
    url: str | Callable[[DemoData], str]
    user: str | None
    grow: Callable[[DemoData], str]
    cap: int  # most queries at the smaller size (measured when written, plus a little room)

    def path(self, d: DemoData) -> str:
        return self.url if isinstance(self.url, str) else self.url(d)


def _contacts(d: DemoData) -> str:
    return f"/organisations/units/{_solsikken(d).pk}/contacts/"


def _api_contacts(d: DemoData) -> str:
    return f"/api/v1/units/{_solsikken(d).pk}/organisation-contacts"


def _survey_detail(d: DemoData) -> str:
    return f"/surveys/{_survey_for_units(d).pk}/"


def _api_survey_units(d: DemoData) -> str:
    return f"/api/v1/surveys/{_survey_for_units(d).pk}/units"


# Scoped users: the analyst of Bydel Nord and the unit leader see part of the municipality; the
# coordinator and the administrator hold the capabilities only they have (panels, roles, audit).
PAGES = {  # URL name → case
    "accounts:tokens": ListCase("/accounts/tokens/", "analytiker.nord", grow_tokens, 8),
    "accounts:roles": ListCase("/access/", "admin", grow_roles, 8),
    "accounts:audit": ListCase("/audit/", "admin", grow_audit, 10),
    "insights:survey_list": ListCase("/results/", "analytiker.nord", grow_surveys, 8),
    "orgs:tree": ListCase("/org/", "analytiker.nord", grow_units, 8),
    "panels:panel_list": ListCase("/panels/", "koordinator", grow_panels, 9),
    "panels:pool": ListCase("/panels/volunteers/", "koordinator", grow_volunteers, 11),
    "panels:council_list": ListCase("/panels/councils/", "koordinator", grow_councils, 8),
    "participation:activity_list": ListCase("/participation/", "analytiker.nord", grow_activities, 10),
    "participation:finding_list": ListCase("/participation/findings/", "analytiker.nord", grow_findings, 9),
    "participation:measure_list": ListCase("/participation/measures/", "analytiker.nord", grow_measures, 8),
    "participation:bank": ListCase("/participation/bank/", "analytiker.nord", grow_measures, 8),
    "participation:cycle_overview": ListCase("/participation/cycle/", "analytiker.nord", grow_units, 12),
    "partners:register": ListCase("/organisations/", "analytiker.nord", grow_organisations, 11),
    "partners:moderation": ListCase("/organisations/proposals/", "analytiker.nord", grow_proposals, 8),
    "partners:mapping_overview": ListCase("/organisations/mapping/", "analytiker.nord", grow_mappings, 11),
    "partners:mapping_csv": ListCase("/organisations/mapping.csv", "analytiker.nord", grow_mappings, 11),
    "partners:contact_log": ListCase(_contacts, "leder.solsikken", grow_contact_log, 11),
    "population:tables": ListCase("/population/", "analytiker", grow_population_tables, 10),
    "equity:index": ListCase("/population/equity/", "analytiker.nord", grow_units, 9),
    "surveys:list": ListCase("/surveys/", "analytiker.nord", grow_surveys, 8),
    "feedback:caseload": ListCase("/feedback/", "behandler", grow_episodes, 12),
    "feedback:setup": ListCase("/feedback/setup/", "admin", grow_feedback_services, 12),
    "surveys:detail": ListCase(_survey_detail, "analytiker.nord", grow_survey_units, 9),
    "choice:home": ListCase("/choice/", "saksbehandler", grow_choice_services, 10),
    "choice:provider_list": ListCase("/choice/providers/", "saksbehandler", grow_choice_providers, 9),
    "choice:request_list": ListCase("/choice/requests/", "saksbehandler", grow_choice_requests, 9),
}
API = {  # OpenAPI path → case
    "/api/v1/roles": ListCase("/api/v1/roles", "admin", grow_roles, 7),
    "/api/v1/invitations": ListCase("/api/v1/invitations", "admin", grow_invitations, 7),
    "/api/v1/audit": ListCase("/api/v1/audit", "admin", grow_audit, 9),
    "/api/v1/results/surveys": ListCase("/api/v1/results/surveys", "analytiker.nord", grow_surveys, 7),
    "/api/v1/units": ListCase("/api/v1/units", "analytiker.nord", grow_units, 7),
    "/api/v1/panels": ListCase("/api/v1/panels", "koordinator", grow_panels, 8),
    "/api/v1/panels/volunteers": ListCase("/api/v1/panels/volunteers", "koordinator", grow_volunteers, 7),
    "/api/v1/panels/councils": ListCase("/api/v1/panels/councils", "koordinator", grow_councils, 10),
    "/api/v1/participation/activities": ListCase(
        "/api/v1/participation/activities", "analytiker.nord", grow_activities, 9
    ),
    "/api/v1/participation/findings": ListCase(
        "/api/v1/participation/findings", "analytiker.nord", grow_findings, 7
    ),
    "/api/v1/participation/measures": ListCase(
        "/api/v1/participation/measures", "analytiker.nord", grow_measures, 7
    ),
    "/api/v1/organisations": ListCase("/api/v1/organisations", "analytiker.nord", grow_organisations, 8),
    "/api/v1/public/organisations/{slug}": ListCase(
        "/api/v1/public/organisations/eksempel", None, grow_organisations, 6
    ),
    "/api/v1/units/{unit_id}/organisation-contacts": ListCase(
        _api_contacts, "leder.solsikken", grow_contact_log, 8
    ),
    "/api/v1/population/tables": ListCase(
        "/api/v1/population/tables", "analytiker", grow_population_tables, 9
    ),
    "/api/v1/surveys": ListCase("/api/v1/surveys", "analytiker.nord", grow_surveys, 7),
    "/api/v1/feedback/episodes": ListCase("/api/v1/feedback/episodes", "behandler", grow_episodes, 12),
    "/api/v1/feedback/instruments": ListCase("/api/v1/feedback/instruments", "admin", grow_instruments, 6),
    "/api/v1/surveys/{survey_id}/units": ListCase(_api_survey_units, "analytiker.nord", grow_survey_units, 8),
    "/api/v1/choice/services": ListCase("/api/v1/choice/services", "saksbehandler", grow_choice_services, 8),
    "/api/v1/choice/providers": ListCase(
        "/api/v1/choice/providers", "saksbehandler", grow_choice_providers, 8
    ),
    "/api/v1/choice/providers/{provider_id}/clients": ListCase(
        _choice_provider_clients, "leverandor.omsorgpluss", grow_choice_clients, 8
    ),
    "/api/v1/choice/services/{service_id}/clients": ListCase(
        _choice_service_clients, "saksbehandler", grow_choice_clients, 8
    ),
    "/api/v1/choice/requests": ListCase("/api/v1/choice/requests", "saksbehandler", grow_choice_requests, 8),
}
# Pages and API lists without a case here, and why no query can repeat per row.
NOT_LISTS = {
    "accounts:login": "sign-in form",
    "accounts:logout": "sign-out",
    **dict.fromkeys(
        [
            "accounts:password_reset",
            "accounts:password_reset_done",
            "accounts:password_reset_confirm",
            "accounts:password_set",
            "accounts:password_reset_complete",
            "accounts:password_change",
            "accounts:password_change_done",
        ],
        "Django's password forms (one user)",
    ),
    "set_language": "language switch",
    "respond:code": "a respondent's code form",
    "site:home": "front page",
    "site:dashboard": "the user's own roles, one query with their units",
    "accounts:branding": "one municipality's public-pages settings form",
    "accounts:data_protection": "one municipality's retention periods form",
    "accounts:single_sign_on": "one municipality's single sign-on form",
    "accounts:id_porten": "one municipality's ID-porten form",
    "operator:id_porten": "the installation's ID-porten form",
    "idporten:login": "starts one citizen's login at ID-porten (one client)",
    "idporten:callback": "completes one citizen's login (no user, nothing listed)",
    "idporten:logout": "ends one citizen's login (one client)",
    "idporten:logged_out": "a fixed page after logout",
    "accounts:login_code": "one user's code form",
    "accounts:two_factor": "one user's authenticator set-up form",
    "openid_connect_login": "starts one login at one municipality's provider",
    "openid_connect_callback": "completes one login (one user)",
    "accounts:processing_record": "generated from the models' declarations; one query for the periods",
    "accounts:processing_record_csv": "the record of processing as CSV (one query for the periods)",
    "participation:report": "one unit's yearly figures, aggregated (no row per object)",
    "participation:compare": "figures per municipality; asserted in participation/tests/test_compare.py",
    "participation:sharing": "the few municipalities sharing with this one",
    "feedback:outcomes": "aggregates from one GROUP BY (bench/feedback), no row per episode",
    "feedback:themes": "one unit's goal themes, aggregated",
    "operator:municipalities": "operators only (no demo user is one): see accounts/tests/test_operator.py",
    "/api/v1/operator/municipalities": "operators only (no demo user is one): one query, as the page's "
    "(accounts.operators.municipality_overview, counted in accounts/tests/test_operator.py)",
    **dict.fromkeys(
        [
            "accounts:role_grant",
            "accounts:user_create",
            "orgs:unit_create",
            "panels:panel_create",
            "participation:activity_create",
            "participation:finding_create",
            "partners:create",
            "surveys:create",
            "choice:service_create",
            "choice:provider_create",
            "operator:municipality_start",
            "feedback:episode_create",
            "feedback:service_create",
            "feedback:conversation_create",
        ],
        "a form creating one object",
    ),
    **dict.fromkeys(
        [
            "panels:import",
            "partners:import",
            "population:table_import",
            "surveys_interchange:import",
            "orgs:import",
        ],
        "an upload form",
    ),
    "/api/v1/survey-templates": "the built-in question sets, read from files",
    "/api/v1/surveys/{survey_id}/builder/texts": "one survey's texts, from its definition",
    "choice:my_providers": "redirects to the one provider's client list, else one query of providers",
    "choice_stats:index": "redirects to the one service, else one query of services",
}
SMALL, LARGER = 2, 6  # rows added before each measurement


def _get(client: Any, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("case", [*PAGES.values(), *API.values()], ids=[*PAGES, *API])
def test_list_queries_do_not_grow_with_the_rows(
    case: ListCase, client_as: Any, demo: DemoData, django_assert_max_num_queries: Any
) -> None:
    client = client_as(case.user)
    path = case.path(demo)
    for _ in range(SMALL):
        case.grow(demo)
    _get(client, path)  # warms per-process caches; each measured request follows an identical one
    with django_assert_max_num_queries(case.cap) as captured:
        _get(client, path)
    small = len(captured)  # now: the next request clears the connection's query log
    shown = [case.grow(demo) for _ in range(LARGER - SMALL)]
    _get(client, path)
    with django_assert_max_num_queries(small):  # not one query more for more rows
        content = _get(client, path)
    for text in shown:
        assert text in content, "the rows added are not in the list"


def _url_names(resolver: Any, namespace: str = "", parameters: bool = False) -> dict[str, bool]:
    """Return every page's URL name → whether its address takes parameters (the API apart)."""
    names: dict[str, bool] = {}
    for pattern in resolver.url_patterns:
        takes = parameters or bool(pattern.pattern.converters)
        if isinstance(pattern, URLResolver) and pattern.namespace != "api":
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= _url_names(pattern, inner, takes)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names[namespace + pattern.name] = takes
    return names


def test_every_list_page_and_api_list_has_a_case() -> None:
    """A new page without parameters or a new API list must join the cases above or NOT_LISTS."""
    from medvirk.api.routes import api

    public = {"respond", "participation_public", "partners_public", "panels_public", "feedback_client"}
    names = _url_names(get_resolver())
    assert set(PAGES) - set(names) == set()  # a renamed page must be renamed here too
    pages = {n for n, takes in names.items() if not takes and n.split(":")[0] not in public}
    assert pages - set(PAGES) - set(NOT_LISTS) == set()
    lists = set()
    for path, methods in api.get_openapi_schema()["paths"].items():
        ok = methods.get("get", {}).get("responses", {}).get(200, {})
        if ok.get("content", {}).get("application/json", {}).get("schema", {}).get("type") == "array":
            lists.add(path)
    assert lists
    assert lists - set(API) - set(NOT_LISTS) == set()
