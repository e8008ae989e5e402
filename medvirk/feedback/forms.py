"""Forms of the client-feedback pages (Designsystemet markup through ``DsForm``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from medvirk.common import languages
from medvirk.common.dimensions import AGE_BAND, GENDER, HOME_LANGUAGE, IMMIGRANT_BACKGROUND, Dimension
from medvirk.core.forms import DsForm

from .models import EndReason, RaterKind, Service

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def dimension_choices(dimension: Dimension) -> list[tuple[str, str]]:
    """Return "not stated" and the dimension's categories, labelled in the page language."""
    lang = get_language() or "nb"
    return [("", str(_("Not stated"))), *((c.key, c.label(lang)) for c in dimension.categories)]


def language_choices() -> list[tuple[str, str]]:
    """Return the languages clients can answer in: those with respondent page texts."""
    lang = get_language() or "nb"
    return [(lang_.code, lang_.label(lang)) for lang_ in languages.listed() if lang_.respondent_texts]


class BackgroundMixin(DsForm):
    gender = forms.ChoiceField(label=_("Gender (optional)"), required=False)
    immigrant_background = forms.ChoiceField(label=_("Immigrant background (optional)"), required=False)
    home_language = forms.ChoiceField(label=_("Language spoken at home (optional)"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choice_field("gender").choices = dimension_choices(GENDER)
        self.choice_field("immigrant_background").choices = dimension_choices(IMMIGRANT_BACKGROUND)
        self.choice_field("home_language").choices = dimension_choices(HOME_LANGUAGE)


class EpisodeForm(BackgroundMixin, DsForm):
    service = forms.TypedChoiceField(label=_("Service"), coerce=int)
    alias = forms.CharField(
        label=_("Alias"),
        max_length=60,
        help_text=_("Initials or a nickname the client agrees to. Never a national identity number."),
    )
    birth_year = forms.IntegerField(
        label=_("Birth year (optional)"), required=False, min_value=1900, max_value=2100
    )
    language = forms.ChoiceField(label=_("The client answers in"))
    contact_email = forms.EmailField(
        label=_("E-mail for links (optional)"),
        required=False,
        help_text=_("Only if you will send the client links. Stored encrypted."),
    )
    contact_phone = forms.CharField(
        label=_("Mobile number for links (optional)"), required=False, max_length=30
    )

    field_order = ["service", "alias", "birth_year", "language"]

    def __init__(self, *args: Any, services: Iterable[Service], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choice_field("service").choices = [(s.pk, f"{s.name} ({s.unit.name})") for s in services]
        self.choice_field("language").choices = language_choices()

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("service")
        return data


class EpisodeEditForm(BackgroundMixin, DsForm):
    alias = forms.CharField(label=_("Alias"), max_length=60)
    language = forms.ChoiceField(label=_("The client answers in"))
    contact_email = forms.EmailField(label=_("E-mail for links (optional)"), required=False)
    contact_phone = forms.CharField(
        label=_("Mobile number for links (optional)"), required=False, max_length=30
    )

    field_order = ["alias", "language"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choice_field("language").choices = language_choices()


class GoalsForm(DsForm):
    goals = forms.CharField(
        label=_("What matters to the client: goals in their own words, one per line (at most five)"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
    )

    def texts(self) -> list[str]:
        return [line for line in self.cleaned_data["goals"].splitlines() if line.strip()]


class MemberForm(DsForm):
    user = forms.TypedChoiceField(label=_("Colleague"), coerce=int)

    def __init__(self, *args: Any, colleagues: Iterable[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choice_field("user").choices = [(u.pk, str(u)) for u in colleagues]


class RaterForm(DsForm):
    kind = forms.ChoiceField(
        label=_("Who"), choices=[c for c in RaterKind.choices if c[0] != RaterKind.CLIENT]
    )
    label = forms.CharField(label=_("Name or role (optional)"), required=False, max_length=60)
    language = forms.ChoiceField(label=_("Answers in"))
    contact_email = forms.EmailField(label=_("E-mail for links (optional)"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choice_field("language").choices = language_choices()


class CloseForm(DsForm):
    end_reason = forms.ChoiceField(
        label=_("How did it end?"), choices=EndReason.choices, widget=forms.RadioSelect
    )
    closed_on = forms.DateField(label=_("Last date"), widget=DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"closed_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class SessionForm(DsForm):
    held_on = forms.DateField(label=_("Date of the session"), widget=DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"held_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class ConversationForm(DsForm):
    unit = forms.TypedChoiceField(label=_("Unit"), coerce=int)
    held_on = forms.DateField(label=_("Date"), widget=DATE)
    goals = forms.CharField(
        label=_("What matters to the person, in their own words: one thing per line (at most five)"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Do not write names or other details that could identify anyone."),
    )
    age_band = forms.ChoiceField(label=_("Age group (optional)"), required=False)
    gender = forms.ChoiceField(label=_("Gender (optional)"), required=False)
    immigrant_background = forms.ChoiceField(label=_("Immigrant background (optional)"), required=False)
    home_language = forms.ChoiceField(label=_("Language spoken at home (optional)"), required=False)

    def __init__(self, *args: Any, units: Iterable[Any], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"held_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        from medvirk.orgs.forms import unit_choices

        self.choice_field("unit").choices = unit_choices(units)
        self.choice_field("age_band").choices = dimension_choices(AGE_BAND)
        self.choice_field("gender").choices = dimension_choices(GENDER)
        self.choice_field("immigrant_background").choices = dimension_choices(IMMIGRANT_BACKGROUND)
        self.choice_field("home_language").choices = dimension_choices(HOME_LANGUAGE)

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("unit")
        data["goals"] = [line for line in data["goals"].splitlines() if line.strip()]
        return data


class FindingForm(DsForm):
    statement = forms.CharField(
        label=_("The finding, in one or two sentences"), widget=forms.Textarea(attrs={"rows": 3})
    )


class ServiceForm(DsForm):
    unit = forms.TypedChoiceField(label=_("Unit that runs it"), coerce=int)
    name = forms.CharField(label=_("Name of the service"), max_length=150)
    outcome = forms.TypedChoiceField(label=_("Outcome measure (each session's start)"), coerce=int)
    alliance = forms.TypedChoiceField(
        label=_("Session feedback (each session's end)"), coerce=int, required=False, empty_value=None
    )
    goals = forms.BooleanField(
        label=_("Goals in the client's own words, rated 0–10"), required=False, initial=True
    )
    link_hours = forms.IntegerField(
        label=_("Client links valid for (hours)"), initial=24, min_value=1, max_value=336
    )
    no_change_after = forms.IntegerField(
        label=_("Alert when there is no reliable change after (sessions)"),
        initial=4,
        min_value=2,
        max_value=30,
    )

    def __init__(
        self,
        *args: Any,
        units: Iterable[Any],
        outcomes: Iterable[Any],
        alliances: Iterable[Any],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        from medvirk.orgs.forms import unit_choices

        self.choice_field("unit").choices = unit_choices(units)
        self.choice_field("outcome").choices = [(i.pk, str(i)) for i in outcomes]
        self.choice_field("alliance").choices = [("", _("None")), *((i.pk, str(i)) for i in alliances)]


class RetentionForm(DsForm):
    unit = forms.TypedChoiceField(label=_("Unit (applies to every unit below it)"), coerce=int)
    months = forms.IntegerField(
        label=_("Anonymise closed episodes after (months)"), min_value=1, max_value=120
    )

    def __init__(self, *args: Any, units: Iterable[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from medvirk.orgs.forms import unit_choices

        self.choice_field("unit").choices = unit_choices(units)
