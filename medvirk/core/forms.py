"""Form rendering in Designsystemet markup, with errors tied to their fields for screen readers."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from django import forms
from django.contrib import messages
from django.db.models import Model
from django.forms.renderers import BaseRenderer, DjangoTemplates
from django.http import Http404, HttpRequest
from django.utils.functional import Promise

from medvirk.core.errors import ServiceError

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

T = TypeVar("T")
R = TypeVar("R", bound=Model)
D = TypeVar("D", bound="DataclassInstance")


def dataclass_from(cls: type[D], values: Mapping[str, Any], **given: Any) -> D:
    """Return ``cls`` (a service's input as a dataclass) from a form's cleaned ``values`` of the
    same names as its fields, and ``given`` for the rest; a field the form lacks keeps its default.

    The one place a form's values are copied into a service's input, name by name.
    """
    names = {f.name for f in fields(cls) if f.init} - given.keys()
    return cls(**{k: v for k, v in values.items() if k in names}, **given)


def dataclass_values(cls: type[DataclassInstance], row: object, **given: Any) -> dict[str, Any]:
    """Return ``row``'s attributes named as the fields of ``cls`` (a service's input dataclass), and
    ``given`` for those it holds otherwise: an edit form's initial values, an API's current body.

    The way back of ``dataclass_from``: the dataclass names the editable fields once, for both.
    """
    return {f.name: given[f.name] if f.name in given else getattr(row, f.name) for f in fields(cls) if f.init}


class BoundedFileField(forms.FileField):
    """A file field that refuses a file larger than ``max_bytes`` before anything reads it.

    Django keeps a large upload in a temporary file; the import pages read the whole file into
    memory (``.read()``) and only then compared its length with their limit, so a file of a few
    gigabytes took a worker's memory first (red team, 2026-12-07, third session).
    """

    def __init__(self, *args: Any, max_bytes: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_bytes = max_bytes

    def clean(self, data: Any, initial: Any = None) -> Any:
        upload = super().clean(data, initial)
        if upload is not None and getattr(upload, "size", 0) > self.max_bytes:
            from django.core.exceptions import ValidationError
            from django.utils.translation import gettext

            raise ValidationError(
                gettext("The file is too large (at most %(mb)d MB).") % {"mb": self.max_bytes // 1_000_000},
                code="too_large",
            )
        return upload


class DsFormRenderer(DjangoTemplates):
    """Render every form field with Designsystemet's field, label and validation message."""

    form_template_name = "core/forms/form.html"
    field_template_name = "core/forms/field.html"


if TYPE_CHECKING:  # the mixin is only ever mixed into a form; type it as one
    _FormBase = forms.BaseForm
else:
    _FormBase = object


class DsFormMixin(_FormBase):
    """Give widgets Designsystemet classes and point ``aria-describedby`` at error messages."""

    default_renderer: BaseRenderer | type[BaseRenderer] | None = DsFormRenderer

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
                # Each option is its own Designsystemet checkbox/radio with a label beside it.
                widget.template_name = "core/forms/multiple_input.html"
                widget.option_template_name = "core/forms/input_option.html"
                continue
            widget.attrs["class"] = (widget.attrs.get("class", "") + " ds-input").strip()

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                bound = self[name]
                described = bound.field.widget.attrs.get("aria-describedby", "")
                error_id = f"{bound.auto_id}_error"
                if error_id not in described:
                    bound.field.widget.attrs["aria-describedby"] = (described + " " + error_id).strip()

    def choice_field(self, name: str) -> forms.ChoiceField:
        """Return the choice field ``name``, typed, e.g. to set its choices for this request."""
        field = self.fields[name]
        if not isinstance(field, forms.ChoiceField):
            raise TypeError(f"{name} is not a choice field")
        return field

    def model_choice_field(self, name: str) -> forms.ModelChoiceField[Any]:
        """Return the model choice field ``name``, typed, e.g. to narrow its queryset."""
        field = self.fields[name]
        if not isinstance(field, forms.ModelChoiceField):
            raise TypeError(f"{name} is not a model choice field")
        return field

    def chosen(self, name: str, rows: Iterable[R]) -> R:
        """Return the one of ``rows`` whose ``pk`` is the cleaned value of field ``name``; else 404.

        For a choice among rows the page offered (units, colleagues): a value it did not offer
        names nothing.
        """
        value = self.cleaned_data[name]
        row = next((r for r in rows if r.pk == value), None)
        if row is None:
            raise Http404
        return row

    def add_service_error(self, error: ServiceError) -> None:
        """Show a service's refusal next to its field (or at the top of the form)."""
        field = error.field if error.field in self.fields else None
        self.add_error(field, str(error.message))


class DsForm(DsFormMixin, forms.Form):
    """A plain form in Designsystemet markup."""


@dataclass(frozen=True)
class Done(Generic[T]):
    """A service call that succeeded, with what it returned (``form_act``)."""

    result: T


def form_act(request: HttpRequest, form: DsFormMixin, act: Callable[[], T]) -> Done[T] | None:
    """Run ``act()`` (a service call) for a valid posted form; return ``Done(result)`` when it succeeded.

    The page's usual step between fetching and responding: nothing happens unless the form was
    posted and is valid; a refusal (``ServiceError``) is shown on the form (None: render it again).
    """
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return Done(act())
    except ServiceError as error:
        form.add_service_error(error)
        return None


def form_submitted(
    request: HttpRequest, form: DsFormMixin, message: str | Promise, act: Callable[[], T]
) -> Done[T] | None:
    """``form_act`` that shows ``message`` on success; a ``Done`` tells the caller to redirect."""
    done = form_act(request, form, act)
    if done is not None:
        messages.success(request, str(message))
    return done


def form_submitted_to(
    request: HttpRequest,
    form: DsFormMixin,
    message: str | Promise,
    service: Callable[..., T],
    /,
    **given: Any,
) -> Done[T] | None:
    """``form_submitted`` that calls ``service(actor=request.user, **given, **form.cleaned_data)``.

    The usual case: a form whose fields are the service's arguments of the same names, with the
    row the page fetched in ``given``.
    """
    return form_submitted(
        request, form, message, lambda: service(actor=request.user, **given, **form.cleaned_data)
    )
