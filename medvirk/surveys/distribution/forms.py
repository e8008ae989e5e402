"""Staff forms for distributing a survey: codes, invitations, number of users."""

from __future__ import annotations

from collections.abc import Iterable

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from medvirk.common.languages import label, name
from medvirk.core.forms import DsForm

from ..design.forms import page_language


class CountForm(DsForm):
    count = forms.IntegerField(label=_("Number of codes"), min_value=1, max_value=5000, initial=50)


class UserCountForm(DsForm):
    user_count = forms.IntegerField(
        label=_("Number of users in the unit"),
        min_value=0,
        required=False,
        help_text=_("Used to show the response rate."),
    )


class InviteForm(DsForm):
    language = forms.ChoiceField(
        label=_("Language of the invitations"),
        help_text=_("The e-mail, its reminders and the survey open in this language."),
    )
    emails = forms.CharField(
        label=_("E-mail addresses"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "One per line, or separated by commas. Addresses already invited are skipped. "
            "To write to someone in another of the survey's languages, add it after a semicolon: "
            "ola@example.no;en"
        ),
    )

    def __init__(self, *args: object, languages: Iterable[str] = ("nb",), **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        ui = page_language()
        self.choice_field("language").choices = [(code, label(code, ui)) for code in languages]
        # The ";code" after an address needs the code, which the select above does not show.
        codes = ", ".join(f"{code} = {name(code, ui)}" for code in languages if name(code, ui) != code)
        if codes:
            self.fields["emails"].help_text = format_lazy(
                "{} {}", self.fields["emails"].help_text, _("Language codes: %(list)s.") % {"list": codes}
            )
