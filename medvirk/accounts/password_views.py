"""Passwords: forgotten (reset by e-mail), changed, and chosen through an invitation.

Django's own views (tokens, validation, no account enumeration: the reset page says the same
whether or not the address is known), with Designsystemet forms and Medvirk's templates.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth import views as auth_views
from django.http.response import HttpResponseBase
from django.urls import reverse_lazy

from .forms import PasswordChangeForm, PasswordResetForm, SetPasswordForm

password_reset = auth_views.PasswordResetView.as_view(
    form_class=PasswordResetForm,
    template_name="accounts/password_reset.html",
    email_template_name="accounts/email/password_reset.txt",
    subject_template_name="accounts/email/password_reset_subject.txt",
    success_url=reverse_lazy("accounts:password_reset_done"),
)
password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="accounts/password_reset_done.html"
)


def _password_set_view(*, invitation: bool) -> Callable[..., HttpResponseBase]:
    """Return the page a reset link (or an invitation) leads to: choose a new password."""
    return auth_views.PasswordResetConfirmView.as_view(
        form_class=SetPasswordForm,
        template_name="accounts/password_set.html",
        success_url=reverse_lazy("accounts:password_reset_complete"),
        extra_context={"invitation": invitation},
    )


password_reset_confirm = _password_set_view(invitation=False)
# An invitation is a reset link for a user without a password yet; only the words differ.
password_set = _password_set_view(invitation=True)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/password_reset_complete.html"
)
password_change = auth_views.PasswordChangeView.as_view(
    form_class=PasswordChangeForm,
    template_name="accounts/password_change.html",
    success_url=reverse_lazy("accounts:password_change_done"),
)
password_change_done = auth_views.PasswordChangeDoneView.as_view(
    template_name="accounts/password_change_done.html"
)
