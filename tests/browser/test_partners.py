"""The public organisations register in a real browser: search, then propose an entry; axe on every page."""

from __future__ import annotations

from typing import Any

import pytest

from medvirk.partners.models import Proposal

from .conftest import assert_accessible, assert_fits_width, assert_page_basics, login, read

pytestmark = pytest.mark.browser


def _load_organisations() -> None:
    from medvirk.orgs.models import Municipality
    from medvirk.partners.demo import load_demo_organisations

    load_demo_organisations(municipality=Municipality.objects.get(slug="eksempel"))


def test_public_search_without_javascript_and_accessible(page: Any) -> None:
    _load_organisations()
    page.goto(page.base_url + "/o/eksempel/")
    assert page.locator("h1").count() == 1
    assert page.locator(".ds-card").count() == 6
    assert_accessible(page)
    assert_fits_width(page)
    page.select_option("#id_language", value="so")
    page.click("form[role=search] button[type=submit]")
    page.wait_for_url("**language=so**")
    assert [read(h) for h in page.locator(".ds-card h3").all()] == ["Somalisk foreldrenettverk Nord"]
    assert_accessible(page)
    page.click(".ds-card h3 a")
    assert read(page.locator("h1")) == "Somalisk foreldrenettverk Nord"
    assert_accessible(page)
    assert_fits_width(page)


def test_self_service_form_errors_and_success_are_accessible(page: Any) -> None:
    page.goto(page.base_url + "/o/eksempel/propose/")
    assert not page.locator("#id_nickname").is_visible()  # the honeypot is hidden from people
    assert_accessible(page)
    assert_fits_width(page)
    page.fill("#id_name", "Nabolagsforeningen Øst")
    page.fill("#id_org_number", "991000012")
    page.fill("#id_contact_name", "Aisha")
    page.fill("#id_contact_email", "aisha@example.org")
    page.click("form.mv-form button[type=submit]")
    assert page.locator("#id_org_number_error").is_visible()
    assert page.locator("#id_consent_error").is_visible()
    assert "id_org_number_error" in (page.get_attribute("#id_org_number", "aria-describedby") or "")
    assert page.input_value("#id_name") == "Nabolagsforeningen Øst"
    assert_accessible(page)
    page.fill("#id_org_number", "991000135")
    page.check("#id_consent")
    page.check("input[name=languages][value=ar]")
    page.click("form.mv-form button[type=submit]")
    page.wait_for_url("**/propose/thanks/")
    assert_accessible(page)
    proposal = Proposal.objects.get(data__name="Nabolagsforeningen Øst")
    assert proposal.contact["email"] == "aisha@example.org" and proposal.data["languages"] == ["ar"]


def test_staff_register_pages_are_accessible(page: Any) -> None:
    _load_organisations()
    from medvirk.orgs.models import OrgUnit
    from medvirk.partners.models import Organisation

    login(page, "admin")
    org = Organisation.objects.get(name="Polsk forening i Eksempel")
    unit = OrgUnit.objects.get(name="Solsikken barnehage")
    for path in [
        "/organisations/",
        "/organisations/new/",
        f"/organisations/{org.pk}/",
        f"/organisations/{org.pk}/edit/",
        f"/organisations/{org.pk}/contacts/new/",
        f"/organisations/{org.pk}/invite/",
        "/organisations/proposals/",
        "/organisations/import/",
        "/organisations/mapping/",
        f"/organisations/units/{unit.pk}/contacts/",
        f"/organisations/units/{unit.pk}/mapping/",
    ]:
        page.goto(page.base_url + path)
        assert_page_basics(page)
