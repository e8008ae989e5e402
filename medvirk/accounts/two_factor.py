"""A second factor (TOTP) for administrators who log in with a local password, from django-allauth's MFA.

allauth.mfa keeps the authenticators (``mfa.Authenticator``: the TOTP secret, the recovery codes'
seed), computes and checks the codes (RFC 6238, with a code refused when used twice within its
window) and builds the ``otpauth://`` address an authenticator app reads; Medvirk hand-writes
none of that. What Medvirk adds:

- The password login (``views.login_view``) asks a user with TOTP for a code before logging them
  in (``views.login_code``; the pending login lives in the session for a few minutes, failures
  count towards the login throttle).
- An administrator (a user holding the administrator role anywhere) whose municipality keeps
  local passwords must have TOTP: after a password login without it they are led to the set-up
  page, and every other page sends them back there until it is done
  (``TwoFactorSetupMiddleware``). A login through the municipality's single sign-on needs no
  code here: the municipality's provider decides its own second factor.
- The secrets allauth stores (the TOTP key, the recovery codes' seed) are encrypted with the
  installation's Fernet keys, kept outside the database (``MFAAdapter``, ``medvirk.core.crypto``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret, validate_totp_code
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from medvirk.core import crypto
from medvirk.core.audit import audit_record

from .enums import AccountsAuditAction
from .models import Role, RoleAssignment
from .sso import local_password_allowed

PENDING = "medvirk.login_pending"  # {"user": pk, "next": url, "at": unix time}: password right, code to come
SETUP_REQUIRED = "medvirk.totp_setup_required"
SETUP_SECRET = "medvirk.totp_setup_secret"  # noqa: S105 — a session key, not a secret
PENDING_SECONDS = 300


class MFAAdapter(DefaultMFAAdapter):
    """allauth's hooks for the secrets it stores: Fernet with the keys outside the database."""

    def encrypt(self, text: str) -> str:
        return crypto.encrypt(text)

    def decrypt(self, encrypted_text: str) -> str:
        return crypto.decrypt(encrypted_text)


#: The values allauth passes through ``MFAAdapter.encrypt`` in ``Authenticator.data``: one text, or a list.
ENCRYPTED_DATA = ("secret", "seed", "migrated_codes")


def transform_authenticator_data(data: dict[str, Any], change: Callable[[str], str]) -> dict[str, Any]:
    """``data`` with each encrypted value passed through ``change`` (encrypt, decrypt or rotate)."""
    data = dict(data)
    for key in ENCRYPTED_DATA:
        value = data.get(key)
        if isinstance(value, str) and value:
            data[key] = change(value)
        elif isinstance(value, list):
            data[key] = [change(item) for item in value]
    return data


def totp_of(user: Any) -> Authenticator | None:
    """The user's TOTP authenticator, if they have set one up."""
    return Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).first()


def required(user: Any) -> bool:
    """Whether the user must have TOTP: an administrator whose municipality keeps local passwords
    (unless the installation turned the rule off: the local demo only)."""
    if not settings.MEDVIRK_ADMIN_TOTP_REQUIRED:
        return False
    is_admin = RoleAssignment.objects.filter(user_id=user.pk, role=Role.ADMIN).exists()
    return is_admin and local_password_allowed(user)


def code_valid(user: Any, code: str) -> bool:
    """Check a code from the user's app (each code works once) or one of their recovery codes."""
    code = code.strip().replace(" ", "")
    if not code:
        return False
    totp = totp_of(user)
    if totp is not None and TOTP(totp).validate_code(code):
        return True
    recovery = Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.RECOVERY_CODES).first()
    return recovery is not None and RecoveryCodes(recovery).validate_code(code)


def pending_start(request: HttpRequest, user: Any, next_url: str) -> None:
    request.session[PENDING] = {"user": user.pk, "next": next_url, "at": int(time.time())}


def pending_user_id(request: HttpRequest) -> int | None:
    """The user whose password was right, while the code may still be given."""
    pending = request.session.get(PENDING)
    if not pending or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    return int(pending["user"])


def setup_secret(request: HttpRequest) -> str:
    """The secret being set up, kept in the session until the first code confirms it."""
    secret = request.session.get(SETUP_SECRET)
    if not secret:
        secret = request.session[SETUP_SECRET] = generate_totp_secret()
    return str(secret)


def setup_address(user: Any, secret: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return str(get_mfa_adapter().build_totp_url(user, secret))


def activate(request: HttpRequest, user: Any, code: str) -> list[str] | None:
    """Turn TOTP on when ``code`` matches the secret being set up; return the recovery codes."""
    secret = setup_secret(request)
    if not validate_totp_code(secret, code.strip().replace(" ", "")):
        return None
    with transaction.atomic():
        TOTP.activate(user, secret)
        codes = RecoveryCodes.activate(user).generate_codes()
        if user.municipality_id:
            audit_record(
                actor=user,
                municipality=user.municipality,
                action=AccountsAuditAction.TWO_FACTOR_ENABLED,
                obj=user,
                data={},
            )
    request.session.pop(SETUP_SECRET, None)
    request.session.pop(SETUP_REQUIRED, None)
    return list(codes)


class TwoFactorSetupMiddleware:
    """Send an administrator who still has to set up TOTP to the set-up page from every other page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is not None and session.get(SETUP_REQUIRED) and request.user.is_authenticated:
            allowed = (reverse("accounts:two_factor"), reverse("accounts:logout"), "/static/", "/i18n/")
            if not request.path.startswith(allowed):
                return redirect("accounts:two_factor")
        return self.get_response(request)
