"""Setting up client feedback: instruments (load, paste licensed texts), services, retention, and
recording a "Hva er viktig for deg?" conversation."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from medvirk.accounts.access import (
    can,
    can_anywhere,
    municipality_id_of,
    municipality_of,
    units_for,
    units_for_new_work,
)
from medvirk.accounts.permissions import Perm
from medvirk.accounts.requests import StaffRequest
from medvirk.common import languages
from medvirk.core.forms import DsForm, form_submitted
from medvirk.core.views import service_done, staff_view
from medvirk.orgs.selectors import municipality_root

from . import instruments as catalogue
from . import selectors, services
from .forms import ConversationForm, RetentionForm, ServiceForm
from .models import Purpose, RetentionPolicy, Service


def _name(parsed: Any) -> str:
    lang = get_language() or "nb"
    return parsed.name.get(lang) or parsed.name.get("nb") or parsed.name.get("en") or parsed.key


@staff_view
def setup(request: StaffRequest) -> HttpResponse:
    """Instruments of the municipality, the catalogue to load from, services and retention."""
    if not can_anywhere(request.user, Perm.FEEDBACK_MANAGE):
        raise Http404
    root = municipality_root(municipality=municipality_of(request.user))
    manage_instruments = can(request.user, Perm.FEEDBACK_MANAGE, root)
    if request.method == "POST" and "load" in request.POST:
        if not manage_instruments:
            raise Http404
        service_done(
            request,
            _("Loaded."),
            lambda: services.instrument_load(
                actor=request.user, municipality=municipality_of(request.user), key=request.POST["load"]
            ),
        )
        return redirect("feedback:setup")
    units = list(units_for(request.user, Perm.FEEDBACK_MANAGE))
    retention_form = RetentionForm(request.POST if "months" in request.POST else None, units=units)
    if form_submitted(
        request,
        retention_form,
        _("Saved."),
        lambda: services.retention_set(
            actor=request.user,
            unit=retention_form.chosen("unit", units),
            months=retention_form.cleaned_data["months"],
        ),
    ):
        return redirect("feedback:setup")
    loaded = selectors.instruments_for(municipality_id_of(request.user))
    have = {i.key for i in loaded}
    shipped = [(key, parsed) for key, parsed in catalogue.catalogue().items() if key not in have]
    return render(
        request,
        "feedback/setup.html",
        {
            "instruments": [(i, _name(i.parsed), i.parsed) for i in loaded],
            "shipped": [(key, _name(p), p) for key, p in shipped],
            "manage_instruments": manage_instruments,
            "services": Service.objects.filter(unit__in=units).select_related("unit", "outcome", "alliance"),
            "policies": RetentionPolicy.objects.filter(unit__in=units).select_related("unit"),
            "retention_form": retention_form,
        },
    )


class TextsForm(DsForm):
    """One text field per item (and instruction, end labels or options) of one version and language."""

    def __init__(self, *args: Any, keys: list[tuple[str, str]], initial_texts: dict[str, str], **kwargs: Any):
        super().__init__(*args, **kwargs)
        for key, label in keys:
            self.fields[key] = forms.CharField(
                label=label,
                required=False,
                max_length=1000,
                initial=initial_texts.get(key, ""),
                widget=forms.Textarea(attrs={"rows": 2}),
            )


def _text_label(key: str, parsed: Any) -> str:
    if key == "_instructions":
        return _("Instruction shown above the items")
    if key == "_min_label":
        return _("Label of the line's low end (0)")
    if key == "_max_label":
        return _("Label of the line's high end (10)")
    if key.startswith("_option_"):
        return _("Answer with the value %(value)s") % {"value": key.removeprefix("_option_")}
    number = [i.key for i in parsed.items].index(key) + 1
    return _("Item %(number)s") % {"number": number}


@staff_view
def instrument_texts(request: StaffRequest, instrument_id: int) -> HttpResponse:
    """Paste the item texts of a licensed instrument (one version, one language at a time)."""
    instrument = selectors.access_instrument_by_id(request.user, instrument_id)
    parsed = catalogue.parse_instrument(instrument.definition)
    versions = [v.key for v in parsed.versions]
    asked = request.GET.get("version", "")
    version = asked if asked in versions else versions[0]
    language = request.GET.get("language") or "nb"
    if not languages.get(language):
        raise Http404
    keys = [(k, _text_label(k, parsed)) for k in parsed.text_keys()]
    stored = ((instrument.texts or {}).get(version) or {}).get(language) or {}
    form = TextsForm(request.POST or None, keys=keys, initial_texts=stored)
    if form_submitted(
        request,
        form,
        _("The texts are saved."),
        lambda: services.instrument_texts_set(
            actor=request.user,
            instrument=instrument,
            version=version,
            language=language,
            texts=form.cleaned_data,
        ),
    ):
        return redirect(f"{request.path}?version={version}&language={language}")
    lang = get_language() or "nb"
    return render(
        request,
        "feedback/instrument_texts.html",
        {
            "instrument": instrument,
            "name": _name(parsed),
            "parsed": instrument.parsed,
            "version": version,
            "versions": [(v.key, v) for v in parsed.versions],
            "language": language,
            "language_choices": [(lang_.code, lang_.label(lang)) for lang_ in languages.listed()],
            "form": form,
            "missing": instrument.parsed.missing_texts(instrument.parsed.get_version(version)),
        },
    )


@staff_view
def service_create(request: StaffRequest) -> HttpResponse:
    """Set up a service that works with client feedback."""
    units = list(units_for_new_work(request.user, Perm.FEEDBACK_MANAGE))
    if not units:
        raise Http404
    loaded = [i for i in selectors.instruments_for(municipality_id_of(request.user)) if i.parsed.ready()]
    form = ServiceForm(
        request.POST or None,
        units=units,
        outcomes=[i for i in loaded if i.purpose == Purpose.OUTCOME],
        alliances=[i for i in loaded if i.purpose == Purpose.ALLIANCE],
    )

    def create() -> None:
        unit = form.chosen("unit", units)
        data = form.cleaned_data
        del data["unit"]
        by_id = {i.pk: i for i in loaded}
        outcome = by_id.get(data.pop("outcome"))
        alliance_id = data.pop("alliance")
        alliance = by_id.get(int(alliance_id)) if alliance_id else None
        if outcome is None:
            raise Http404
        services.service_create(actor=request.user, unit=unit, outcome=outcome, alliance=alliance, **data)

    if form_submitted(
        request, form, _("The service is set up. Practitioners of the unit can now open episodes."), create
    ):
        return redirect("feedback:setup")
    return render(request, "feedback/service_form.html", {"form": form, "ready": bool(loaded)})


@staff_view
def conversation_create(request: StaffRequest) -> HttpResponse:
    """Record what matters to a service user after a "Hva er viktig for deg?" conversation."""
    units = list(units_for_new_work(request.user, Perm.CONVERSATION_RECORD))
    if not units:
        raise Http404
    form = ConversationForm(request.POST or None, units=units)
    if form_submitted(
        request,
        form,
        _("Saved, without the person's name. Thank you for asking."),
        lambda: services.conversation_record(
            actor=request.user,
            unit=form.chosen("unit", units),
            **form.values(),
        ),
    ):
        return redirect("feedback:conversation_create")
    return render(request, "feedback/conversation_form.html", {"form": form})
