"""Staff forms for surveys."""

from __future__ import annotations

from collections.abc import Iterable

from django import forms
from django.utils.translation import gettext_lazy as _

from medvirk.orgs.forms import unit_choices
from medvirk.orgs.models import OrgUnit
from medvirk.site.forms import DsForm

LANGUAGE_CHOICES = [
    ("nb", "Norsk bokmål"),
    ("nn", "Norsk nynorsk"),
    ("en", "English"),
    ("ar", "العربية (Arabic)"),
    ("pl", "Polski (Polish)"),
    ("uk", "Українська (Ukrainian)"),
    ("so", "Soomaali (Somali)"),
    ("ur", "اردو (Urdu)"),
    ("fa", "فارسی (Persian)"),
    ("ckb", "کوردی (Sorani)"),
    ("ti", "ትግርኛ (Tigrinya)"),
    ("se", "Davvisámegiella (Northern Sami)"),
]


class SurveyCreateForm(DsForm):
    template = forms.ChoiceField(label=_("Question set"), widget=forms.HiddenInput)
    round_label = forms.CharField(label=_("Round"), max_length=32, help_text=_("For example 2026."))
    owner_unit = forms.TypedChoiceField(label=_("Responsible unit"), coerce=int)
    units = forms.TypedMultipleChoiceField(
        label=_("Units that take part"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Units in the template's service area are suggested."),
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages offered to respondents"),
        choices=LANGUAGE_CHOICES,
        initial=["nb", "nn", "en"],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Languages without a translation yet are listed as missing in the translation view."),
    )

    def __init__(
        self,
        *args: object,
        templates: list[tuple[str, str]],
        owners: Iterable[OrgUnit],
        units: Iterable[OrgUnit],
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["template"].choices = templates
        self.fields["owner_unit"].choices = unit_choices(owners)
        self.fields["units"].choices = [(u.pk, u.name) for u in units]


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
    emails = forms.CharField(
        label=_("E-mail addresses"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One per line, or separated by commas. Addresses already invited are skipped."),
    )


class DefinitionForm(DsForm):
    definition = forms.CharField(
        label=_("Survey definition (JSON)"),
        widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "false"}),
        help_text=_("Question keys must stay the same: wording may change, keys keep the answers together."),
    )


class DatesForm(DsForm):
    opens_on = forms.DateField(
        label=_("Opens (first day)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    closes_on = forms.DateField(
        label=_("Closes (last day)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
