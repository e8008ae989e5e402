"""Units closed by the organisation import: offered for no new work, their history still readable.

Across apps (surveys, accounts, api, insights), so it lives above them. One closed kindergarten
(Nordlys barnehage, marked closed the way ``org_import_services`` marks it) serves every test.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from medvirk.accounts import services as account_services
from medvirk.accounts import unit_services
from medvirk.accounts.demo import DemoData
from medvirk.core.errors import ServiceError
from medvirk.core.models import AuditEvent
from medvirk.orgs.models import OrgUnit
from medvirk.surveys import services as survey_services
from medvirk.surveys.models import SurveyStatus
from tests.sample_survey import sample_definition

CLOSED = "Nordlys barnehage"


def close(demo: DemoData, name: str = CLOSED) -> OrgUnit:
    unit = demo.units[name]
    OrgUnit.objects.filter(pk=unit.pk).update(closed_on=date(2026, 1, 31))
    unit.refresh_from_db()
    return unit


def choice_ids(form: Any, field: str) -> set[int]:
    return {pk for pk, _label in form.fields[field].choices}


def test_round_targeting_form_offers_no_closed_unit(client_as: Any, demo: DemoData) -> None:
    closed = close(demo)
    response = client_as("analytiker").get("/surveys/new/?template=kindergarten_parents")
    assert response.status_code == 200
    form = response.context["form"]
    assert closed.pk not in choice_ids(form, "units") | choice_ids(form, "owner_unit")
    assert demo.units["Solsikken barnehage"].pk in choice_ids(form, "units")  # open ones still are
    assert CLOSED not in response.content.decode()


def test_round_for_a_closed_unit_is_refused_by_the_service(demo: DemoData) -> None:
    closed = close(demo)
    with pytest.raises(ServiceError) as err:
        survey_services.survey_create(
            actor=demo.users["analytiker"],
            owner_unit=demo.units[""],
            document=sample_definition(),
            units=[demo.units["Solsikken barnehage"], closed],
            round_label="2027",
        )
    assert (err.value.code, err.value.field) == ("unit_closed", "units")


def test_role_grant_form_offers_no_closed_unit_and_the_service_refuses_it(
    client_as: Any, demo: DemoData
) -> None:
    closed = close(demo)
    response = client_as("admin").get("/access/grant/")
    assert response.status_code == 200
    units = choice_ids(response.context["form"], "unit")
    assert closed.pk not in units and demo.units["Solsikken barnehage"].pk in units
    with pytest.raises(ServiceError) as err:
        account_services.role_grant(
            actor=demo.users["admin"], user=demo.users["uten.rolle"], unit=closed, role="unit_leader"
        )
    assert err.value.code == "unit_closed"


def test_no_new_unit_below_a_closed_one(demo: DemoData) -> None:
    closed = close(demo, "Bydel Øst")
    with pytest.raises(ServiceError) as err:
        unit_services.unit_create(actor=demo.users["admin"], parent=closed, name="Ny barnehage")
    assert (err.value.code, err.value.field) == ("unit_closed", "parent")


def test_api_lists_units_for_new_work_without_the_closed_one(client_as: Any, demo: DemoData) -> None:
    closed = close(demo)
    client = client_as("admin")
    every = {u["id"]: u for u in client.get("/api/v1/units").json()}
    assert every[closed.pk]["closed_on"] == "2026-01-31"  # still listed, as history
    open_ids = {u["id"] for u in client.get("/api/v1/units?open_for_new_work=true").json()}
    assert closed.pk not in open_ids
    assert open_ids == set(every) - {closed.pk}


def test_old_round_of_a_closed_unit_still_shows_and_its_role_stays_listed(
    client_as: Any, demo: DemoData
) -> None:
    analyst = demo.users["analytiker"]
    survey = survey_services.survey_create(
        actor=analyst,
        owner_unit=demo.units[""],
        document=sample_definition(),
        units=[demo.units[CLOSED]],
        round_label="2025",
    )
    survey_services.survey_set_status(actor=analyst, survey=survey, status=SurveyStatus.OPEN)
    account_services.role_grant(
        actor=demo.users["admin"], user=demo.users["uten.rolle"], unit=demo.units[CLOSED], role="unit_leader"
    )
    close(demo)
    results = client_as("analytiker").get(f"/results/{survey.pk}/")
    assert results.status_code == 200 and CLOSED in results.content.decode()
    roles = client_as("admin").get("/access/")
    assert roles.status_code == 200 and CLOSED in roles.content.decode()


def test_reopen_button_opens_the_unit_for_new_work_and_is_audited(client_as: Any, demo: DemoData) -> None:
    closed = close(demo)
    admin = client_as("admin")
    page = admin.get(f"/org/units/{closed.pk}/").content.decode()
    assert f'action="/org/units/{closed.pk}/reopen/"' in page
    assert client_as("leder.solsikken").post(f"/org/units/{closed.pk}/reopen/").status_code == 404
    assert OrgUnit.objects.get(pk=closed.pk).closed_on is not None  # not someone else's to reopen
    response = admin.post(f"/org/units/{closed.pk}/reopen/")
    assert response.status_code == 302
    assert OrgUnit.objects.get(pk=closed.pk).closed_on is None
    assert AuditEvent.objects.filter(action="unit.reopened", object_id=str(closed.pk)).count() == 1
    assert 'reopen/"' not in admin.get(f"/org/units/{closed.pk}/").content.decode()
    units = {u["id"] for u in admin.get("/api/v1/units?open_for_new_work=true").json()}
    assert closed.pk in units
