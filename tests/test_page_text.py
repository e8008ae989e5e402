"""Page text: every page, as every demo role and anonymously, in bokmål and nynorsk, shows no
internal key, no language code as a name and no English interface word, and its outline reads well to a
screen reader: no heading skips a level, no name written twice (docs/page-text.md).

One URL per route pattern of the URLconf: a new route is opened automatically, and a route with a
URL parameter the check does not know fails until ``PARAMS`` gives it a value, so new pages are
covered. Runs on SQLite only (the text does not depend on the database; ``sqlite_only`` marker).
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from .jobs import make_job
from .matrix_support import ACTORS
from .page_text import DOC, Finding, page_findings, text_findings

pytestmark = pytest.mark.sqlite_only

ROLES = ACTORS  # every demo user (one without a role too) and anonymous
LANGUAGES = ["nb", "nn"]
INVITATION_TOKEN = "side-tekst-invitasjon-0123456789"
VOLUNTEER_TOKEN_KEY = "volunteer_token"


@dataclass
class Objects:
    """One object of every kind a page shows, in Eksempel kommune (seen by most roles)."""

    values: dict[str, Any]

    def __getitem__(self, key: str) -> Any:
        return self.values[key]


def _routes(resolver: Any = None, prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str, Any]]:
    """Yield (name, route, pattern) for every named URL pattern, API included."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _routes(pattern, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            yield namespace + (pattern.name or "?"), prefix + str(pattern.pattern), pattern


def _advanced_routes() -> list[str]:
    text = DOC.read_text(encoding="utf-8")
    block = re.search(r"```advanced-routes\n(.*?)```", text, re.DOTALL)
    assert block, "docs/page-text.md has no ```advanced-routes block"
    return [
        line.split("#", 1)[0].strip() for line in block.group(1).splitlines() if line.split("#")[0].strip()
    ]


def _known_findings() -> set[tuple[str, str]]:
    """(route, token) pairs found on pages that landed before the check and are not fixed yet
    (docs/page-text.md, "Known findings"): only these exact words are let through."""
    text = DOC.read_text(encoding="utf-8")
    block = re.search(r"```known-findings\n(.*?)```", text, re.DOTALL)
    assert block, "docs/page-text.md has no ```known-findings block"
    lines = [line.split("#", 1)[0].split() for line in block.group(1).splitlines()]
    return {(parts[0], " ".join(parts[1:])) for parts in lines if len(parts) >= 2}


KNOWN = _known_findings()


def _is_advanced(name: str) -> bool:
    return any(
        name == rule or (rule.endswith(":*") and name.startswith(rule[:-1])) for rule in _advanced_routes()
    )


ROUTES = sorted({(name, route) for name, route, _p in _routes() if not _is_advanced(name)})

# A value for each URL parameter: "route name:parameter" first, then the parameter alone.
PARAMS: dict[str, Callable[[Objects], Any]] = {
    "survey_id": lambda o: o["survey"].pk,
    "survey_unit_id": lambda o: o["survey_unit"].pk,
    "batch": lambda o: o["batch"],
    "surveys:translate:lang": lambda o: "nn",
    "surveys:build_question:key": lambda o: o["rating_question"],
    "respond:invitation:token": lambda o: INVITATION_TOKEN,
    "token": lambda o: o["resume_token"],
    "number": lambda o: 1,
    "link_key": lambda o: o["survey_unit"].link_key,
    "table_id": lambda o: o["table"].pk,
    "entry_id": lambda o: o["entry"].pk,
    "unit_id": lambda o: o["unit"].pk,
    "equity:report:unit_id": lambda o: o["district"].pk,  # a district: the report with most groups
    "equity:export:unit_id": lambda o: o["district"].pk,
    "activity_id": lambda o: o["activity"].pk,
    "attachment_id": lambda o: o["attachment"].pk,
    "finding_id": lambda o: o["finding"].pk,
    "measure_id": lambda o: o["measure"].pk,
    "slug": lambda o: "eksempel",
    "participation:sharing_revoke:slug": lambda o: "provestad",
    "organisation_id": lambda o: o["organisation"].pk,
    "contact_id": lambda o: o["contact"].pk,
    "proposal_id": lambda o: o["proposal"].pk,
    "panel_id": lambda o: o["panel"].pk,
    "member_id": lambda o: o["member"].pk,
    "volunteer_id": lambda o: o["volunteer"].pk,
    "panels_public:confirm:token": lambda o: o[VOLUNTEER_TOKEN_KEY],
    "panels_public:withdraw:token": lambda o: o[VOLUNTEER_TOKEN_KEY],
    "panels_public:link:token": lambda o: o[VOLUNTEER_TOKEN_KEY],
    "council_id": lambda o: o["council"].pk,
    "job_id": lambda o: o["job"].pk,
    "token_id": lambda o: o["api_token"].pk,
    "role_id": lambda o: o["role"].pk,
    "user_id": lambda o: o["role"].user_id,
    "uidb64": lambda o: o["password_link"][0],
    "accounts:password_reset_confirm:token": lambda o: o["password_link"][1],
    "accounts:password_set:token": lambda o: o["password_link"][1],
    "service_id": lambda o: o["choice_service"].pk,
    "provider_id": lambda o: o["provider"].pk,
    "openid_connect_login:provider_id": lambda o: "eksempel",  # single sign-on of Eksempel (seeded)
    "openid_connect_callback:provider_id": lambda o: "eksempel",
    "idporten:callback:provider_id": lambda o: "idporten-eksempel",
    "client_id": lambda o: o["client"].pk,
    "request_id": lambda o: o["online_request"].pk,
    "switch_id": lambda o: o["switch"].pk,
    "episode_id": lambda o: o["episode"].pk,
    "instrument_id": lambda o: o["instrument"].pk if o["instrument"] else 0,
    "rater_id": lambda o: o["rater"].pk if o["rater"] else 0,
    "link_id": lambda o: o["client_link"].pk if o["client_link"] else 0,
}
# Query strings that make a page show what it is for (a crosstab needs a question and a breakdown).
QUERIES: dict[str, Callable[[Objects], str]] = {
    "insights:crosstab": lambda o: f"question={o['rating_question']}&by=immigrant_background",
    "equity:report": lambda o: f"survey={o['closed_survey'].pk}",
    "equity:export": lambda o: f"survey={o['closed_survey'].pk}",
    "participation:report": lambda o: "year=2026",
    "participation:cycle_overview": lambda o: "year=2026",
}
_PARAM = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")


def url_for(name: str, route: str, objects: Objects) -> str:
    """Return the URL of ``route`` with the objects' values; fail naming a parameter without one."""

    def value(match: re.Match[str]) -> str:
        param = match.group("name")
        make = PARAMS.get(f"{name}:{param}") or PARAMS.get(param)
        if make is None:
            raise AssertionError(
                f"The page-text check has no value for <{param}> of {name} ({route}): add one to PARAMS "
                "in tests/test_page_text.py (see docs/page-text.md)."
            )
        return urllib.parse.quote(str(make(objects)))

    path = "/" + _PARAM.sub(value, route)
    query = QUERIES.get(name)
    return f"{path}?{query(objects)}" if query else path


@pytest.fixture(scope="module")
def page_objects(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any) -> Iterator[Objects]:
    """Seed the whole demo once for this module, in a transaction rolled back at its end."""
    from django.db import transaction

    media = tmp_path_factory.mktemp("page-text-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        objects = Objects(_seed())
        yield objects
        transaction.set_rollback(True)


def _seed_single_sign_on(demo: Any) -> None:
    """Eksempel kommune logs in with single sign-on: the login page offers it, its own page opens."""
    from allauth.socialaccount.models import SocialApp

    from medvirk.accounts.models import SingleSignOn
    from medvirk.core.crypto import encrypt

    app = SocialApp.objects.create(
        provider="openid_connect",
        provider_id=demo.municipality.slug,
        name=demo.municipality.name,
        client_id="medvirk",
        secret=encrypt("secret"),
        settings={"server_url": "https://login.example/eksempel"},
    )
    SingleSignOn.objects.create(municipality=demo.municipality, app=app)


def _seed() -> dict[str, Any]:
    from django.contrib.auth.tokens import default_token_generator
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    from medvirk.accounts.demo import load_demo
    from medvirk.accounts.models import Role, RoleAssignment
    from medvirk.accounts.services import token_create
    from medvirk.choice.models import ChoiceService, Client, OnlineRequest, Provider, Switch
    from medvirk.core.actors import SystemActor
    from medvirk.core.crypto import token_hash
    from medvirk.core.demo import seed_demo_apps
    from medvirk.core.models import JobStatus
    from medvirk.feedback.models import ClientLink, Episode, EpisodeStatus, Instrument, Rater
    from medvirk.insights.tests.equity_fixtures import closed_survey
    from medvirk.panels.models import Council, Panel, Volunteer
    from medvirk.panels.services import confirm_token, panel_select
    from medvirk.participation import services as participation
    from medvirk.participation.models import Activity, Finding, Measure
    from medvirk.partners.models import ContactPerson, Organisation
    from medvirk.partners.services import OrganisationData, proposal_submit
    from medvirk.population.models import MappingEntry, PopulationTable
    from medvirk.surveys import services as surveys
    from medvirk.surveys.models import AccessCode, Invitation, Survey, SurveyUnit

    demo = load_demo()
    _seed_single_sign_on(demo)
    seed_demo_apps(demo)
    call_command("load_population_sample", verbosity=0)
    _admin, leader = demo.users["admin"], demo.users["leder.solsikken"]
    unit = demo.units["Solsikken barnehage"]
    survey = Survey.objects.filter(
        municipality=demo.municipality, series="kindergarten_parents", round_label="2026"
    ).get()
    survey_unit = SurveyUnit.objects.get(survey=survey, unit=unit)
    # A batch of codes made before the round closed (a closed round takes no new ones: codes_create).
    batch = 1 + max(
        AccessCode.objects.filter(survey_unit=survey_unit).values_list("batch", flat=True), default=0
    )
    AccessCode.objects.bulk_create(
        AccessCode(
            municipality_id=survey_unit.municipality_id, survey_unit=survey_unit, code=code, batch=batch
        )
        for code in ("SIDE2345", "SIDE6789", "SIDEABCD")
    )
    Invitation.objects.create(
        municipality_id=survey_unit.municipality_id,
        survey_unit=survey_unit,
        email="forelder@example.org",
        language="nb",
        token_hash=token_hash(INVITATION_TOKEN),
        sent_on=timezone.localdate(),
    )
    _response, resume_token = surveys.response_start(
        actor=surveys.RESPONDENT,
        survey_unit=survey_unit,
        channel="link",
        language="nb",
        idempotency_key="side-tekst",
    )
    activity = Activity.objects.filter(owner_unit=unit, participants__isnull=False).order_by("pk")[:1].get()
    attachment = participation.attachment_add(
        actor=leader,
        activity=activity,
        upload=SimpleUploadedFile("referat.png", _PNG),
    )
    organisation = Organisation.objects.filter(municipality=demo.municipality).order_by("pk")[:1].get()
    contact = ContactPerson.objects.create(
        municipality=demo.municipality,
        organisation=organisation,
        name="Kari Kontakt",
        email="kari@example.org",
        consent_on=timezone.localdate(),
        consent_purpose="Invitasjoner til brukermøter",
    )
    proposal = proposal_submit(
        actor=SystemActor("a citizen's proposal (page-text check)"),
        municipality=demo.municipality,
        organisation=None,
        data=OrganisationData(name="Nabolagsforeningen"),
        contact=None,
        consent=False,
        message="Vi vil gjerne stå i registeret.",
        client="side-tekst",
    )
    panel = Panel.objects.filter(municipality=demo.municipality).order_by("pk")[:1].get()
    panel_select(actor=demo.users["koordinator"], panel=panel, seed=2026)
    volunteer = Volunteer.objects.filter(municipality=demo.municipality).order_by("pk")[:1].get()
    council = Council.objects.create(
        municipality=demo.municipality, name="Brukerrådet for hjemmetjenesten", mandate="Gi råd."
    )
    job = make_job(
        demo.users["koordinator"],
        "insights.export_responses",
        JobStatus.DONE,
        result_name="svar.csv",
        result_type="text/csv",
    )
    job.result_file.save("svar.csv", ContentFile(b"a;b\n"), save=True)
    api_token, _key = token_create(actor=demo.users["analytiker"], name="Rapportverktøy")
    table = PopulationTable.objects.filter(municipality=demo.municipality).order_by("pk").first()
    in_demo = {"municipality": demo.municipality}
    choice_service = ChoiceService.objects.filter(**in_demo).order_by("pk")[:1].get()
    reader = demo.users["lesetilgang"]
    episode = Episode.objects.filter(**in_demo, status=EpisodeStatus.OPEN).order_by("pk")[:1].get()
    return {
        "episode": episode,
        "instrument": Instrument.objects.order_by("pk").first(),
        "rater": Rater.objects.filter(episode=episode).order_by("pk").first(),
        "client_link": ClientLink.objects.filter(**in_demo).order_by("pk").first(),
        "password_link": (
            urlsafe_base64_encode(force_bytes(reader.pk)),
            default_token_generator.make_token(reader),
        ),
        "choice_service": choice_service,
        "provider": Provider.objects.filter(**in_demo).order_by("pk")[:1].get(),
        "client": Client.objects.filter(**in_demo).order_by("pk")[:1].get(),
        "online_request": OnlineRequest.objects.filter(**in_demo).order_by("pk")[:1].get(),
        "switch": Switch.objects.filter(**in_demo).order_by("pk")[:1].get(),
        "survey": survey,
        # A closed round: the equity report shows its figures only for a closed one. A small one
        # (76 answers with chosen backgrounds, insights/tests/equity_fixtures.py), not the demo's
        # 2025 round: the report needs the round's anonymity decision, which for the demo round
        # took about 50 s of the CI budget and shows the same kinds of text.
        "closed_survey": closed_survey(demo),
        "survey_unit": survey_unit,
        "batch": batch,
        "resume_token": resume_token,
        "rating_question": _rating_question(survey),
        "table": table,
        "entry": MappingEntry.objects.filter(table=table).order_by("pk").first(),
        "unit": unit,
        "district": demo.units["Bydel Nord"],
        "activity": activity,
        "attachment": attachment,
        "finding": Finding.objects.filter(unit=unit).order_by("pk").first(),
        "measure": Measure.objects.filter(unit=unit).order_by("pk").first(),
        "organisation": organisation,
        "contact": contact,
        "proposal": proposal,
        "panel": panel,
        "member": panel.members.order_by("pk").first(),
        "volunteer": volunteer,
        VOLUNTEER_TOKEN_KEY: confirm_token(volunteer),
        "council": council,
        "job": job,
        "api_token": api_token,
        "role": RoleAssignment.objects.filter(user=demo.users["lesetilgang"], role=Role.READ_ONLY).first(),
    }


def _rating_question(survey: Any) -> str:
    return next(q["key"] for q in _questions(survey.definition) if q.get("type") == "rating")


def _questions(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        if "key" in node and "type" in node:
            yield node
        for child in node.values():
            yield from _questions(child)
    elif isinstance(node, list):
        for child in node:
            yield from _questions(child)


_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
)


def _client(role: str | None, language: str, users: dict[str, Any]) -> Client:
    client = Client()
    if role:
        client.force_login(users[role])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def _filename(response: Any) -> str | None:
    disposition = response.get("Content-Disposition", "")
    star = re.search(r"filename\*=UTF-8''([^;]+)", disposition)
    if star:
        return urllib.parse.unquote(star.group(1))
    plain = re.search(r'filename="?([^";]+)"?', disposition)
    return plain.group(1) if plain else None


def _pdf_text(content: bytes) -> str:
    import io

    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)


def findings_for(name: str, route: str, objects: Objects) -> list[str]:
    """Open one route as every role in nb and nn; return the findings, one block per token.

    A download is checked once per language, for the first role that gets it: its file name
    (and a PDF's text) does not depend on who asks, and a PDF takes seconds to draw.
    """
    from medvirk.accounts.models import User

    url = url_for(name, route, objects)
    users = {u.username: u for u in User.objects.filter(username__in=[r for r in ROLES if r])}
    usernames = set(User.objects.values_list("username", flat=True))
    seen: dict[tuple[str, str], tuple[str, list[str]]] = {}  # (rule, token) -> (context, who)
    downloaded: set[str] = set()
    for role in ROLES:
        for language in LANGUAGES:
            if language in downloaded:
                continue
            response = _client(role, language, users).get(url)
            found: list[Finding] = []
            filename = _filename(response)
            content_type = response.get("Content-Type", "")
            if filename and response.status_code == 200:
                downloaded.add(language)
                found = [
                    Finding(f"file name: {f.rule}", f.token, f.context)
                    for f in text_findings(filename.rsplit(".", 1)[0], usernames=usernames)
                ]
                if content_type.startswith("application/pdf"):
                    found += text_findings(_pdf_text(response.content), usernames=usernames)
            elif response.status_code == 200 and content_type.startswith("text/html"):
                found = page_findings(response.content.decode(), usernames=usernames)
            for finding in found:
                if (name, finding.token) in KNOWN:
                    continue
                _context, who = seen.setdefault((finding.rule, finding.token), (finding.context, []))
                who.append(f"{role or 'anonymous'}/{language}")
    return [
        f"{name}  {url}  as {', '.join(dict.fromkeys(who))}\n    {rule}: {token!r} in “…{context}…”"
        for (rule, token), (context, who) in seen.items()
    ]


@pytest.mark.parametrize(("name", "route"), ROUTES, ids=[name for name, _route in ROUTES])
def test_page_text(name: str, route: str, page_objects: Objects, db: Any) -> None:
    lines = findings_for(name, route, page_objects)
    assert not lines, (
        "Pages show internal keys, language codes or English words, or read badly to a screen reader (page, "
        "URL, who saw it; the rule and the word):\n"
        + "\n".join(lines)
        + "\nShow a name or a translated string instead (docs/page-text.md, 'When you add a page'). If "
        "the word is right on this page (a name, a Norwegian word), add it with a reason to the "
        "```allowed block of docs/page-text.md ('Allowed anywhere'); a view for analysts goes in its "
        "```advanced-routes block or behind data-advanced."
    )
