"""Forms of the panels module: public sign-up, panel setup, quotas, councils and their meetings."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from medvirk.accounts.access import units_for_new_work
from medvirk.accounts.permissions import Perm
from medvirk.core.forms import DsForm, dataclass_from
from medvirk.core.retention import retention_amount
from medvirk.orgs.models import Municipality, OrgUnit
from medvirk.participation.models import Activity
from medvirk.partners.types import LANGUAGE_CHOICES

from .choices import FEATURES, PREFER_NOT, PanelMethod, feature_choices, value_label
from .models import Council, CouncilMeeting, CouncilMemberKind, CouncilRole
from .retention import VOLUNTEERS
from .selectors import linkable_activities
from .services import VolunteerData

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def _style(form: forms.Form) -> None:
    """Give fields added after ``DsForm.__init__`` the same Designsystemet widgets as the others."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
            widget.template_name = "core/forms/multiple_input.html"
            widget.option_template_name = "core/forms/input_option.html"
        elif "ds-input" not in widget.attrs.get("class", ""):
            widget.attrs["class"] = (widget.attrs.get("class", "") + " ds-input").strip()


def _add_languages_and_needs(
    form: forms.Form, *, languages: StrOrPromise, needs: StrOrPromise, needs_help: StrOrPromise = ""
) -> None:
    """Add the volunteer's languages and accessibility needs, as sign-up and staff both ask them.

    One definition of what the two fields accept (the language list, 1,000 characters of needs);
    only the labels differ, the public form asking in the volunteer's own words.
    """
    form.fields["languages"] = forms.MultipleChoiceField(
        label=languages, choices=LANGUAGE_CHOICES, required=False, widget=forms.CheckboxSelectMultiple
    )
    form.fields["accessibility_needs"] = forms.CharField(
        label=needs,
        help_text=needs_help,
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def consent_text(municipality: Municipality) -> str:
    """Return the consent statement a volunteer agrees to (stored with the volunteer)."""
    return str(
        _(
            "%(name)s may store my name, e-mail and the answers above to invite me to user panels and "
            "councils, and to draw panels by lot so that they match the population. The information is "
            "kept until I withdraw, and at most %(months)d months. I can withdraw at any time with the link "
            "in the e-mail, and everything about me is then deleted."
        )
        % {"name": municipality.name, "months": retention_amount(municipality.pk, VOLUNTEERS)}
    )


# The public form asks in plain words; the keys are Statistics Norway's categories, whose names
# ("Rest of the population") are for tables, not for a person describing themself.
SIGNUP_IMMIGRANT_CHOICES = [
    ("immigrant", _("Yes, I moved to Norway from another country")),
    ("norwegian_born_to_immigrants", _("Yes, I was born in Norway to two parents who moved here")),
    ("rest", _("No")),
]


class SignupForm(DsForm):
    name = forms.CharField(
        label=_("Name"), max_length=150, error_messages={"required": _("Write your name.")}
    )
    email = forms.EmailField(
        label=_("E-mail"),
        help_text=_("We send you a link to confirm the address, and a link to withdraw."),
        error_messages={
            "required": _("Write your e-mail address."),
            "invalid": _("Write the whole e-mail address, for example ola@example.com."),
        },
    )

    def __init__(self, *args: Any, municipality: Municipality, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = feature_choices(municipality)
        labels = {
            "age_band": _("Age group"),
            "gender": _("Gender"),
            "district": _("Where do you live?"),
            "immigrant_background": _("Do you have an immigrant background?"),
            "social_background": _("Highest completed education"),
        }
        choices = {**choices, "immigrant_background": SIGNUP_IMMIGRANT_CHOICES}
        for feature in FEATURES:
            options = [*choices[feature], PREFER_NOT]
            widget = forms.Select if feature in ("age_band", "district") else forms.RadioSelect
            self.fields[feature] = forms.ChoiceField(
                label=labels[feature],
                choices=[("", "—"), *options] if widget is forms.Select else options,
                widget=widget,
                error_messages={"required": _("Choose an answer, or “Prefer not to say”.")},
            )
        _add_languages_and_needs(
            self,
            languages=_("Languages you speak"),
            needs=_("Do you need anything to take part?"),
            needs_help=_("For example an interpreter, step-free access, hearing loop or transport."),
        )
        self.fields["consent"] = forms.BooleanField(
            label=_("I agree"), help_text=consent_text(municipality), required=False
        )
        self.fields["nickname"] = forms.CharField(label=_("Leave this field empty"), required=False)
        self.fields["nickname"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        _style(self)

    def clean_consent(self) -> bool:
        if not self.cleaned_data.get("consent"):
            raise forms.ValidationError(_("You must agree before you can sign up."))
        return True

    def data_object(self) -> VolunteerData:
        return dataclass_from(VolunteerData, self.cleaned_data)


class PanelForm(DsForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    purpose = forms.CharField(
        label=_("Purpose"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the panel will advise on; shown in the transparency report."),
    )
    size = forms.IntegerField(label=_("Number of seats"), min_value=1, max_value=500)
    method = forms.ChoiceField(
        label=_("Selection method"),
        choices=PanelMethod.choices,
        widget=forms.RadioSelect,
        initial=PanelMethod.LEXIMIN,
    )
    one_per_household = forms.BooleanField(label=_("At most one person per household"), required=False)


class QuotaForm(DsForm):
    """Min and max per category; a category left blank is not constrained; a feature left blank is unused."""

    def __init__(
        self,
        *args: Any,
        municipality: Municipality,
        size: int,
        pool: dict[tuple[str, str], int],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.size = size
        self.groups: list[dict[str, Any]] = []
        choices = feature_choices(municipality)
        for feature, label in FEATURES.items():
            rows = []
            for value, _vlabel in [*choices[feature], PREFER_NOT]:
                vlabel = value_label(choices, feature, value)
                # The fields' labels are read out by screen readers ("16–24 år: max" before).
                bounds = {"min": _("%(group)s: fewest seats"), "max": _("%(group)s: most seats")}
                for bound, words in bounds.items():
                    name = f"{feature}__{value}__{bound}"
                    self.fields[name] = forms.IntegerField(
                        label=words % {"group": vlabel}, required=False, min_value=0, max_value=500
                    )
                rows.append(
                    {
                        "value": value,
                        "label": vlabel,
                        "pool": pool.get((feature, value), 0),
                        "min": self[f"{feature}__{value}__min"],
                        "max": self[f"{feature}__{value}__max"],
                    }
                )
            self.groups.append({"key": feature, "label": label, "rows": rows})
        _style(self)

    def quotas(self) -> list[tuple[str, str, int, int]]:
        out: list[tuple[str, str, int, int]] = []
        for group in self.groups:
            feature = group["key"]
            cells = [
                (
                    row["value"],
                    self.cleaned_data.get(f"{feature}__{row['value']}__min"),
                    self.cleaned_data.get(f"{feature}__{row['value']}__max"),
                )
                for row in group["rows"]
            ]
            if all(lo is None and hi is None for _v, lo, hi in cells):
                continue
            out.extend((feature, v, lo or 0, self.size if hi is None else hi) for v, lo, hi in cells)
        return out


def quota_initial(rows: Any) -> dict[str, int]:
    """Return form initial values from (feature, value) → (min, max)."""
    return {f"{f}__{v}__{b}": n for (f, v), (lo, hi) in rows.items() for b, n in (("min", lo), ("max", hi))}


class VolunteerEditForm(DsForm):
    """Staff correct a volunteer's attributes on their behalf (e.g. after a phone call)."""

    def __init__(self, *args: Any, municipality: Municipality, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = feature_choices(municipality)
        for feature, label in FEATURES.items():
            self.fields[feature] = forms.ChoiceField(label=label, choices=[*choices[feature], PREFER_NOT])
        _add_languages_and_needs(self, languages=_("Languages"), needs=_("Accessibility needs"))
        self.fields["household_key"] = forms.CharField(
            label=_("Household"),
            help_text=_(
                "The same text for people in one household (used when a panel allows one per household)."
            ),
            required=False,
            max_length=100,
        )
        _style(self)


class CouncilForm(DsForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    mandate = forms.CharField(label=_("Mandate"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    contact_email = forms.EmailField(label=_("E-mail for term reminders"), required=False)


class CouncilMemberForm(DsForm):
    name = forms.CharField(label=_("Name"), max_length=150)
    kind = forms.ChoiceField(label=_("Represents"), choices=CouncilMemberKind.choices)
    role = forms.ChoiceField(label=_("Role"), choices=CouncilRole.choices, initial=CouncilRole.MEMBER)
    organisation = forms.CharField(label=_("Organisation"), max_length=200, required=False)
    term_start = forms.DateField(label=_("Term starts"), widget=forms.DateInput(attrs={"type": "date"}))
    term_end = forms.DateField(label=_("Term ends"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("term_start") and data.get("term_end") and data["term_end"] < data["term_start"]:
            self.add_error("term_end", _("The term must end after it starts."))
        return data


class CouncilTermForm(DsForm):
    """A member's new term end, sent from the member's row (the button's value names the member)."""

    term_end = forms.DateField(label=_("New end of term"), widget=forms.DateInput(attrs={"type": "date"}))


class CouncilDecisionForm(DsForm):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    text = forms.CharField(label=_("Decision or advice"), widget=forms.Textarea(attrs={"rows": 3}))
    follow_up = forms.CharField(
        label=_("Follow-up"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class MeetingForm(DsForm):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    title = forms.CharField(label=_("Title"), max_length=200)
    agenda = forms.CharField(label=_("Agenda"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    record_for = forms.ModelChoiceField(
        label=_("Record as a participation activity of"),
        help_text=_("The meeting then counts in the unit's participation overview and reports."),
        queryset=OrgUnit.objects.none(),
        required=False,
        empty_label=_("Do not record it"),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = units_for_new_work(user, Perm.PARTICIPATION_MANAGE)
        self.model_choice_field("record_for").queryset = units.order_by("path")


class MeetingLinkForm(DsForm):
    meeting = forms.ModelChoiceField(label=_("Meeting"), queryset=CouncilMeeting.objects.none())
    activity = forms.ModelChoiceField(
        label=_("Participation activity (kind “council meeting”)"),
        queryset=Activity.objects.none(),
    )

    def __init__(self, *args: Any, user: Any, council: Council, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.model_choice_field("meeting").queryset = council.meetings.filter(activity__isnull=True)
        self.model_choice_field("activity").queryset = linkable_activities(user)
