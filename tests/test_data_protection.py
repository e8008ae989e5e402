"""Data-protection duties: every model declares its personal data, and the one daily purge.

The record of processing (GDPR art. 30) is generated from the declarations, so a model without
one fails here with the exact lines to add. The purge removes each kind of personal data after
the municipality's period; a dry run only counts.
"""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone, translation

from medvirk.accounts.models import User
from medvirk.accounts.services import retention_periods_set
from medvirk.core.dataprotection import (
    PersonalData,
    declaration_of,
    how_to_declare,
    processing_entries,
    undeclared_models,
)
from medvirk.core.errors import ServiceError
from medvirk.core.models import AuditEvent
from medvirk.core.retention import retention_amount, retention_kind_by_key, retention_kinds
from medvirk.feedback.models import Episode
from medvirk.panels.demo import seed_volunteers
from medvirk.panels.models import SelectionRun, Volunteer
from medvirk.partners.models import ContactPerson
from medvirk.partners.tests.factories import organisation
from medvirk.surveys.models import Invitation, Survey, SurveyUnit

pytestmark = pytest.mark.django_db


def test_every_model_declares_its_personal_data() -> None:
    missing = undeclared_models()
    assert not missing, "Models without a personal-data declaration:\n\n" + "\n\n".join(
        how_to_declare(model) for model in missing
    )


def test_every_table_in_the_record_has_a_name_in_norwegian() -> None:
    """Django's default model name ("role assignments") is English: a model without a translated
    ``verbose_name_plural`` names its table in its declaration (``PersonalData(table=_(…))``)."""
    with translation.override("en"):
        english = [f"{entry.app_label}: {entry.table}" for entry in processing_entries()]
    with translation.override("nb"):
        bokmal = [f"{entry.app_label}: {entry.table}" for entry in processing_entries()]
    untranslated = [name for name, nb in zip(english, bokmal, strict=True) if name == nb]
    assert not untranslated, f"Tables named only in English in the record of processing: {untranslated}"


def test_no_table_in_the_record_is_named_by_djangos_derived_plural() -> None:
    """Without ``verbose_name_plural`` Django adds "s" to the translated singular: the episodes'
    table was "forløps" in bokmål and nynorsk. Such a model names its table in its declaration."""
    derived = [
        model._meta.label
        for model, declaration in ((model, declaration_of(model)) for model in apps.get_models())
        if isinstance(declaration, PersonalData)
        and not declaration.table
        and "verbose_name_plural" not in model._meta.original_attrs
    ]
    assert derived == []
    episodes = declaration_of(Episode)
    assert isinstance(episodes, PersonalData)
    with translation.override("nb"):
        assert str(episodes.table) == "forløp"


def test_the_message_says_what_to_add_and_where() -> None:
    message = how_to_declare(Volunteer)
    assert "class Volunteer (medvirk/panels/models.py)" in message
    assert "personal_data = NO_PERSONAL_DATA" in message and "PersonalData(data=_(" in message
    assert "from medvirk.core.dataprotection import" in message
    external = how_to_declare(User._meta.get_field("groups").related_model)  # auth.Group
    assert 'declare_external("auth.group", ...)' in external


def test_a_declaration_is_not_inherited() -> None:
    class Base:
        personal_data = PersonalData(data="x", subjects="y", purpose="z", retention="w", seen_by="v")

    class Child(Base):
        pass

    Child._meta = Volunteer._meta  # type: ignore[attr-defined]  # only the label is read
    assert declaration_of(Child) is None  # type: ignore[arg-type]


def test_retention_kinds_cover_every_kind_of_personal_data_the_issue_names() -> None:
    keys = {kind.key for kind in retention_kinds()}
    assert {
        "panels.volunteers",
        "partners.contact_persons",
        "surveys.invitations",
        "feedback.episodes",
        "core.jobs",
    } <= keys
    for model_retention in (declaration_of(m) for m in (Volunteer, ContactPerson, Invitation)):
        assert isinstance(model_retention, PersonalData)
        assert retention_kind_by_key(str(model_retention.retention)) is not None


# Where each retention kind's dry run is tested (counts, changes nothing): a new kind fails the
# inventory below until it has one.
HERE = "tests/test_data_protection.py::test_dry_run_counts_and_changes_nothing_then_the_purge_removes"
CHOICE = "medvirk/choice/tests/test_retention.py::"
DRY_RUN_TESTS = {
    "panels.volunteers": HERE,
    "partners.contact_persons": HERE,
    "surveys.invitations": HERE,
    "feedback.episodes": (
        "medvirk/feedback/tests/test_daily.py::test_purge_dry_run_counts_episodes_due_and_anonymises_nothing"
    ),
    "feedback.conversations": (
        "medvirk/feedback/tests/test_daily.py::test_conversations_are_deleted_after_their_period_and_the_themes_move"
    ),
    "core.jobs": "medvirk/core/tests/test_jobs.py::test_purge_dry_run_counts_expired_jobs_and_keeps_them",
    "choice.online_requests": CHOICE + "test_online_requests_go_a_period_after_they_were_handled",
    "choice.client_references": CHOICE
    + "test_clients_case_references_are_replaced_once_and_their_history_stays",
}


def test_every_retention_kind_has_a_dry_run_test() -> None:
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    assert set(DRY_RUN_TESTS) == {kind.key for kind in retention_kinds()}
    for kind, where in DRY_RUN_TESTS.items():
        path, name = where.split("::")
        source = (root / path).read_text()
        found = [
            node
            for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.FunctionDef) and node.name == name
        ]
        assert found, f"{kind}: no test {where}"
        assert "dry" in ast.unparse(found[0]), f"{kind}: {where} runs no dry run"


def test_only_root_administrators_set_periods_within_bounds(demo: Any) -> None:
    admin, analyst = demo.users["admin"], demo.users["analytiker"]
    with pytest.raises(ServiceError) as refused:
        retention_periods_set(actor=analyst, municipality=demo.municipality, amounts={"core.jobs": 3})
    assert refused.value.code == "forbidden"
    with pytest.raises(ServiceError) as bounds:
        retention_periods_set(actor=admin, municipality=demo.municipality, amounts={"core.jobs": 0})
    assert bounds.value.field == "core.jobs"
    retention_periods_set(actor=admin, municipality=demo.municipality, amounts={"core.jobs": 3})
    assert retention_amount(demo.municipality.pk, "core.jobs") == 3
    assert retention_amount(demo.other.pk, "core.jobs") == 7  # the other keeps the default
    event = AuditEvent.objects.get(action="municipality.retention_changed")
    assert event.data == {"core.jobs": [7, 3]} and event.actor == admin


def _old_data(demo: Any) -> dict[str, Any]:
    """One record of each kind past its default period, and one that is not."""
    m = demo.municipality
    old_volunteer, new_volunteer = seed_volunteers(m, count=2, seed=5)
    Volunteer.objects.filter(pk=old_volunteer.pk).update(consent_at=timezone.now() - timedelta(days=37 * 31))
    org = organisation(m)
    old_contact = ContactPerson.objects.create(
        municipality=m, organisation=org, name="Gammel", consent_on=date(2019, 1, 1), consent_purpose="x"
    )
    new_contact = ContactPerson.objects.create(
        municipality=m, organisation=org, name="Ny", consent_on=timezone.localdate(), consent_purpose="x"
    )
    survey_unit = SurveyUnit.objects.filter(survey__municipality=m).select_related("survey").first()
    assert survey_unit is not None
    Survey.objects.filter(pk=survey_unit.survey_id).update(
        closes_on=timezone.localdate() - timedelta(days=200)
    )
    invitation = Invitation.objects.create(
        municipality=m, survey_unit=survey_unit, email="a@example.no", token_hash="t" * 64
    )
    return {
        "old_volunteer": old_volunteer,
        "new_volunteer": new_volunteer,
        "old_contact": old_contact,
        "new_contact": new_contact,
        "invitation": invitation,
    }


def test_dry_run_counts_and_changes_nothing_then_the_purge_removes(demo: Any) -> None:
    data = _old_data(demo)
    out = StringIO()
    call_command("purge_personal_data", "--dry-run", "--municipality", demo.municipality.code, stdout=out)
    text = out.getvalue()
    assert "panels.volunteers (kept 36 months): 1 would be removed" in text
    assert "partners.contact_persons (kept 36 months): 1 would be removed" in text
    assert "surveys.invitations (kept 3 months): 1 would be removed" in text
    assert Volunteer.objects.filter(pk=data["old_volunteer"].pk).exists()
    assert not AuditEvent.objects.filter(action="municipality.personal_data_purged").exists()

    call_command("purge_personal_data", stdout=StringIO())
    assert not Volunteer.objects.filter(pk=data["old_volunteer"].pk).exists()
    assert Volunteer.objects.filter(pk=data["new_volunteer"].pk).exists()
    assert not ContactPerson.objects.filter(pk=data["old_contact"].pk).exists()
    assert ContactPerson.objects.filter(pk=data["new_contact"].pk).exists()
    data["invitation"].refresh_from_db()
    assert data["invitation"].email == ""  # the row stays: the response rate counts it
    event = AuditEvent.objects.get(action="municipality.personal_data_purged", municipality=demo.municipality)
    assert event.data["panels.volunteers"] == 1 and event.actor is None


def test_a_municipality_period_is_obeyed(demo: Any) -> None:
    data = _old_data(demo)
    retention_periods_set(
        actor=demo.users["admin"], municipality=demo.municipality, amounts={"panels.volunteers": 60}
    )
    call_command("purge_personal_data", "--kind", "panels.volunteers", stdout=StringIO())
    assert Volunteer.objects.filter(pk=data["old_volunteer"].pk).exists()  # 37 months < 60


def test_a_draw_keeps_its_proof_with_pseudonymous_ids_only(demo: Any) -> None:
    from medvirk.core.actors import SystemActor
    from medvirk.panels import services

    actor = SystemActor("test draw")
    seed_volunteers(demo.municipality, count=30, seed=9)
    panel = services.panel_create(actor=actor, municipality=demo.municipality, name="P", purpose="x", size=4)
    services.panel_select(actor=actor, panel=panel)
    run = SelectionRun.objects.get(panel=panel)
    Volunteer.objects.filter(municipality=demo.municipality).update(
        consent_at=timezone.now() - timedelta(days=40 * 31)
    )
    call_command("purge_personal_data", "--kind", "panels.volunteers", stdout=StringIO())
    assert not Volunteer.objects.filter(municipality=demo.municipality).exists()
    run.refresh_from_db()
    assert len(run.drawn) == 4 and all(str(person).startswith("v") for person in run.drawn)
    stored = str(run.distribution) + str(run.drawn) + str(run.person_probabilities)
    assert "@" not in stored  # no e-mail address, no name: ids only


def test_unknown_kind_and_municipality_are_refused(demo: Any) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Unknown kind"):
        call_command("purge_personal_data", "--kind", "nope", stdout=StringIO())
    # A mistyped municipality said "0 record(s) would be removed.", as if nothing were due there.
    with pytest.raises(CommandError, match="No municipality has the number or short name 'bergen'"):
        call_command("purge_personal_data", "--dry-run", "--municipality", "bergen", stdout=StringIO())


def test_record_of_processing_page_and_export_list_every_table_with_personal_data(english: Any) -> None:
    from medvirk.core.dataprotection import processing_entries

    page = english("admin").get("/settings/data-protection/record/")
    body = page.content.decode()
    assert page.status_code == 200
    tables = {entry.table for entry in processing_entries()}
    assert {"volunteers", "contact persons", "staff users"} <= tables
    for table in tables:
        assert table.capitalize() in body or table in body
    assert "36 months after their consent" in body  # a retention kind shows the municipality's period
    export = english("admin").get("/settings/data-protection/record.csv").content.decode("utf-8-sig")
    assert export.splitlines()[0].startswith("Module,Table,What is stored,About whom,Why")
    assert len(export.strip().splitlines()) == 1 + len(processing_entries())
    assert "panels.volunteers" not in body + export  # words, never internal keys


def test_retention_page_saves_and_refuses_out_of_range(english: Any, demo: Any) -> None:
    c = english("admin")
    page = c.get("/settings/data-protection/")
    assert "Volunteers in the panel pool" in page.content.decode()
    values = {kind.key: kind.default for kind in retention_kinds()}
    response = c.post("/settings/data-protection/", {**values, "core.jobs": 400})
    assert response.status_code == 200 and "less than or equal to 90" in response.content.decode()
    response = c.post("/settings/data-protection/", {**values, "core.jobs": 14})
    assert response.status_code == 302
    assert retention_amount(demo.municipality.pk, "core.jobs") == 14
