"""Forms of the organisations register (staff and public), in Designsystemet markup."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from medvirk.core.errors import ServiceError
from medvirk.core.forms import DsForm, dataclass_from
from medvirk.orgs.models import OrgUnit

from .models import ContactKind, Organisation
from .selectors import SearchQuery, organisation_values
from .services import OrganisationData, clean_org_number, clean_phone
from .types import COUNTRY_CHOICES, LANGUAGE_CHOICES, Competence, Group, OrganisationKind

COUNTRY_PREFIX = "country:"


def group_choices() -> list[tuple[str, Any]]:
    """Return groups and country backgrounds as one list (countries prefixed ``country:``)."""
    countries = [
        (COUNTRY_PREFIX + k, _("Background from %(country)s") % {"country": label})
        for k, label in COUNTRY_CHOICES
    ]
    return [*Group.choices, *countries]


def _multi(label: Any, choices: Any, help_text: Any = "") -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label, choices=choices, required=False, widget=forms.CheckboxSelectMultiple, help_text=help_text
    )


class OrganisationFieldsForm(DsForm):
    """The organisation fields shared by the staff form and the public proposal form."""

    name = forms.CharField(label=_("Name of the organisation"), max_length=200)
    org_number = forms.CharField(
        label=_("Organisation number (optional)"),
        max_length=20,
        required=False,
        help_text=_("Nine digits, as registered in the Brønnøysund Register Centre."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=OrganisationKind.choices)
    description = forms.CharField(
        label=_("What the organisation does (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    districts = forms.TypedMultipleChoiceField(
        label=_("Districts where it is active"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    competences = _multi(_("Competence"), Competence.choices)
    languages = _multi(_("Languages"), LANGUAGE_CHOICES)
    groups = _multi(_("Groups it can speak for"), Group.choices)
    countries = _multi(_("Country backgrounds it can speak for"), COUNTRY_CHOICES)
    website = forms.URLField(label=_("Website (optional)"), required=False, assume_scheme="https")

    def __init__(self, *args: Any, districts: Iterable[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choice_field("districts").choices = [(d.pk, d.name) for d in districts]

    def clean_org_number(self) -> str:
        try:
            return clean_org_number(self.cleaned_data["org_number"])
        except ServiceError as error:
            raise forms.ValidationError(str(error.message)) from None

    def organisation_data(self) -> OrganisationData:
        """Return the cleaned values as the services take them (the staff form's fields included)."""
        return dataclass_from(
            OrganisationData, self.cleaned_data, district_ids=list(self.cleaned_data["districts"])
        )


def organisation_initial(org: Organisation) -> dict[str, Any]:
    """Return form initial values for an existing organisation."""
    values = organisation_values(org)
    values["districts"] = values.pop("district_ids")
    return values


class OrganisationForm(OrganisationFieldsForm):
    """Staff form: every field, including public listing and competence-partner status."""

    listed_publicly = forms.BooleanField(label=_("Show in the public search"), required=False, initial=True)
    is_competence_partner = forms.BooleanField(label=_("Competence partner"), required=False)
    partner_from = forms.DateField(
        label=_("Competence partner from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    partner_until = forms.DateField(
        label=_("Competence partner until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    partner_support = forms.CharField(
        label=_("Support given by the municipality"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class ProposalForm(OrganisationFieldsForm):
    """Public self-service form: an organisation proposes a new entry or an update."""

    contact_name = forms.CharField(label=_("Contact person (optional)"), max_length=150, required=False)
    contact_email = forms.EmailField(label=_("Contact person's e-mail (optional)"), required=False)
    contact_phone = forms.CharField(
        label=_("Contact person's phone (optional)"), max_length=20, required=False
    )
    consent = forms.BooleanField(
        label=_("The contact person agrees that the municipality stores these contact details"),
        required=False,
        help_text=_(
            "They are used only to contact the organisation about user participation, and can be "
            "deleted at any time on request."
        ),
    )
    message = forms.CharField(
        label=_("Message to the municipality (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    # Honeypot: hidden from people (the wrapper has the hidden attribute), filled in by bots.
    nickname = forms.CharField(label=_("Leave this field empty"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["nickname"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        has_contact = any(cleaned.get(k) for k in ("contact_name", "contact_email", "contact_phone"))
        if has_contact and not cleaned.get("consent"):
            self.add_error(
                "consent", _("Tick the box to let us store the contact details, or leave them empty.")
            )
        if cleaned.get("contact_name") and not (cleaned.get("contact_email") or cleaned.get("contact_phone")):
            self.add_error("contact_email", _("Give an e-mail address or a phone number."))
        return cleaned

    def clean_contact_phone(self) -> str:
        try:
            return clean_phone(self.cleaned_data["contact_phone"])
        except ServiceError as error:
            raise forms.ValidationError(str(error.message)) from None

    def is_spam(self) -> bool:
        """Return whether the honeypot was filled in."""
        return bool(self.data.get("nickname"))

    def contact(self) -> dict[str, str]:
        c = self.cleaned_data
        return {"name": c["contact_name"], "email": c["contact_email"], "phone": c["contact_phone"]}

    def visible_organisation_fields(self) -> list[Any]:
        skip = {"contact_name", "contact_email", "contact_phone", "consent", "message", "nickname"}
        return [self[n] for n in self.fields if n not in skip]


class SearchForm(DsForm):
    """Find organisations: every filter optional, submitted with GET."""

    q = forms.CharField(label=_("Name or organisation number"), required=False, max_length=100)
    district = forms.TypedChoiceField(label=_("District"), coerce=int, required=False, empty_value=None)
    competence = forms.ChoiceField(label=_("Competence"), required=False)
    language = forms.ChoiceField(label=_("Language"), required=False)
    group = forms.ChoiceField(label=_("Group it can speak for"), required=False)

    def __init__(self, *args: Any, districts: Iterable[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        anything = [("", _("Any"))]
        self.choice_field("district").choices = anything + [(d.pk, d.name) for d in districts]
        self.choice_field("competence").choices = anything + list(Competence.choices)
        self.choice_field("language").choices = anything + list(LANGUAGE_CHOICES)
        self.choice_field("group").choices = anything + group_choices()

    def query(self) -> SearchQuery:
        """Return the search as a selector query (empty when the form is invalid)."""
        if not self.is_valid():
            return SearchQuery()
        c = self.cleaned_data
        group = c["group"] or ""
        country = group.removeprefix(COUNTRY_PREFIX) if group.startswith(COUNTRY_PREFIX) else ""
        return SearchQuery(
            text=c["q"].strip(),
            district=c["district"],
            competence=c["competence"] or "",
            language=c["language"] or "",
            group="" if country else group,
            country=country,
        )


class ContactPersonForm(DsForm):
    name = forms.CharField(label=_("Name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    consent_purpose = forms.CharField(
        label=_("What the details will be used for"),
        max_length=300,
        initial=_("Invitations to user participation and consultations"),
    )
    consent = forms.BooleanField(
        label=_("The person has consented to the municipality storing these details for this purpose"),
        required=False,
    )


class ContactLogForm(DsForm):
    organisation = forms.TypedChoiceField(label=_("Organisation"), coerce=int)
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label=_("What you did"), choices=ContactKind.choices)
    contribution = forms.CharField(
        label=_("What the organisation contributed"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    activity = forms.TypedChoiceField(
        label=_("Documented participation activity (optional)"), coerce=int, required=False, empty_value=None
    )
    activity_reference = forms.CharField(
        label=_("Participation activity (optional)"),
        max_length=200,
        required=False,
        help_text=_("The meeting, panel or council this was part of."),
    )

    def __init__(
        self, *args: Any, organisations: Iterable[Organisation], activities: Iterable[Any] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.choice_field("organisation").choices = [(o.pk, o.name) for o in organisations]
        self.choice_field("activity").choices = [("", "–")] + [
            (a.pk, f"{a.title} ({a.starts_on:%d.%m.%Y})" if getattr(a, "starts_on", None) else a.title)
            for a in activities
        ]


class InviteForm(DsForm):
    unit = forms.TypedChoiceField(label=_("On behalf of"), coerce=int)
    subject = forms.CharField(label=_("Subject"), max_length=150)
    message = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 6}))
    nominate = forms.BooleanField(
        label=_("Ask the organisation to nominate members to a panel or council"), required=False
    )
    activity_reference = forms.CharField(
        label=_("Participation activity (optional)"), max_length=200, required=False
    )

    def __init__(self, *args: Any, units: Iterable[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choice_field("unit").choices = [(u.pk, "\u2003" * u.depth + u.name) for u in units]


class DecisionForm(DsForm):
    note = forms.CharField(
        label=_("Note (optional)"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
