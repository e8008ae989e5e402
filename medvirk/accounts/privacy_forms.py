"""The retention form: one period per kind of personal data, in the kind's unit."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from medvirk.core.forms import DsForm
from medvirk.core.retention import DAYS, RetentionKind


class RetentionForm(DsForm):
    """A whole-number field per registered kind, named by the kind's key."""

    def __init__(self, *args: Any, kinds: list[RetentionKind], **kwargs: Any) -> None:
        self.kinds = kinds
        super().__init__(*args, **kwargs)
        for kind in kinds:
            unit = _("days") if kind.unit == DAYS else _("months")
            self.fields[kind.key] = forms.IntegerField(
                label=str(kind.label),
                min_value=kind.minimum,
                max_value=kind.maximum,
                widget=forms.NumberInput(attrs={"class": "ds-input"}),
                help_text=_("In %(unit)s, %(counted_from)s (between %(min)d and %(max)d).")
                % {"unit": unit, "counted_from": kind.counted_from, "min": kind.minimum, "max": kind.maximum},
            )

    def amounts(self) -> dict[str, int]:
        """Return the chosen period of every kind."""
        return {kind.key: self.cleaned_data[kind.key] for kind in self.kinds}
