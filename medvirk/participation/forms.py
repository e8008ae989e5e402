"""Forms for activities, findings, measures and the yearly checklist (Designsystemet markup)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from medvirk.core.forms import DsForm
from medvirk.orgs.forms import unit_choices
from medvirk.orgs.models import OrgUnit, ServiceArea

from .composition import COMPOSITION_DIMENSIONS
from .models import ActivityKind, DecisionLevel, Invited, Ladder, Level, MeasureStatus
from .reflection import PROMPTS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
ACCOMMODATIONS = [
    ("offers_interpreter", _("Interpreter")),
    ("offers_accessible_venue", _("Accessible venue")),
    ("offers_child_care", _("Child care")),
    ("offers_travel_costs", _("Travel costs covered")),
]


class ActivityForm(DsForm):
    owner_unit = forms.TypedChoiceField(label=_("Responsible unit"), coerce=int)
    units = forms.TypedMultipleChoiceField(
        label=_("Other units taking part (optional)"),
        coerce=int,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind of activity"), choices=ActivityKind.choices)
    service_area = forms.ChoiceField(label=_("Service area"), choices=ServiceArea.choices)
    starts_on = forms.DateField(label=_("Date"), widget=DATE)
    ends_on = forms.DateField(label=_("Last date (optional)"), widget=DATE, required=False)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    purpose = forms.CharField(label=_("Purpose"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    question = forms.CharField(
        label=_("The question put to participants"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    ladder = forms.ChoiceField(
        label=_("Ladder level"),
        choices=Ladder.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "How much say do participants have? From their perspective being considered to user control."
        ),
    )
    level = forms.ChoiceField(label=_("Participation level"), choices=Level.choices, widget=forms.RadioSelect)
    invited = forms.ChoiceField(label=_("Who is invited"), choices=Invited.choices, widget=forms.RadioSelect)
    accommodations = forms.MultipleChoiceField(
        label=_("Accommodations offered"),
        choices=ACCOMMODATIONS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    survey = forms.TypedChoiceField(
        label=_("Linked survey (for a survey round)"), coerce=int, required=False, empty_value=None
    )
    published = forms.BooleanField(
        label=_("Show on the public page"),
        required=False,
        help_text=_("Open activities in the future are listed for citizens."),
    )

    def __init__(
        self, *args: Any, units: Iterable[OrgUnit], surveys: Iterable[Any] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        choices = unit_choices(units)
        self.choice_field("owner_unit").choices = choices
        self.choice_field("units").choices = choices
        self.choice_field("survey").choices = [("", _("None"))] + [
            (s.pk, f"{s} ({s.round_label})") for s in surveys
        ]

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        chosen = set(data.pop("accommodations", []))
        for key, _label in ACCOMMODATIONS:
            data[key] = key in chosen
        for key in ("owner_unit", "units", "survey"):
            data.pop(key, None)
        return data


def activity_initial(activity: Any) -> dict[str, Any]:
    initial = {name: getattr(activity, name) for name in ActivityForm.base_fields if hasattr(activity, name)}
    initial["owner_unit"] = activity.owner_unit_id
    initial["units"] = [u.pk for u in activity.units.all() if u.pk != activity.owner_unit_id]
    initial["survey"] = activity.survey_id
    initial["accommodations"] = [key for key, _label in ACCOMMODATIONS if getattr(activity, key)]
    return initial


class DocumentForm(DsForm):
    """Afterwards: participants, composition (aggregated counts only), minutes, our evaluation."""

    participants = forms.IntegerField(label=_("Number of participants"), min_value=0, required=False)
    minutes = forms.CharField(label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 8}), required=False)
    staff_evaluation = forms.CharField(
        label=_("Our own evaluation"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("What worked, what did not, and what we would do differently."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lang = (get_language() or "nb")[:2]
        self.composition_fields: list[tuple[str, list[str]]] = []
        for dimension in COMPOSITION_DIMENSIONS:
            names = []
            for category in dimension.categories:
                name = f"{dimension.key}__{category.key}"
                self.fields[name] = forms.IntegerField(
                    label=f"{dimension.label(lang)}: {category.label(lang)}", min_value=0, required=False
                )
                names.append(name)
            self.composition_fields.append((dimension.label(lang), names))

    def composition(self) -> dict[str, dict[str, Any]]:
        result: dict[str, dict[str, Any]] = {}
        for name, value in self.cleaned_data.items():
            if "__" in name and value is not None:
                dim, key = name.split("__", 1)
                result.setdefault(dim, {})[key] = value
        return result


def document_initial(activity: Any) -> dict[str, Any]:
    initial = {
        "participants": activity.participants,
        "minutes": activity.minutes,
        "staff_evaluation": activity.staff_evaluation,
    }
    for dim, counts in (activity.composition or {}).items():
        for key, n in counts.items():
            initial[f"{dim}__{key}"] = n
    return initial


class AttachmentForm(DsForm):
    file = forms.FileField(
        label=_("Attachment"),
        help_text=_("PDF, Word (docx), OpenDocument (odt), PNG or JPEG, at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.odt,.png,.jpg,.jpeg"}),
    )


class ReflectionForm(DsForm):
    prompt = forms.ChoiceField(label=_("Reflection prompt"), choices=())
    notes = forms.CharField(label=_("What was said"), widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choice_field("prompt").choices = [(p.key, p.text()) for p in PROMPTS]


class FindingForm(DsForm):
    unit = forms.TypedChoiceField(label=_("Unit"), coerce=int)
    statement = forms.CharField(
        label=_("Finding"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One or two sentences in plain language: what did users tell us?"),
    )
    activity = forms.TypedChoiceField(
        label=_("Evidence: activity"), coerce=int, required=False, empty_value=None
    )
    survey = forms.TypedChoiceField(label=_("Evidence: survey"), coerce=int, required=False, empty_value=None)
    published = forms.BooleanField(label=_("Show on the public page"), required=False)

    def __init__(
        self,
        *args: Any,
        units: Iterable[OrgUnit],
        activities: Iterable[Any],
        surveys: Iterable[Any],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.choice_field("unit").choices = unit_choices(units)
        self.choice_field("activity").choices = [("", _("None"))] + [
            (a.pk, f"{a} ({a.starts_on})") for a in activities
        ]
        self.choice_field("survey").choices = [("", _("None"))] + [
            (s.pk, f"{s} ({s.round_label})") for s in surveys
        ]


class FindingEditForm(DsForm):
    statement = FindingForm.base_fields["statement"]
    published = forms.BooleanField(label=_("Show on the public page"), required=False)


class MeasureForm(DsForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    owner = forms.TypedChoiceField(label=_("Owner"), coerce=int)
    service_area = forms.ChoiceField(label=_("Service area"), choices=ServiceArea.choices)
    decision_level = forms.ChoiceField(
        label=_("Who must decide"), choices=DecisionLevel.choices, widget=forms.RadioSelect
    )
    within_budget = forms.TypedChoiceField(
        label=_("Fits within the existing budget"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    due_on = forms.DateField(label=_("Due date (optional)"), widget=DATE, required=False)
    outcome = forms.CharField(
        label=_("What came of it"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    shareable = forms.BooleanField(
        label=_("Share in the measure bank"),
        required=False,
        help_text=_("Other units and municipalities can find it and learn from it."),
    )
    published = forms.BooleanField(label=_("Show on the public page"), required=False)

    def __init__(self, *args: Any, owners: Iterable[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choice_field("owner").choices = [(u.pk, u.get_full_name() or u.username) for u in owners]


class StatusForm(DsForm):
    status = forms.ChoiceField(label=_("Status"), choices=MeasureStatus.choices)
    progress = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    reason = forms.CharField(
        label=_("Reason (required when rejected)"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class CycleForm(DsForm):
    council_met = forms.BooleanField(label=_("The user council has met"), required=False)
    minorities_mapped = forms.BooleanField(
        label=_("Who can voice minorities' views is mapped"), required=False
    )
    report_published = forms.BooleanField(label=_("The participation report is published"), required=False)


class BankSearchForm(DsForm):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    area = forms.ChoiceField(
        label=_("Service area"), choices=[("", _("All")), *ServiceArea.choices], required=False
    )


class CompareForm(DsForm):
    """Pick two or more municipalities and a year (a GET form: the result is a shareable link)."""

    m = forms.MultipleChoiceField(
        label=_("Municipalities to compare"), widget=forms.CheckboxSelectMultiple, required=False
    )
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)

    def __init__(
        self, *args: Any, municipalities: Iterable[Any], years: Iterable[int], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.choice_field("m").choices = [(m.slug, m.name) for m in municipalities]
        self.choice_field("year").choices = [(y, y) for y in years]


class ShareForm(DsForm):
    partner = forms.ChoiceField(label=_("Share our figures with"))

    def __init__(self, *args: Any, partners: Iterable[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choice_field("partner").choices = [(m.slug, m.name) for m in partners]
