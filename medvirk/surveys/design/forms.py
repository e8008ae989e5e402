"""Staff forms for surveys."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from medvirk.common.languages import direction, listed
from medvirk.common.languages import name as language_name
from medvirk.core.forms import DsForm
from medvirk.orgs.forms import unit_choices
from medvirk.orgs.models import OrgUnit

from .. import qtypes
from ..models import AnsweredBy
from .local import LOCAL_TYPES
from .target import AGE_FROM, AGE_TO


def _edits(key: object, edit: qtypes.Edit) -> bool:
    """Whether the question type ``key`` has the part ``edit`` to fill in (options, a scale)."""
    qtype = qtypes.find(key)
    return qtype is not None and edit in qtype.edits


def page_language() -> str:
    """Return the staff page's language (``nb``, ``nn`` or ``en``) for naming languages in it."""
    return (get_language() or "nb").split("-")[0]


def language_choices() -> list[tuple[str, str]]:
    """Return the languages a survey can be created in, labelled for the page (``العربية (arabisk)``).

    A callable, so the labels follow the language of the page that shows the form."""
    return [(language.code, language.label(page_language())) for language in listed()]


class SurveyCreateForm(DsForm):
    """One form for a new round: question set, name, units, languages and dates (issue 17).

    The units are drawn as a tree of check boxes by the page itself (``surveys/create.html``),
    with shortcuts and a search that work without JavaScript."""

    template = forms.ChoiceField(label=_("Question set"))
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
        choices=language_choices,
        initial=["nb", "nn", "en"],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Languages without a translation yet are listed as missing in the translation view."),
    )
    opens_on = forms.DateField(
        label=_("Opens (first day)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    closes_on = forms.DateField(
        label=_("Closes (last day)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(
        self,
        *args: object,
        templates: list[tuple[str, str]],
        owners: Iterable[OrgUnit],
        units: Iterable[OrgUnit],
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.choice_field("template").choices = templates
        self.choice_field("owner_unit").choices = unit_choices(owners)
        self.choice_field("units").choices = [(u.pk, u.name) for u in units]


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


def _age(value: str) -> int | None:
    return int(value) if value else None


class TargetForm(DsForm):
    """Who the survey is for (ages, in whole age groups) and who answers it (``design/target.py``)."""

    age_from = forms.TypedChoiceField(
        label=_("From age"),
        choices=[("", _("No lower limit"))] + [(str(a), str(a)) for a in AGE_FROM if a],
        coerce=_age,
        empty_value=None,
        required=False,
    )
    age_to = forms.TypedChoiceField(
        label=_("To age"),
        choices=[("", _("No upper limit"))] + [(str(a), str(a)) for a in AGE_TO],
        coerce=_age,
        empty_value=None,
        required=False,
    )
    answered_by = forms.ChoiceField(
        label=_("Who answers"), choices=AnsweredBy.choices, widget=forms.RadioSelect
    )


# Named as the question-type registry names them (its labels translate when shown).
LOCAL_TYPE_CHOICES = [(key, qtypes.get(key).label) for key in LOCAL_TYPES]


class LocalQuestionForm(DsForm):
    """One of a unit's own questions, with its texts in every language the survey offers.

    Choice options are one per line; line n in every language is the same option. Existing
    options keep their keys (and answers) in order; an emptied line removes (hides) one.
    """

    type = forms.ChoiceField(label=_("Kind of question"), choices=LOCAL_TYPE_CHOICES)
    required = forms.BooleanField(label=_("Respondents must answer"), required=False)
    scale_max = forms.TypedChoiceField(
        label=_("Scale (rating scale only)"),
        choices=[(5, "1–5"), (6, "1–6")],
        coerce=int,
        initial=6,
        required=False,
        empty_value=6,  # type: ignore[arg-type]  # django-stubs allow only str; any value is fine
    )
    dont_know = forms.BooleanField(
        label=_("Offer “Don't know / not relevant” (rating scale only)"), required=False, initial=True
    )

    def __init__(self, *args: object, languages: Iterable[str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.languages = list(languages)
        for index, lang in enumerate(self.languages):
            name = language_name(lang, page_language())  # "Spørsmål på arabisk"
            attrs = {"lang": lang, "dir": direction(lang)}
            self.fields[f"text_{lang}"] = forms.CharField(
                label=_("Question in %(lang)s") % {"lang": name},
                max_length=500,
                required=index == 0,
                widget=forms.TextInput(attrs=attrs),
            )
            self.fields[f"options_{lang}"] = forms.CharField(
                label=_("Options in %(lang)s (choice questions)") % {"lang": name},
                required=False,
                strip=False,  # an emptied first line removes the first option
                widget=forms.Textarea(attrs={**attrs, "rows": 4}),
                help_text=_("One per line, in the same order in every language."),
            )
            self.fields[f"low_{lang}"] = forms.CharField(
                label=_("Label of the lowest value in %(lang)s (rating scale)") % {"lang": name},
                max_length=100,
                required=False,
                widget=forms.TextInput(attrs=attrs),
            )
            self.fields[f"high_{lang}"] = forms.CharField(
                label=_("Label of the highest value in %(lang)s (rating scale)") % {"lang": name},
                max_length=100,
                required=False,
                widget=forms.TextInput(attrs=attrs),
            )
        # DsFormMixin styled the fields it saw; style the ones added here the same way.
        for name, field in self.fields.items():
            if name.split("_")[0] in ("text", "options", "low", "high"):
                field.widget.attrs["class"] = "ds-input"

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        first = self.languages[0]
        if _edits(data.get("type"), qtypes.Edit.OPTIONS) and not _lines(data.get(f"options_{first}")):
            self.add_error(f"options_{first}", _("A choice question needs at least one option."))
        return data

    @staticmethod
    def initial_for(question: dict[str, Any], languages: Iterable[str]) -> dict[str, object]:
        """Return the form's initial values for a stored local question."""
        initial: dict[str, object] = {
            "type": question.get("type"),
            "required": bool(question.get("required")),
        }
        scale = question.get("scale") or {}
        assert isinstance(scale, dict)
        initial["scale_max"] = scale.get("max", 6)
        scaled = _edits(question.get("type"), qtypes.Edit.SCALE)
        initial["dont_know"] = bool(scale.get("dont_know", not scaled))
        options = [o for o in question.get("options") or [] if not o.get("hidden")]
        text = question.get("text") or {}
        assert isinstance(text, dict)
        for lang in languages:
            initial[f"text_{lang}"] = text.get(lang, "")
            initial[f"options_{lang}"] = "\n".join(o["label"].get(lang, "") for o in options)
            initial[f"low_{lang}"] = (scale.get("min_label") or {}).get(lang, "")
            initial[f"high_{lang}"] = (scale.get("max_label") or {}).get(lang, "")
        return initial

    def question(self, old: dict[str, object] | None = None) -> dict[str, object]:
        """Return the question in definition format (without key), keeping old option keys."""
        data = self.cleaned_data
        langs = self.languages
        qtype = data["type"]
        question: dict[str, object] = {
            "type": qtype,
            "text": {
                lang: data[f"text_{lang}"].strip() for lang in langs if data.get(f"text_{lang}", "").strip()
            },
            "required": bool(data.get("required")),
        }
        if _edits(qtype, qtypes.Edit.OPTIONS):
            lines = {lang: (data.get(f"options_{lang}") or "").splitlines() for lang in langs}
            old_options = (old or {}).get("options")
            all_old: list[dict[str, Any]] = list(old_options) if isinstance(old_options, list) else []
            visible_old = [o["key"] for o in all_old if not o.get("hidden")]
            taken = {o["key"] for o in all_old}
            number = max((int(k[1:]) for k in taken if k[1:].isdigit()), default=0)
            options = []
            for i, source in enumerate(lines[langs[0]]):
                if i < len(visible_old):
                    key = visible_old[i]
                else:
                    number += 1
                    while f"o{number}" in taken:
                        number += 1
                    key = f"o{number}"
                if not source.strip():
                    continue  # an emptied line: the option is hidden, its answers are kept
                label = {
                    lang: lines[lang][i].strip()
                    for lang in langs
                    if i < len(lines[lang]) and lines[lang][i].strip()
                }
                options.append({"key": key, "label": label})
            question["options"] = options
        if _edits(qtype, qtypes.Edit.SCALE):
            scale: dict[str, object] = {
                "min": 1,
                "max": data["scale_max"],
                "dont_know": bool(data.get("dont_know")),
            }
            for part, prefix in (("min_label", "low"), ("max_label", "high")):
                labels = {
                    lang: data[f"{prefix}_{lang}"].strip()
                    for lang in langs
                    if data.get(f"{prefix}_{lang}", "").strip()
                }
                if labels:
                    scale[part] = labels
            question["scale"] = scale
        return question


def _lines(text: object) -> list[str]:
    return [line for line in str(text or "").splitlines() if line.strip()]
