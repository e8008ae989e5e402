"""Form rendering in Designsystemet markup, with errors tied to their fields for screen readers."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.renderers import BaseRenderer, DjangoTemplates

from medvirk.core.errors import ServiceError


class DsFormRenderer(DjangoTemplates):
    """Render every form field with Designsystemet's field, label and validation message."""

    form_template_name = "core/forms/form.html"
    field_template_name = "core/forms/field.html"


class DsFormMixin:
    """Give widgets Designsystemet classes and point ``aria-describedby`` at error messages."""

    default_renderer: BaseRenderer | type[BaseRenderer] | None = DsFormRenderer

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # type: ignore[attr-defined]
            widget = field.widget
            if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
                # Each option is its own Designsystemet checkbox/radio with a label beside it.
                widget.template_name = "core/forms/multiple_input.html"
                widget.option_template_name = "core/forms/input_option.html"
                continue
            widget.attrs["class"] = (widget.attrs.get("class", "") + " ds-input").strip()

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        for name in self.errors:  # type: ignore[attr-defined]
            if name in self.fields:  # type: ignore[attr-defined]
                bound = self[name]  # type: ignore[index]
                described = bound.field.widget.attrs.get("aria-describedby", "")
                error_id = f"{bound.auto_id}_error"
                if error_id not in described:
                    bound.field.widget.attrs["aria-describedby"] = (described + " " + error_id).strip()

    def add_service_error(self, error: ServiceError) -> None:
        """Show a service's refusal next to its field (or at the top of the form)."""
        field = error.field if error.field in self.fields else None  # type: ignore[attr-defined]
        self.add_error(field, str(error.message))  # type: ignore[attr-defined]


class DsForm(DsFormMixin, forms.Form):
    """A plain form in Designsystemet markup."""
