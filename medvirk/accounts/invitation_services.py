"""Sending a staff invitation again, and withdrawing one (``invitations``: the link and the e-mail).

An invitation is a password-reset token, valid ``PASSWORD_RESET_TIMEOUT`` and tied to the
password hash. Both writes give the user a new unusable password, so every link sent before stops
working: a resent invitation replaces the old one, and a withdrawn one leaves no link that works.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from medvirk.core.audit import audit_record
from medvirk.core.errors import ServiceError
from medvirk.orgs.models import Municipality

from .access import Actor, ensure_can_anywhere
from .enums import AccountsAuditAction, AccountsErrorCode
from .invitations import is_waiting, user_invite
from .models import User
from .permissions import Perm
from .services import user_create


def user_create_invited(
    *,
    actor: Actor,
    municipality: Municipality,
    username: str,
    email: str,
    base_url: str,
    first_name: str = "",
    last_name: str = "",
) -> User:
    """Add a staff user without a password and e-mail them an invitation, or nothing (``ROLES_MANAGE``).

    One transaction: a failed e-mail (``OSError``/``smtplib.SMTPException``, raised on) stores no user.
    """
    with transaction.atomic():
        user = user_create(
            actor=actor,
            municipality=municipality,
            username=username,
            email=email,
            first_name=first_name,
            last_name=last_name,
        )
        user_invite(actor=actor, user=user, base_url=base_url)
    return user


def _ensure_waiting(actor: Actor, user: User) -> None:
    ensure_can_anywhere(
        actor,
        Perm.ROLES_MANAGE,
        user.municipality_id,
        _("You can only manage invitations of staff of your own municipality."),
    )
    if not is_waiting(user):
        raise ServiceError(
            AccountsErrorCode.INVITATION_SPENT,
            _("%(name)s has already chosen a password, so there is no invitation to change.")
            % {"name": user},
        )


def invitation_resend(*, actor: Actor, user: User, base_url: str) -> None:
    """E-mail ``user`` a new invitation link; links sent before stop working (``ROLES_MANAGE``)."""
    _ensure_waiting(actor, user)
    with transaction.atomic():  # a failed e-mail keeps the old link working
        user.set_unusable_password()
        user.save(update_fields=["password"])
        user_invite(actor=actor, user=user, base_url=base_url)


def invitation_revoke(*, actor: Actor, user: User) -> None:
    """Withdraw ``user``'s invitation: every link stops working and the account is deactivated."""
    _ensure_waiting(actor, user)
    with transaction.atomic():
        user.set_unusable_password()
        user.is_active = False
        user.save(update_fields=["password", "is_active"])
        audit_record(
            actor=actor,
            action=AccountsAuditAction.INVITATION_REVOKED,
            obj=user,
            data={"username": user.username},
        )
