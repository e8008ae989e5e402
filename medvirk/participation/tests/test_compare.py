"""Comparing municipalities: the access rule, the figures, the page, CSV and API."""

from __future__ import annotations

import csv
import datetime
import io
from typing import Any

import pytest
from django.http import Http404

from medvirk.core.errors import ServiceError
from medvirk.core.models import AuditEvent
from medvirk.participation import services, sharing
from medvirk.participation.compare import build_comparison
from medvirk.participation.report import build_report
from medvirk.participation.tests.factories import make_activity
from medvirk.surveys.models import Survey

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]
YEAR = datetime.date.today().year  # measures count by the day they were recorded


@pytest.fixture(autouse=True)
def _no_survey_rounds(demo: Any) -> None:
    """The session's demo surveys are open; these tests count only the activities they create."""
    Survey.objects.update(status="draft")


def _activity(demo: Any, user: str, unit: Any, **extra: Any) -> Any:
    return make_activity(
        demo, unit, user, **({"title": "Møte", "starts_on": datetime.date(YEAR, 1, 2)} | extra)
    )


@pytest.fixture
def shared(demo: Any) -> Any:
    """Prøvestad shares its figures with Eksempel, and both have some participation work."""
    services.sharing_grant(
        actor=demo.users["provestad.admin"],
        municipality=demo.users["provestad.admin"].municipality,
        partner=demo.municipality,
    )
    solsikken, torget = demo.units["Solsikken barnehage"], demo.other_units["Torget barnehage"]
    _activity(demo, "admin", solsikken)
    _activity(demo, "admin", solsikken, kind="focus_group", ladder="informants", published=True)
    big = _activity(demo, "provestad.admin", torget, kind="council_meeting", level="representative")
    services.activity_document(
        actor=demo.users["provestad.admin"],
        activity=big,
        participants=20,
        composition={"gender": {"female": 17, "male": 3}},
    )
    services.measure_create(
        actor=demo.users["provestad.admin"],
        unit=torget,
        title="Tiltak",
        decision_level="council",
        published=True,
    )
    return demo


def test_only_municipalities_sharing_with_yours_can_be_compared(demo: Any) -> None:
    admin = demo.users["admin"]
    assert [m.slug for m in sharing.comparable_municipalities(admin)] == [demo.municipality.slug]
    with pytest.raises(Http404):
        sharing.access_municipalities(admin, [demo.municipality.slug, demo.other.slug])
    grant = services.sharing_grant(
        actor=demo.users["provestad.admin"],
        municipality=demo.users["provestad.admin"].municipality,
        partner=demo.municipality,
    )
    assert AuditEvent.objects.filter(action="sharing.granted", object_id=str(grant.pk)).exists()
    chosen = sharing.access_municipalities(admin, [demo.other.slug, demo.municipality.slug])
    assert chosen == [demo.other, demo.municipality]
    # One way: Prøvestad's staff still see only their own municipality.
    assert sharing.comparable_municipalities(demo.users["provestad.admin"]) == [demo.other]
    # A unit leader does not see the whole municipality, so may not compare at all.
    assert sharing.comparable_municipalities(demo.users["leder.solsikken"]) == []
    with pytest.raises(ServiceError) as error:
        sharing.access_municipalities(admin, [demo.municipality.slug])
    assert error.value.code == "too_few"


def test_sharing_needs_participation_rights_on_the_whole_municipality(demo: Any) -> None:
    for user in ("leder.solsikken", "lesetilgang", "analytiker.nord"):
        with pytest.raises(ServiceError):
            services.sharing_grant(
                actor=demo.users[user], municipality=demo.users[user].municipality, partner=demo.other
            )
    services.sharing_grant(
        actor=demo.users["koordinator"],
        municipality=demo.users["koordinator"].municipality,
        partner=demo.other,
    )
    with pytest.raises(ServiceError) as error:
        services.sharing_grant(
            actor=demo.users["admin"], municipality=demo.users["admin"].municipality, partner=demo.other
        )
    assert error.value.code == "already_shared"
    with pytest.raises(ServiceError):
        services.sharing_grant(
            actor=demo.users["admin"],
            municipality=demo.users["admin"].municipality,
            partner=demo.municipality,
        )
    services.sharing_revoke(
        actor=demo.users["admin"], grant=sharing.access_grant_by_partner(demo.users["admin"], demo.other.slug)
    )
    assert sharing.grants_for(demo.users["admin"])["shared_with"] == []


def test_figures_side_by_side_with_small_groups_hidden(shared: Any) -> None:
    comparison = build_comparison(municipalities=[shared.municipality, shared.other], year=YEAR)
    figures = {f.key: [c for c in f.cells] for s in comparison.sections for f in s.figures}
    values = {k: [c.value for c in v] for k, v in figures.items()}
    assert values["activities"] == [2, 1]
    assert values["ladder.dialogue"] == [1, 1] and values["ladder.informants"] == [1, 0]
    assert values["kind.focus_group"] == [1, 0] and values["level.representative"] == [0, 1]
    assert values["participants"] == [0, 20]
    assert values["status.proposed"] == [0, 1] and values["decision.council"] == [0, 1]
    assert values["public.activities"] == [1, 0] and values["public.measures"] == [0, 1]
    # Composition: exactly what Prøvestad's own yearly report shows (3 men hidden, and so the
    # women, who could be worked out from the total); Eksempel recorded none: not available.
    gender = [k for k in figures if k.startswith("groups.gender.")]
    own = build_report(unit=shared.other_units[""], year=YEAR).groups
    expected = next(t for t in own if t.key == "gender").rows
    assert [figures[k][1].value for k in gender] == [r.count for r in expected]
    assert figures[gender[1]][1].hidden and figures[gender[1]][1].value is None
    assert figures[gender[0]][0].value is None and not figures[gender[0]][0].hidden
    # The chart has one bar per municipality on every ladder level.
    for layout in comparison.chart.layouts:
        headings = [i for i, mark in enumerate(layout.bars) if mark.heading]
        assert headings == [0, 3, 6, 9] and len(layout.bars) == 12
        assert layout.bars[0].label == "User control"


def test_page_csv_and_api(shared: Any, client_as: Any) -> None:
    client = client_as("admin")
    query = f"?m={shared.municipality.slug}&m={shared.other.slug}&year={YEAR}"
    page = client.get("/participation/compare/" + query)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Prøvestad" in html and "<svg" in html and "hidden (too few)" in html
    response = client.get("/participation/compare/" + query + "&format=csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][2:] == [shared.municipality.name, shared.other.name]
    assert ["Participants reached", "Participants in all", "0", "20"] in rows
    assert any(r[1] == "Gender: Male" and r[3] == "hidden" for r in rows), rows
    # Choosing one municipality explains itself instead of comparing.
    alone = client.get(f"/participation/compare/?m={shared.municipality.slug}&year={YEAR}")
    assert "Choose at least two municipalities." in alone.content.decode()
    api = client.get(
        f"/api/v1/participation/compare?municipalities={shared.other.slug}"
        f"&municipalities={shared.municipality.slug}&year={YEAR}"
    )
    assert api.status_code == 200
    body = api.json()
    assert [m["slug"] for m in body["municipalities"]] == [shared.other.slug, shared.municipality.slug]
    activities = next(f for s in body["sections"] for f in s["figures"] if f["key"] == "activities")
    assert activities["values"] == [1, 2]
    # Prøvestad's admin may not compare with Eksempel, which does not share with Prøvestad.
    other = client_as("provestad.admin")
    assert other.get("/participation/compare/" + query).status_code == 404
    assert (
        other.get(
            "/api/v1/participation/compare"
            + query.replace("?m=", "?municipalities=").replace("&m=", "&municipalities=")
        ).status_code
        == 404
    )
    assert client_as("leder.solsikken").get("/participation/compare/").status_code == 404


def test_sharing_page_grants_and_stops(demo: Any, client_as: Any) -> None:
    client = client_as("koordinator")
    assert client.get("/participation/compare/sharing/").status_code == 200
    response = client.post("/participation/compare/sharing/", {"partner": demo.other.slug})
    assert response.status_code == 302
    other = client_as("provestad.admin")
    assert demo.municipality.name in other.get("/participation/compare/sharing/").content.decode()
    assert other.get("/api/v1/participation/sharing").json()["sharing_with_us"][0]["slug"] == "eksempel"
    # Reading only: the page, but no form and no way to share.
    reader = client_as("lesetilgang")
    assert "Share our figures with" not in reader.get("/participation/compare/sharing/").content.decode()
    assert reader.post("/participation/compare/sharing/", {"partner": demo.other.slug}).status_code == 404
    assert client.post(f"/participation/compare/sharing/{demo.other.slug}/stop/").status_code == 302
    assert other.get("/api/v1/participation/sharing").json()["sharing_with_us"] == []


def test_comparison_query_count_is_bounded_per_municipality(
    shared: Any, client_as: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_as("admin")
    url = f"/participation/compare/?m=eksempel&m=provestad&year={YEAR}"
    client.get(url)  # warms the disclosure cache
    with django_assert_max_num_queries(32):  # about 14 per municipality, whatever their size
        assert client.get(url).status_code == 200


def test_csv_cells_cannot_start_a_formula(shared: Any, client_as: Any) -> None:
    """The comparison CSV was written with a bare csv.writer: a municipality named like a formula
    ran in the analyst's spreadsheet. It goes through the one guarded writer now."""
    formula = '=HYPERLINK("http://evil.example","Prøvestad")'
    shared.other.name = formula
    shared.other.save(update_fields=["name"])
    query = f"?m={shared.municipality.slug}&m={shared.other.slug}&year={YEAR}&format=csv"
    response = client_as("admin").get("/participation/compare/" + query)
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][2:] == [shared.municipality.name, "'" + formula]
