"""Staff forms for distributing a survey: codes, invitations, number of users."""

from __future__ import annotations

from collections.abc import Iterable

from django import forms
from django.utils.html import format_html, format_html_join
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
            "To write to someone in another of the survey's languages, add its code after a semicolon:"
        ),
    )

    def __init__(self, *args: object, languages: Iterable[str] = ("nb",), **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        ui = page_language()
        self.choice_field("language").choices = [(code, label(code, ui)) for code in languages]
        # The ";code" after an address needs the code, which the select above does not show: the
        # codes are what the user types, so they are marked as keyboard input (<kbd>).
        example = next((code for code in languages if code != "nb"), "en")
        named = [(code, name(code, ui)) for code in languages if name(code, ui) != code]
        codes = format_html_join(", ", "<kbd>{}</kbd> = {}", named)
        help_text = format_html("{} <kbd>ola@example.no;{}</kbd>", self.fields["emails"].help_text, example)
        if codes:
            help_text = format_html(
                "{} {}", help_text, format_html(str(_("Language codes: {list}.")), list=codes)
            )
        self.fields["emails"].help_text = help_text
