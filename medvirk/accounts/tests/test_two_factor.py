"""Administrators' second factor (TOTP from allauth.mfa) on the password login."""

from __future__ import annotations

import time
from typing import Any

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.cache import cache
from django.test import Client

from medvirk.accounts import two_factor
from medvirk.accounts.demo import DEMO_PASSWORD, DemoData
from medvirk.core.models import AuditEvent
from tests.oidc_support import configure, loopback_provider


def code_for(secret: str, step: int = 0) -> str:
    """The code an authenticator app shows now (``step`` periods of 30 s later)."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + step))


def password_login(username: str, next_url: str = "") -> tuple[Client, Any]:
    client = Client()
    client.cookies["django_language"] = "en"
    path = f"/accounts/login/?next={next_url}" if next_url else "/accounts/login/"
    return client, client.post(path, {"username": username, "password": DEMO_PASSWORD})


def set_up(client: Client, user: Any) -> tuple[str, list[str]]:
    """Set up TOTP on the page as the user does; return the secret and the recovery codes."""
    page = client.get("/accounts/two-factor/")
    assert page.status_code == 200 and b"<svg" in page.content
    secret = client.session[two_factor.SETUP_SECRET]
    assert page.context["secret"].replace(" ", "") == secret
    wrong = client.post(
        "/accounts/two-factor/", {"code": "000000" if code_for(secret) != "000000" else "111111"}
    )
    assert wrong.context["form"].errors["code"] and two_factor.totp_of(user) is None
    done = client.post("/accounts/two-factor/", {"code": code_for(secret)})
    assert done.status_code == 200 and two_factor.totp_of(user) is not None
    return secret, done.context["recovery_codes"]


def test_administrator_without_totp_is_led_to_set_it_up(demo: DemoData) -> None:
    cache.clear()
    admin = demo.users["admin"]
    client, response = password_login("admin")
    assert response["Location"] == "/accounts/two-factor/"
    # every other page leads back there until it is done; logging out still works
    assert client.get("/overview/")["Location"] == "/accounts/two-factor/"
    assert client.get("/audit/")["Location"] == "/accounts/two-factor/"
    _secret, recovery = set_up(client, admin)
    assert len(recovery) >= 8
    assert client.get("/overview/").status_code == 200
    assert AuditEvent.objects.filter(action="user.two_factor_enabled", object_id=str(admin.pk)).exists()


def test_login_asks_for_the_code_and_refuses_a_wrong_or_reused_one(demo: DemoData) -> None:
    cache.clear()
    admin = demo.users["admin"]
    client, _response = password_login("admin")
    secret, recovery = set_up(client, admin)
    client.post("/accounts/logout/")
    # The database holds Fernet tokens, not the TOTP key nor the recovery codes' seed.
    stored = {a.type: a.data for a in Authenticator.objects.filter(user=admin)}
    totp, codes = stored[Authenticator.Type.TOTP], stored[Authenticator.Type.RECOVERY_CODES]
    assert totp["secret"] != secret and totp["secret"].startswith("gAAAAA")
    assert codes["seed"].startswith("gAAAAA")

    client, response = password_login("admin", next_url="/audit/")
    assert response["Location"] == "/accounts/login/code/"
    assert "_auth_user_id" not in client.session  # the password alone does not log in
    wrong = client.post("/accounts/login/code/", {"code": "12345x"})
    assert wrong.status_code == 200 and "_auth_user_id" not in client.session
    code = code_for(secret, step=1)  # a code from the next period (the app's clock a little ahead)
    response = client.post("/accounts/login/code/", {"code": code})
    assert response["Location"] == "/audit/"
    assert client.session["_auth_user_id"] == str(admin.pk)

    # The same code again (someone who saw it): refused.
    again, _response = password_login("admin")
    assert again.post("/accounts/login/code/", {"code": code}).status_code == 200
    assert "_auth_user_id" not in again.session
    # A recovery code works, once.
    assert again.post("/accounts/login/code/", {"code": recovery[0]}).status_code == 302
    third, _response = password_login("admin")
    assert third.post("/accounts/login/code/", {"code": recovery[0]}).status_code == 200


def test_code_page_without_a_password_first_goes_to_the_login(demo: DemoData) -> None:
    assert Client().get("/accounts/login/code/")["Location"] == "/accounts/login/"


def test_code_guessing_is_throttled_and_a_new_password_login_does_not_reset_it(demo: DemoData) -> None:
    cache.clear()
    client, _response = password_login("admin")
    secret, _codes = set_up(client, demo.users["admin"])
    wrong = {"code": "999999" if code_for(secret) != "999999" else "888888"}
    first, _response = password_login("admin")
    for _guess in range(3):
        first.post("/accounts/login/code/", wrong)
    second, response = password_login("admin")  # a right password does not clear the failed codes
    assert response["Location"] == "/accounts/login/code/"
    for _guess in range(2):
        second.post("/accounts/login/code/", wrong)
    right = second.post("/accounts/login/code/", {"code": code_for(secret)})
    assert right.status_code == 429 and "_auth_user_id" not in second.session
    assert password_login("admin")[1].status_code == 429


def test_other_roles_are_not_required_to_set_up_totp(demo: DemoData) -> None:
    _client, response = password_login("analytiker")
    assert response["Location"] == "/overview/"


def test_single_sign_on_needs_no_code_here(demo: DemoData) -> None:
    """The municipality's provider decides its own second factor; an SSO login skips Medvirk's."""
    from medvirk.accounts.tests.test_sso import sso_login

    with loopback_provider() as provider:
        configure(demo.municipality, provider)
        client = Client()
        response = sso_login(
            client, provider, demo.municipality.slug, "admin-sub", email=demo.users["admin"].email
        )
    assert response["Location"] == "/overview/"
    assert client.get("/overview/").status_code == 200
    assert not Authenticator.objects.filter(user=demo.users["admin"]).exists()


def test_administrator_whose_municipality_switched_passwords_off_is_not_asked(demo: DemoData) -> None:
    with loopback_provider() as provider:
        configure(demo.municipality, provider, local_passwords_off=True)
        assert not two_factor.required(demo.users["admin"])
    assert two_factor.required(demo.users["provestad.admin"])


def test_the_local_demo_does_not_lead_its_administrator_to_set_up_totp(demo: DemoData, settings: Any) -> None:
    """config/settings/dev.py (bin/demo) turns the rule off, so a newcomer can look around as admin."""
    cache.clear()
    settings.MEDVIRK_ADMIN_TOTP_REQUIRED = False
    client, response = password_login("admin")
    assert response["Location"] != "/accounts/two-factor/"
    assert client.get("/overview/").status_code == 200


def test_the_key_to_type_is_never_read_as_page_text(demo: DemoData) -> None:
    """The key is random base32, so it can spell 'OF' or 'IN': it stands in <kbd>, not as text."""
    from tests.page_text import page_findings

    client, _response = password_login("admin")
    client.cookies["django_language"] = "nb"
    session = client.session
    session[two_factor.SETUP_SECRET] = "OF7RIN7ATO2AOF7RIN7ATO2AOF7RIN7A"
    session.save()
    page = client.get("/accounts/two-factor/")
    assert "OF7R IN7A" in page.content.decode()
    assert page_findings(page.content.decode()) == []
