"""Staff invitations, as on the Access page: the list not yet accepted, invite a new staff member,
send an invitation again, withdraw one. The same services and checks as the page
(``accounts.invitation_services``): ``ROLES_MANAGE`` in the caller's municipality."""

from __future__ import annotations

import smtplib
from datetime import datetime

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.responses import Status

from medvirk.accounts.access import can_anywhere, municipality_id_of, municipality_of
from medvirk.accounts.invitation_services import invitation_resend, invitation_revoke, user_create_invited
from medvirk.accounts.invitations import WaitingInvitation, invitations_waiting, invited_user_by_id
from medvirk.accounts.models import User
from medvirk.accounts.permissions import Perm
from medvirk.accounts.requests import StaffRequest

from .base import MAIL_FAILED, mail_failed

router = Router(tags=["access"])


class InvitationOut(Schema):
    """A staff member invited who has not chosen a password yet."""

    user_id: int
    username: str
    name: str
    email: str
    sent_at: datetime | None  # None: added without an e-mail
    expires_at: datetime | None  # when the last link sent stops working
    expired: bool


class InvitationIn(Schema):
    """A new staff member, invited by e-mail to choose a password (roles are given afterwards)."""

    username: str
    email: str
    first_name: str = ""
    last_name: str = ""


def _out(row: WaitingInvitation) -> InvitationOut:
    user = row.user
    return InvitationOut(
        user_id=user.pk,
        username=user.username,
        name=user.get_full_name(),
        email=user.email,
        sent_at=row.sent_at,
        expires_at=row.expires_at,
        expired=row.expired,
    )


def _row_of(user: User) -> InvitationOut:
    rows = invitations_waiting(municipality_id=user.municipality_id or 0)
    return _out(next(row for row in rows if row.user.pk == user.pk))


def _ensure_manager(request: StaffRequest) -> None:
    if not can_anywhere(request.user, Perm.ROLES_MANAGE):
        raise Http404


@router.get("/invitations", response=list[InvitationOut])
def list_invitations(request: StaffRequest) -> list[InvitationOut]:
    """The municipality's staff who were invited and have not chosen a password, by username."""
    _ensure_manager(request)
    return [_out(row) for row in invitations_waiting(municipality_id=municipality_id_of(request.user))]


@router.post("/invitations", response={201: InvitationOut, MAIL_FAILED: dict})
def invite(request: StaffRequest, payload: InvitationIn) -> Status[InvitationOut] | Status[dict]:
    """Add a staff member without a password and e-mail them an invitation; nothing is stored if
    the e-mail cannot be sent (503)."""
    _ensure_manager(request)
    try:
        user = user_create_invited(
            actor=request.user,
            municipality=municipality_of(request.user),
            base_url=request.build_absolute_uri("/"),
            **payload.dict(),
        )
    except (OSError, smtplib.SMTPException):
        return mail_failed()
    return Status(201, _row_of(user))


@router.post("/invitations/{user_id}/resend", response={200: InvitationOut, MAIL_FAILED: dict})
def resend(request: StaffRequest, user_id: int) -> Status[InvitationOut] | Status[dict]:
    """E-mail a new link; links sent before stop working (a failed e-mail, 503, keeps the old one)."""
    user = invited_user_by_id(request.user, user_id)
    try:
        invitation_resend(actor=request.user, user=user, base_url=request.build_absolute_uri("/"))
    except (OSError, smtplib.SMTPException):
        return mail_failed(_("The invitation could not be sent. The earlier link still works."))
    return Status(200, _row_of(user))


@router.delete("/invitations/{user_id}", response={204: None})
def withdraw(request: StaffRequest, user_id: int) -> Status[None]:
    """Withdraw the invitation: every link stops working and the account is deactivated."""
    invitation_revoke(actor=request.user, user=invited_user_by_id(request.user, user_id))
    return Status(204, None)
