"""Forms for login, roles, staff users and API tokens."""

from __future__ import annotations

from collections.abc import Iterable

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from medvirk.core.forms import DsForm, DsFormMixin
from medvirk.orgs.forms import unit_choices
from medvirk.orgs.models import OrgUnit

from .models import Role, User


class LoginForm(DsFormMixin, AuthenticationForm):
    """Django's login form in Designsystemet markup."""


class RoleGrantForm(DsForm):
    user = forms.TypedChoiceField(label=_("Person"), coerce=int)
    unit = forms.TypedChoiceField(label=_("Unit (the role covers everything below it too)"), coerce=int)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)

    def __init__(
        self, *args: object, users: Iterable[User], units: Iterable[OrgUnit], **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["user"].choices = [(u.pk, f"{u} ({u.username})") for u in users]
        self.fields["unit"].choices = unit_choices(units)


class UserCreateForm(DsForm):
    username = forms.CharField(label=_("Username"), max_length=150)
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    password = forms.CharField(
        label=_("Initial password (optional)"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("At least 10 characters. Leave empty if the person will get a password another way."),
    )


class TokenForm(DsForm):
    name = forms.CharField(
        label=_("Name of the token"),
        max_length=100,
        help_text=_("For example the script or system that will use it."),
    )
