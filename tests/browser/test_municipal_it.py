"""Starting and running a real municipality in a real browser, with axe on every state: the
organisation import's preview (bad lines, then a good file), waiting invitations, the operators' page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from medvirk.accounts.demo import DEMO_PASSWORD
from medvirk.accounts.models import User
from medvirk.orgs.models import OrgUnit

from .conftest import assert_accessible, assert_fits_width, login

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]


def test_import_preview_lists_bad_lines_then_imports_a_good_file(page: Any) -> None:
    login(page, "admin")
    page.goto(page.base_url + "/org/")
    page.click('text="Importer fra HR-systemet"')
    assert page.locator("h1").inner_text() == "Importer organisasjonen"
    assert_accessible(page)
    page.set_input_files("#id_file", str(ROOT / "medvirk/accounts/tests/data/organisasjon-feil.csv"))
    page.click('text="Vis forhåndsvisning"')
    assert "Linjene 4, 5, 6, 7, 8, 9, 10, 12 har feil" in page.locator("[role=status]").inner_text()
    assert page.locator("input[name=rows]").count() == 0
    assert_accessible(page)
    assert_fits_width(page)
    page.set_input_files("#id_file", str(ROOT / "docs/examples/organisasjon.csv"))
    page.click('text="Vis forhåndsvisning"')
    assert "2 nye enheter" in page.locator("[role=status]").inner_text()
    assert_accessible(page)
    page.click("button[name=confirm]")
    page.wait_for_url("**/org/")
    assert page.locator(".mv-tree >> text=Tusenfryd barnehage").count() == 1
    assert OrgUnit.objects.filter(name="Legevakten").exists()


def test_waiting_invitation_and_operators_pages_are_accessible(page: Any) -> None:
    login(page, "admin")
    page.goto(page.base_url + "/access/users/new/")
    page.fill("#id_username", "ny@eksempel.no")
    page.fill("#id_email", "ny@eksempel.no")
    page.click("form.mv-form button[type=submit]")
    page.goto(page.base_url + "/access/")
    assert page.locator("#invitations-heading").count() == 1
    assert_accessible(page)
    page.click('text="Send invitasjonen til ny@eksempel.no på nytt"')
    assert "ny invitasjon" in page.locator("body").inner_text()
    page.context.clear_cookies()

    User.objects.create_superuser("drift", "drift@example.no", DEMO_PASSWORD)
    page.goto(page.base_url + "/accounts/login/")
    page.fill("#id_username", "drift")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit] >> nth=-1")
    page.wait_for_url("**/operator/")
    assert "Eksempel kommune" in page.locator("table").inner_text()
    assert_accessible(page)
    assert_fits_width(page)
    page.click('text="Opprett en kommune"')
    assert_accessible(page)
