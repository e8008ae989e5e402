"""Public volunteer sign-up (consent, confirm, withdraw) and the coordinators' CSV import."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from medvirk.core.actors import SystemActor
from medvirk.core.hyphenation import without_soft_hyphens
from medvirk.panels import selection, services
from medvirk.panels.csvimport import parse_csv
from medvirk.panels.demo import seed_panels_demo
from medvirk.panels.models import PanelMember, Volunteer

pytestmark = pytest.mark.django_db

FORM = {
    "name": "Test Testesen",
    "email": "Test@Example.org",
    "age_band": "25-34",
    "gender": "female",
    "district": "999901",
    "immigrant_background": "prefer_not_to_say",
    "social_background": "higher",
    "languages": ["nb", "en"],
    "accessibility_needs": "Tolk",
}


def _links(body: str) -> tuple[str, str]:
    urls = re.findall(r"http://testserver(/v/\S+)", body)
    confirm = next(u for u in urls if "/confirm/" in u)
    withdraw = next(u for u in urls if "/withdraw/" in u)
    return confirm, withdraw


def test_signup_needs_consent(client_as: Any, demo: Any) -> None:
    response = client_as(None).post("/v/eksempel/", FORM)
    assert response.status_code == 200
    assert "You must agree" in response.content.decode()
    assert not Volunteer.objects.filter(email="test@example.org").exists()
    assert not mail.outbox


def test_an_incomplete_signup_says_how_to_fill_in_each_field(client_as: Any, demo: Any) -> None:
    html = client_as(None).post("/v/eksempel/", {"email": "ola"}).content.decode()
    assert "Write your name." in html
    assert "Write the whole e-mail address, for example ola@example.com." in html
    assert (
        html.count("Choose an answer, or “Prefer not to say”.") == 5
    )  # age, gender, place, background, education
    assert "This field is required" not in html


def test_signup_confirm_and_withdraw_deletes(client_as: Any, demo: Any) -> None:
    client = Client(enforce_csrf_checks=True)  # and never sends a cookie back: none are needed
    page = client.get("/v/eksempel/")
    assert page.status_code == 200
    client.cookies.clear()
    assert "Prefer not to say" in page.content.decode()
    response = client.post("/v/eksempel/", {**FORM, "consent": "on"}, REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 302 and response["Location"] == "/v/eksempel/thanks/"
    assert not response.cookies
    volunteer = Volunteer.objects.get(municipality=demo.municipality, email="test@example.org")
    assert not volunteer.email_confirmed
    assert volunteer.languages == ["nb", "en"] and volunteer.immigrant_background == "prefer_not_to_say"
    assert "withdraw" in volunteer.consent_text
    stored = " ".join(str(getattr(volunteer, f.attname)) for f in Volunteer._meta.concrete_fields)
    assert "203.0.113.9" not in stored
    assert volunteer.pk not in [v.pk for v in selection.pool_for(demo.municipality.pk)]
    confirm, withdraw = _links(str(mail.outbox[0].body))
    assert client.get(confirm).status_code == 200
    volunteer.refresh_from_db()
    assert volunteer.email_confirmed
    assert volunteer.pk in [v.pk for v in selection.pool_for(demo.municipality.pk)]
    # Another municipality's slug does not accept the link.
    assert client.get(confirm.replace("/eksempel/", "/provestad/")).status_code == 404
    assert client.get(withdraw).status_code == 200
    assert Volunteer.objects.filter(pk=volunteer.pk).exists()  # opening the link deletes nothing
    assert client.post(withdraw).status_code == 200
    assert not Volunteer.objects.filter(pk=volunteer.pk).exists()
    assert client.post(withdraw).status_code == 404
    assert client.get(confirm).status_code == 404


def test_signing_up_again_refreshes_and_invalidates_the_old_link(client_as: Any, demo: Any) -> None:
    client = client_as(None)
    client.post("/v/eksempel/", {**FORM, "consent": "on"})
    _c, old_withdraw = _links(str(mail.outbox[0].body))
    client.post("/v/eksempel/", {**FORM, "consent": "on", "gender": "other"})
    assert Volunteer.objects.filter(email="test@example.org").count() == 1
    assert Volunteer.objects.get(email="test@example.org").gender == "other"
    assert client.post(old_withdraw).status_code == 404
    _c, new_withdraw = _links(str(mail.outbox[1].body))
    assert client.post(new_withdraw).status_code == 200


def test_honeypot_and_throttle(client_as: Any, demo: Any, settings: Any) -> None:
    from django.core.cache import cache

    cache.clear()
    client = client_as(None)
    bot = client.post("/v/eksempel/", {**FORM, "consent": "on", "nickname": "x"})
    assert bot.status_code == 302 and not Volunteer.objects.exists() and not mail.outbox
    settings.PANELS_SIGNUPS_PER_HOUR = 1
    assert client.post("/v/eksempel/", {**FORM, "consent": "on"}).status_code == 302
    again = client.post("/v/eksempel/", {**FORM, "consent": "on", "email": "other@example.org"})
    assert again.status_code == 200 and "Too many sign-ups" in again.content.decode()
    assert not Volunteer.objects.filter(email="other@example.org").exists()
    cache.clear()


def test_withdraw_removes_panel_memberships(demo: Any) -> None:
    panel = seed_panels_demo(demo)
    services.panel_select(actor=SystemActor("test"), panel=panel, seed=3)
    member = panel.members.first()
    member.volunteer.delete()
    assert not PanelMember.objects.filter(pk=member.pk).exists()


GOOD = (
    "navn;e-post;aldersgruppe;kjønn;bydel;innvandringsbakgrunn;utdanning\n"
    "Kari Nordmann;kari@example.org;35-44;Kvinne;Bydel Nord;rest;higher\n"
    "Ola Nordmann;ola@example.org;67-79;male;999902;;Upper secondary school\n"
)


def test_parse_csv_good_and_broken(demo: Any) -> None:
    preview = parse_csv(GOOD.encode(), municipality=demo.municipality)
    assert [r.status for r in preview.rows] == ["new", "new"]
    kari, ola = preview.rows
    assert kari.values["gender"] == "female" and kari.values["district"] == "999901"
    assert ola.values["immigrant_background"] == "prefer_not_to_say"
    assert ola.values["social_background"] == "upper_secondary"
    broken = (
        "navn,e-post,kjønn\n"
        ",nobody@example.org,female\n"
        "Per,not-an-address,female\n"
        "Pål,pal@example.org,tall\n"
        "Espen,espen@example.org,male\n"
        "Espen igjen,ESPEN@example.org,male\n"
    ).encode("cp1252")
    preview = parse_csv(broken, municipality=demo.municipality)
    assert [r.status for r in preview.rows] == ["error", "error", "error", "new", "duplicate"]
    assert "unknown value" in " ".join(preview.rows[2].messages)
    assert parse_csv(b"foo;bar\n1;2\n", municipality=demo.municipality).errors
    assert parse_csv(b"", municipality=demo.municipality).errors


def test_import_page_preview_then_confirm(client_as: Any, demo: Any) -> None:
    client = client_as("koordinator")
    upload = SimpleUploadedFile("pool.csv", GOOD.encode(), content_type="text/csv")
    preview = client.post("/panels/volunteers/import/", {"file": upload, "consent": "on"})
    html = preview.content.decode()
    assert preview.status_code == 200 and "will be imported" in html
    assert not Volunteer.objects.filter(email="kari@example.org").exists()
    found = re.search(r'name="rows" value="([^"]+)"', html)
    assert found is not None
    token = found.group(1)
    tampered = client.post("/panels/volunteers/import/", {"confirm": "1", "rows": token + "x"})
    assert tampered.status_code == 302 and not Volunteer.objects.filter(email="kari@example.org").exists()
    done = client.post("/panels/volunteers/import/", {"confirm": "1", "rows": token})
    assert done.status_code == 302
    kari = Volunteer.objects.get(municipality=demo.municipality, email="kari@example.org")
    assert kari.email_confirmed and kari.source == "import"
    again = client.post("/panels/volunteers/import/", {"confirm": "1", "rows": token})
    assert again.status_code == 302
    assert Volunteer.objects.filter(email="kari@example.org").count() == 1
    no_consent = client.post(
        "/panels/volunteers/import/",
        {"file": SimpleUploadedFile("p.csv", GOOD.encode(), content_type="text/csv")},
    )
    assert no_consent.status_code == 200 and 'name="rows"' not in no_consent.content.decode()


def test_signup_page_is_in_bokmal_by_default(client: object, settings: Any) -> None:
    settings.LANGUAGE_CODE = "nb"
    from django.test import Client

    from medvirk.accounts.demo import load_demo

    load_demo()
    html = Client().get("/v/eksempel/").content.decode()
    assert 'lang="nb"' in html and "Vil ikke svare" in html


def test_signup_asks_about_immigrant_background_in_plain_words(client_as: Any, demo: Any) -> None:
    """A citizen answers "No", never picks a statistics category such as "Rest of the population"."""
    from medvirk.panels.models import Volunteer

    html = without_soft_hyphens(
        client_as(None).get("/v/eksempel/", HTTP_ACCEPT_LANGUAGE="nb").content.decode()
    )
    assert "Øvrig befolkning" not in html and "Har du innvandrerbakgrunn?" in html
    section = html[html.index("Har du innvandrerbakgrunn?") : html.index('name="social_background"')]
    assert ">Nei<" in section and "Vil ikke svare" in section
    client_as(None).post("/v/eksempel/", {**FORM, "immigrant_background": "rest", "consent": "on"})
    assert Volunteer.objects.get(email__iexact="test@example.org").immigrant_background == "rest"
