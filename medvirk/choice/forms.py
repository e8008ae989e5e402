"""Staff forms of free choice of provider, in Designsystemet markup."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from medvirk.common import languages
from medvirk.common.dimensions import AGE_BAND, IMMIGRANT_BACKGROUND
from medvirk.core.csv_import import IMPORT_MAX_BYTES
from medvirk.core.forms import BoundedFileField, DsForm, dataclass_from
from medvirk.orgs.models import OrgUnit

from .models import Approval, ChoiceService, Provider
from .rules import MAX_CHOICE_DAYS, MAX_NOTICE_DAYS, day_text
from .services import SERVICE_FIELDS, ProviderData
from .types import Channel, ProviderKind, ServiceKind, Specialisation, SwitchReason

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _date(label: Any, *, optional: bool = False, help_text: Any = "") -> forms.DateField:
    return forms.DateField(label=label, widget=DATE, required=not optional, help_text=help_text)


def _multi(label: Any, help_text: Any = "") -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label, required=False, widget=forms.CheckboxSelectMultiple, help_text=help_text
    )


def language_choices() -> list[tuple[str, str]]:
    """Return the registry's languages named in the page language (``العربية (arabisk)``)."""
    lang = get_language() or "nb"
    return [(x.code, x.label(lang)) for x in languages.listed()]


def _category_choices(dimension: Any) -> list[tuple[str, str]]:
    lang = get_language() or "nb"
    return [(c.key, c.label(lang)) for c in dimension.categories]


class ServiceForm(DsForm):
    """A service with choice and its rules."""

    owner_unit = forms.TypedChoiceField(label=_("Responsible unit"), coerce=int)
    name = forms.CharField(label=_("Name"), max_length=150)
    kind = forms.ChoiceField(label=_("Kind of service"), choices=ServiceKind.choices)
    description = forms.CharField(
        label=_("What the service is, in plain words (shown publicly)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    areas = _multi(
        _("Areas with choice"), _("Leave all unticked when clients choose in the whole municipality.")
    )
    notice_days = forms.IntegerField(
        label=_("Notice for a switch (calendar days)"), min_value=0, max_value=MAX_NOTICE_DAYS, initial=14
    )
    choice_days = forms.IntegerField(
        label=_("Time to choose after the decision (calendar days)"),
        min_value=0,
        max_value=MAX_CHOICE_DAYS,
        initial=14,
        help_text=_("Clients who have not chosen by then get the default provider from the day after."),
    )
    default_provider = forms.TypedChoiceField(
        label=_("Default provider"), coerce=int, required=False, empty_value=None
    )
    phone = forms.CharField(label=_("Phone for advice (shown publicly)"), max_length=20, required=False)
    email = forms.EmailField(label=_("E-mail for forms and questions (shown publicly)"), required=False)
    published = forms.BooleanField(label=_("Show the public comparison page"), required=False)

    def __init__(
        self,
        *args: Any,
        units: Sequence[OrgUnit],
        districts: Mapping[str, str],
        approvals: Sequence[Approval] = (),
        editing: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.choice_field("areas").choices = list(districts.items())
        if editing:
            del self.fields["owner_unit"]
            self.choice_field("default_provider").choices = [("", _("None yet"))] + [
                (a.provider_id, a.provider.name) for a in approvals
            ]
        else:
            self.choice_field("owner_unit").choices = [(u.pk, u.name) for u in units]
            del self.fields["default_provider"]

    def rules(self) -> dict[str, Any]:
        """Return the service fields as ``service_create``/``service_update`` take them."""
        return {k: self.cleaned_data[k] for k in SERVICE_FIELDS if k in self.fields}


def service_initial(service: ChoiceService) -> dict[str, Any]:
    """The form's values for a stored service (the default provider by its key, not loaded)."""
    initial = {k: getattr(service, k) for k in SERVICE_FIELDS if k != "default_provider"}
    return {**initial, "default_provider": service.default_provider_id}


class ProviderForm(DsForm):
    """A provider's details; a new provider also gets its place in the organisation tree."""

    parent = forms.TypedChoiceField(
        label=_("Place in the organisation"),
        coerce=int,
        help_text=_(
            "The provider becomes a unit here, so survey rounds and provider staff can be given to it."
        ),
    )
    name = forms.CharField(label=_("Name"), max_length=150)
    kind = forms.ChoiceField(label=_("Kind"), choices=ProviderKind.choices, widget=forms.RadioSelect)
    org_number = forms.CharField(
        label=_("Organisation number"),
        max_length=20,
        help_text=_("Nine digits, as in the Brønnøysund registers."),
    )
    contact_email = forms.EmailField(
        label=_("E-mail for notices"), help_text=_("New and ending clients are announced to this address.")
    )
    contact_name = forms.CharField(label=_("Contact person (optional)"), max_length=150, required=False)
    contact_phone = forms.CharField(
        label=_("Phone (optional, shown publicly)"), max_length=20, required=False
    )
    website = forms.URLField(label=_("Website (optional)"), required=False, assume_scheme="https")
    languages = _multi(_("Languages staff speak"))
    specialisations = _multi(_("Specialisations"))
    description = forms.CharField(
        label=_("About the provider, in plain words (shown publicly)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(
        self, *args: Any, parents: Sequence[OrgUnit] = (), editing: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.choice_field("languages").choices = language_choices()
        self.choice_field("specialisations").choices = Specialisation.choices
        if editing:
            del self.fields["parent"]
        else:
            self.choice_field("parent").choices = [(u.pk, u.name) for u in parents]

    def data_for_service(self) -> ProviderData:
        return dataclass_from(ProviderData, self.cleaned_data)


class ApprovalForm(DsForm):
    """A provider's approval for one service."""

    approved_from = _date(_("Approved from"))
    approved_until = _date(_("Approved until (optional)"), optional=True)
    suspended = forms.BooleanField(
        label=_("Approval suspended (clients cannot choose the provider)"), required=False
    )
    contract = forms.CharField(label=_("Contract reference (optional)"), max_length=100, required=False)
    capacity = forms.IntegerField(
        label=_("Capacity (clients, optional)"),
        min_value=0,
        required=False,
        help_text=_("Empty: no upper limit."),
    )
    areas = _multi(
        _("Areas served"), _("Leave all unticked when the provider serves every area of the service.")
    )

    def __init__(self, *args: Any, districts: Mapping[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choice_field("areas").choices = list(districts.items())


class ContinuityForm(DsForm):
    """Continuity for a period of four weeks, as the provider counts it."""

    period_start = _date(_("First day of the four weeks"))
    period_end = _date(_("Last day of the four weeks"))
    staff_per_client = forms.CharField(
        label=_("Different staff per client (average)"),
        max_length=5,
        help_text=_(
            "How many different staff visited each client during the four weeks, on average, e.g. 7,5."
        ),
    )


class ClientForm(DsForm):
    """A new client: alias, decision date and what the case handler's record says."""

    alias = forms.CharField(
        label=_("Alias or case reference"),
        max_length=60,
        help_text=_("Never the national ID number. Providers see this alias."),
    )
    decision_on = _date(_("Decision date"))
    district = forms.ChoiceField(label=_("City district"), required=False)
    age_band = forms.ChoiceField(label=_("Age group"), required=False)
    immigrant_background = forms.ChoiceField(label=_("Immigrant background"), required=False)
    language = forms.ChoiceField(label=_("Preferred language"), required=False)

    def __init__(self, *args: Any, districts: Mapping[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unknown: list[tuple[str, Any]] = [("", _("Not in the record"))]
        self.choice_field("district").choices = unknown + list(districts.items())
        self.choice_field("age_band").choices = unknown + _category_choices(AGE_BAND)
        self.choice_field("immigrant_background").choices = unknown + _category_choices(IMMIGRANT_BACKGROUND)
        self.choice_field("language").choices = unknown + language_choices()
        for name in ("district", "age_band", "immigrant_background", "language"):
            self.fields[name].help_text = _(
                "Only what the case record says; never ask the client for it here."
            )


def _provider_choices(providers: Iterable[Provider]) -> list[tuple[int, str]]:
    return [(p.pk, p.name) for p in providers]


class ChoiceForm(DsForm):
    """The client's first choice within the time to choose."""

    provider = forms.TypedChoiceField(label=_("Chosen provider"), coerce=int, widget=forms.RadioSelect)
    chosen_on = _date(_("Chosen on"))
    starts_on = _date(
        _("First day with the provider (optional)"),
        optional=True,
        help_text=_("Empty: the day of the choice."),
    )
    channel = forms.ChoiceField(label=_("Received"), choices=Channel.choices)

    def __init__(self, *args: Any, providers: Iterable[Provider], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choice_field("provider").choices = _provider_choices(providers)


class SwitchForm(DsForm):
    """A switch to another provider; the notice rule gives the date."""

    to_provider = forms.TypedChoiceField(label=_("New provider"), coerce=int, widget=forms.RadioSelect)
    requested_on = _date(_("Requested on"))
    wished_on = _date(
        _("Wished start (optional)"),
        optional=True,
        help_text=_("Only a date after the notice counts; earlier wishes start after the notice."),
    )
    reasons = _multi(_("Reasons the client gives"))
    reason_text = forms.CharField(
        label=_("In the client's words (optional)"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    channel = forms.ChoiceField(label=_("Received"), choices=Channel.choices)

    def __init__(self, *args: Any, providers: Iterable[Provider], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choice_field("to_provider").choices = _provider_choices(providers)
        self.choice_field("reasons").choices = SwitchReason.choices


class EndForm(DsForm):
    last_day = _date(_("Last day of the service"))


class ImportForm(DsForm):
    file = BoundedFileField(
        max_bytes=IMPORT_MAX_BYTES,
        label=_("CSV file"),
        help_text=_(
            "Columns: alias, leverandør (name or organisation number), fra (first day) and optionally "
            "vedtaksdato, bydel, aldersgruppe, innvandringsbakgrunn, språk. Comma, semicolon or tab."
        ),
    )


class MatchForm(DsForm):
    client = forms.TypedChoiceField(label=_("Client"), coerce=int, widget=forms.RadioSelect)

    def __init__(self, *args: Any, clients: Iterable[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choice_field("client").choices = [
            (c.pk, f"{c.alias} ({day_text(c.decision_on)})") for c in clients
        ]


class CloseForm(DsForm):
    note = forms.CharField(
        label=_("Why the request is closed"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
