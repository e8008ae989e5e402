"""Forms for uploading population tables, correcting their mapping and entering user counts."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from medvirk.common.dimensions import DIMENSIONS_BY_KEY
from medvirk.core.forms import BoundedFileField, DsForm

from .services import MAX_UPLOAD_BYTES, USER_COUNT_DIMENSIONS
from .usercounts_import import MAX_BYTES as USER_COUNTS_MAX_BYTES


class UploadForm(DsForm):
    file = BoundedFileField(
        max_bytes=MAX_UPLOAD_BYTES,
        label=_("File"),
        help_text=_("JSON-stat 2.0 from Statistics Norway's statbank, or CSV (codes and texts)."),
    )
    source = forms.CharField(
        label=_("Source (CSV only)"),
        max_length=100,
        required=False,
        initial="Statistisk sentralbyrå",
        help_text=_("Who published the numbers. JSON-stat files name their source themselves."),
    )
    year = forms.IntegerField(
        label=_("Year (if the table has none)"), required=False, min_value=1900, max_value=2200
    )
    replace = forms.BooleanField(label=_("Replace the table if it is already imported"), required=False)


class MappingForm(DsForm):
    target_key = forms.ChoiceField(label=_("Counts as"), required=False)

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if choices:
            self.choice_field("target_key").choices = [("", _("Not used")), *choices]
        else:
            self.fields["target_key"] = forms.CharField(
                label=_("Counts as (three-digit country code, empty: not used)"), required=False, max_length=3
            )


class UserCountForm(DsForm):
    year = forms.IntegerField(label=_("Year"), min_value=1900, max_value=2200)
    dimension = forms.ChoiceField(label=_("Background"))

    def __init__(self, *args: Any, dimension: str, language: str = "nb", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choice_field("dimension").choices = [
            (d, DIMENSIONS_BY_KEY[d].label_en if language == "en" else DIMENSIONS_BY_KEY[d].label_nb)
            for d in USER_COUNT_DIMENSIONS
        ]
        self.fields["dimension"].widget = forms.HiddenInput()
        for c in DIMENSIONS_BY_KEY[dimension].categories:
            self.fields[f"c_{c.key}"] = forms.IntegerField(
                label=c.label_en if language == "en" else c.label_nb, min_value=0, required=False
            )

    def counts(self) -> dict[str, int | None]:
        """Return category → count (None: left empty) from the cleaned data."""
        return {k[2:]: v for k, v in self.cleaned_data.items() if k.startswith("c_")}


class UserCountUploadForm(DsForm):
    year = forms.IntegerField(label=_("Year"), min_value=1900, max_value=2200)
    file = BoundedFileField(
        max_bytes=USER_COUNTS_MAX_BYTES,
        label=_("CSV file"),
        help_text=_(
            "Columns: dimension, category, count (keys or names, Norwegian or English). "
            "Comma, semicolon or tab; UTF-8 or Windows-1252."
        ),
    )
