"""Forms for login, roles, staff users and API tokens."""

from __future__ import annotations

import smtplib
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.password_validation import MinimumLengthValidator, get_default_password_validators
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from medvirk.core.forms import Done, DsForm, DsFormMixin, form_act
from medvirk.orgs.forms import unit_choices
from medvirk.orgs.models import OrgUnit

from .models import IdPorten, IdPortenLevel, MatchClaim, Role, User

T = TypeVar("T")


def invite_act(request: HttpRequest, form: DsFormMixin, act: Callable[[], T]) -> Done[T] | None:
    """``form_act`` for a write that e-mails an invitation in its transaction (a staff user, a municipality).

    A mail server that refuses (``OSError``/``smtplib.SMTPException``) leaves nothing stored: the form
    says so and is shown again.
    """
    try:
        return form_act(request, form, act)
    except (OSError, smtplib.SMTPException):
        form.add_error(
            None,
            gettext("The invitation could not be sent, so nothing was stored. Check the e-mail settings."),
        )
        return None


class LoginForm(DsFormMixin, AuthenticationForm):
    """Django's login form in Designsystemet markup."""


class PasswordResetForm(DsFormMixin, auth_forms.PasswordResetForm):
    """Django's "forgot password" form in Designsystemet markup.

    Staff of a municipality that has switched local passwords off get no link (the page still says
    the same as for any address): they log in with the municipality's single sign-on.
    """

    def get_users(self, email: str) -> Iterator[Any]:
        from .sso import local_password_allowed

        return (user for user in super().get_users(email) if local_password_allowed(user))


def _minimum_length() -> int | None:
    lengths = [
        v.min_length for v in get_default_password_validators() if isinstance(v, MinimumLengthValidator)
    ]
    return max(lengths) if lengths else None


class PlainPasswordHelp:
    """Say the password rules in one sentence and "the same password again" for the second field.

    Django's own help is four bullet points ("… too similar to your other personal information")
    and "Enter the same password as before, for verification", which reads as if the old password
    were wanted. The sentence follows the configured minimum length.
    """

    fields: dict[str, forms.Field]

    def plain_password_help(self) -> None:
        length = _minimum_length()
        rules = gettext(
            "Not only digits, not a common password, and not like your name, username or e-mail address."
        )
        if length:
            rules = gettext("At least %(n)s characters.") % {"n": length} + " " + rules
        self.fields["new_password1"].help_text = rules
        self.fields["new_password2"].help_text = gettext("Write the same new password once more.")


class SetPasswordForm(PlainPasswordHelp, DsFormMixin, auth_forms.SetPasswordForm):
    """Django's form to choose a password (from a reset or invitation link)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plain_password_help()


class PasswordChangeForm(PlainPasswordHelp, DsFormMixin, auth_forms.PasswordChangeForm):
    """Django's form to change one's own password."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plain_password_help()


class RoleGrantForm(DsForm):
    user = forms.TypedChoiceField(label=_("Person"), coerce=int)
    unit = forms.TypedChoiceField(label=_("Unit (the role covers everything below it too)"), coerce=int)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)

    def __init__(
        self, *args: object, users: Iterable[User], units: Iterable[OrgUnit], **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)
        self.choice_field("user").choices = [
            (u.pk, f"{u} ({u.email})" if u.get_full_name() and u.email else str(u)) for u in users
        ]
        self.choice_field("unit").choices = unit_choices(units)


class UserCreateForm(DsForm):
    username = forms.CharField(label=_("Username"), max_length=150)
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    password = forms.CharField(
        label=_("Initial password (optional)"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("At least 10 characters. Leave empty to send an invitation instead."),
    )
    invite = forms.BooleanField(
        label=_("E-mail an invitation to choose a password"),
        required=False,
        initial=True,
        help_text=_("The link works once. Needs an e-mail address and no initial password."),
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("invite") and not data.get("password") and not data.get("email"):
            self.add_error("email", _("Give an e-mail address to send the invitation to."))
        return data


class TokenForm(DsForm):
    name = forms.CharField(
        label=_("Name of the token"),
        max_length=100,
        help_text=_("For example the script or system that will use it."),
    )


class BrandingForm(DsForm):
    """The municipality's public pages: colour, logo, privacy and accessibility statements."""

    brand_colour = forms.CharField(
        label=_("Colour"),
        required=False,
        max_length=7,
        help_text=_(
            "Your municipality's colour as # and six hexadecimal digits, for example #0062ba. It must be "
            "dark enough for white text on it."
        ),
    )
    logo = forms.FileField(label=_("Logo"), required=False, help_text=_("PNG or JPEG, at most 200 kB."))
    remove_logo = forms.BooleanField(label=_("Remove the logo"), required=False)
    accessibility_statement_url = forms.URLField(
        label=_("Accessibility statement"),
        required=False,
        assume_scheme="https",
        help_text=_(
            "The address of your accessibility statement on uustatus.no. Every public page links to it."
        ),
    )
    privacy_contact = forms.CharField(
        label=_("Privacy contact"),
        required=False,
        max_length=200,
        help_text=_(
            "Where people can ask about their data, e.g. the data protection officer's e-mail address."
        ),
    )
    privacy_statement = forms.CharField(
        label=_("Your own privacy text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Shown on the privacy page under the standard text Medvirk writes for you: for example "
            "the legal basis you rely on or a link to your municipality's own privacy page."
        ),
    )


def _secret_field() -> forms.CharField:
    """A client secret: never shown again, empty keeps the stored one."""
    return forms.CharField(
        label=_("Client secret"),
        required=False,
        max_length=191,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Leave empty to keep the secret already saved."),
    )


class SingleSignOnForm(DsForm):
    """A municipality's staff single sign-on (``accounts.sso``)."""

    issuer = forms.CharField(
        label=_("The provider's address (issuer)"),
        max_length=300,
        help_text=_(
            "As your identity provider gives it. Microsoft Entra ID: "
            "https://login.microsoftonline.com/<tenant id>/v2.0"
        ),
    )
    client_id = forms.CharField(
        label=_("Client ID"), max_length=191, help_text=_("Called “Application (client) ID” in Entra ID.")
    )
    client_secret = _secret_field()
    match_claim = forms.ChoiceField(
        label=_("Recognise staff by"),
        choices=MatchClaim.choices,
        help_text=_(
            "At a person's first login, Medvirk looks for a user of your municipality whose e-mail "
            "address (or username) is this value. Later logins are recognised by the provider's own "
            "identifier."
        ),
    )
    create_users = forms.BooleanField(
        label=_("Create a user without roles at a first login"),
        required=False,
        help_text=_(
            "Otherwise someone without a Medvirk user is asked to contact an administrator. Either way, "
            "roles are given here in Medvirk."
        ),
    )
    local_passwords_off = forms.BooleanField(
        label=_("Local passwords off"),
        required=False,
        help_text=_(
            "Staff of your municipality can then log in only with single sign-on. Log in once with "
            "single sign-on yourself first."
        ),
    )
    enabled = forms.BooleanField(
        label=_("Offer single sign-on on the login page"), required=False, initial=True
    )


def _level_choices() -> list[tuple[str, Any]]:
    return [("", _("No login needed")), *IdPortenLevel.choices]


class IdPortenForm(DsForm):
    """The municipality's ID-porten client for citizens (``accounts.idporten``)."""

    issuer = forms.CharField(
        label=_("ID-porten's address (issuer)"),
        max_length=300,
        initial="https://idporten.no",
        help_text=_("https://idporten.no in production, https://test.idporten.no for testing."),
    )
    client_id = forms.CharField(
        label=_("Client ID"), max_length=191, help_text=_("From ID-porten's self-service.")
    )
    client_secret = _secret_field()
    level_choice_request = forms.ChoiceField(
        label=_("Request to choose or switch provider"),
        choices=_level_choices,
        required=False,
        help_text=_("The level of login a citizen needs before sending the request."),
    )
    level_volunteer = forms.ChoiceField(
        label=_("Volunteers managing their own registration"),
        choices=_level_choices,
        required=False,
        help_text=_("The level of login a volunteer needs to see and change their registration."),
    )
    enabled = forms.BooleanField(label=_("Use ID-porten"), required=False, initial=True)


def idporten_initial(current: IdPorten | None) -> dict[str, object]:
    """What the ID-porten form shows for a stored client (a municipality's or the installation's)."""
    if current is None:
        return {"enabled": True}
    return {
        "issuer": current.app.settings.get("server_url", ""),
        "client_id": current.app.client_id,
        "level_choice_request": current.level_choice_request,
        "level_volunteer": current.level_volunteer,
        "enabled": current.enabled,
    }


class CodeForm(DsForm):
    """A six-digit code from an authenticator app (or a recovery code)."""

    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
