"""Buttons on the Access page: send a staff invitation again, or withdraw it."""

from __future__ import annotations

import smtplib

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from medvirk.core.views import service_done, staff_view

from .invitation_services import invitation_resend, invitation_revoke
from .invitations import invited_user_by_id
from .requests import StaffRequest


@require_POST
@staff_view
def resend(request: StaffRequest, user_id: int) -> HttpResponse:
    """E-mail a new invitation link; the old one stops working."""
    user = invited_user_by_id(request.user, user_id)
    try:
        service_done(
            request,
            _("A new invitation was sent to %(email)s. Earlier links no longer work.")
            % {"email": user.email},
            lambda: invitation_resend(
                actor=request.user, user=user, base_url=request.build_absolute_uri("/")
            ),
        )
    except (OSError, smtplib.SMTPException):
        messages.error(request, _("The invitation could not be sent. The earlier link still works."))
    return redirect("accounts:roles")


@require_POST
@staff_view
def revoke(request: StaffRequest, user_id: int) -> HttpResponse:
    """Withdraw an invitation: its link stops working and the account is deactivated."""
    user = invited_user_by_id(request.user, user_id)
    service_done(
        request,
        _("The invitation to %(name)s was withdrawn and the account deactivated.") % {"name": user},
        lambda: invitation_revoke(actor=request.user, user=user),
    )
    return redirect("accounts:roles")
