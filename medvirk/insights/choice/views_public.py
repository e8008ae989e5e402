"""Public pages of free choice of provider: compare providers, print the form, send a request.

For clients and relatives, in plain words, in their language (``?lang=``, see ``public_text``),
without cookies or JavaScript, at 320 px, with a screen reader and on paper. Survey results come
from the providers' rounds through the rounds' anonymity decisions (``figures``); a hidden group
says "too few answers" and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import phonenumbers
from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from medvirk.accounts import idporten
from medvirk.choice import selectors as choice_selectors
from medvirk.choice import services as choice_services
from medvirk.choice.models import Approval, ChoiceService, Provider
from medvirk.choice.types import ApprovalStatus, ProviderKind, RequestKind, SwitchReason
from medvirk.common import languages
from medvirk.common.norway import normalise_phone
from medvirk.core.actors import SystemActor
from medvirk.core.errors import ServiceError
from medvirk.core.forms import dataclass_from
from medvirk.core.throttle import over_limit
from medvirk.core.views import cookieless_view
from medvirk.orgs.models import Municipality

from . import figures
from .public_text import PageTexts, page_languages, pick_language

MAX_COMPARED = 4
REQUESTS_PER_HOUR = 10
PUBLIC_ACTOR = SystemActor("a request from the public choice page")


@dataclass
class Cell:
    """One value on the page: plain text, optionally in another language than the page."""

    text: str
    lang: str = ""  # set when the text is not in the page language (names, descriptions)
    note: str = ""  # a second line (the uncertainty of a share)
    muted: bool = False  # "too few answers", "not reported"
    parts: list[tuple[str, str]] = field(default_factory=list)  # (text, lang) items of a list


@dataclass
class Row:
    label: str
    cells: list[Cell]


def cards(headers: list[str], rows: list[Row]) -> list[tuple[str, list[tuple[str, Cell]]]]:
    """Return a table's columns as cards (for narrow screens): per column, its rows' labels and cells."""
    return [(name, [(row.label, row.cells[i]) for row in rows]) for i, name in enumerate(headers)]


def _page_context(request: HttpRequest, municipality: Municipality) -> dict[str, Any]:
    lang = pick_language(request.GET.get("lang") or request.POST.get("lang"))
    return {
        "municipality": municipality,
        "lang": lang,
        "dir": languages.direction(lang),
        "t": PageTexts(lang),
        "languages": [(code, languages.endonym(code)) for code in page_languages()],
    }


def _ltr(text: str) -> str:
    """Isolate digits written left to right (dates, phone numbers, shares) inside a sentence.

    In a right-to-left page the bidirectional algorithm would otherwise reorder "21 00 00 00"
    or "03.09.2026–30.09.2026"; the Unicode isolates (LRI … PDI) keep them as written and are
    invisible in left-to-right pages.
    """
    return f"\u2066{text}\u2069" if text else text


def _date(day: date) -> str:
    return _ltr(day.strftime("%d.%m.%Y"))


def _phone(raw: str) -> str:
    """Return a stored phone number as people dial it in Norway ("21 00 00 00"; others with +)."""
    if not raw:
        return ""
    try:
        number = phonenumbers.parse(raw, "NO")
    except phonenumbers.NumberParseException:
        return raw
    style = phonenumbers.PhoneNumberFormat.NATIONAL
    if phonenumbers.region_code_for_number(number) != "NO":
        style = phonenumbers.PhoneNumberFormat.INTERNATIONAL
    return _ltr(phonenumbers.format_number(number, style))


def _percent(value: float) -> str:
    return _ltr(f"{round(value * 100)}")


@require_safe
def index(request: HttpRequest, slug: str) -> HttpResponse:
    """The municipality's services with choice."""
    municipality = get_object_or_404(Municipality, slug=slug)
    context = _page_context(request, municipality)
    context["services"] = choice_selectors.published_services(municipality=municipality)
    context["intro"] = context["t"].format("index_intro", municipality=municipality.name)
    return render(request, "insights/choice/public_index.html", context)


def _approved(service: ChoiceService, day: date, area: str) -> list[Approval]:
    approvals = [
        a
        for a in choice_selectors.approvals_of(service=service)
        if a.status_on(day) is ApprovalStatus.APPROVED
    ]
    # The default provider first: it is where a client who does not choose ends up.
    return sorted(
        (a for a in approvals if a.serves(area)),
        key=lambda a: (a.provider_id != service.default_provider_id, a.provider.name),
    )


def _picked(request: HttpRequest, approvals: list[Approval]) -> list[Approval]:
    wanted = {value for value in request.GET.getlist("p") if value.isdigit()}
    picked = [a for a in approvals if str(a.provider_id) in wanted]
    return (picked or approvals)[:MAX_COMPARED]


def _facts_rows(t: PageTexts, lang: str, approvals: list[Approval], day: date) -> list[Row]:
    continuity = choice_selectors.latest_continuity(providers=[a.provider for a in approvals])
    kinds: dict[str, str] = {ProviderKind.MUNICIPAL: t.kind_municipal, ProviderKind.PRIVATE: t.kind_private}
    rows = [
        Row(t.row_kind, [Cell(kinds.get(a.provider.kind, "")) for a in approvals]),
        Row(
            t.row_approval,
            [
                Cell(
                    t.format("approved_until", date=_date(a.approved_until))
                    if a.approved_until
                    else t.approved
                )
                for a in approvals
            ],
        ),
        Row(
            t.row_room,
            [Cell(t.yes if choice_selectors.has_room(approval=a, day=day) else t.no) for a in approvals],
        ),
        Row(
            t.row_languages,
            [
                Cell("", parts=[(languages.endonym(code), code) for code in a.provider.languages])
                if a.provider.languages
                else Cell(t.none, muted=True)
                for a in approvals
            ],
        ),
        Row(
            t.row_specialisations,
            [
                Cell(", ".join(t[f"spec_{key}"] for key in a.provider.specialisations if f"spec_{key}" in t))
                if a.provider.specialisations
                else Cell(t.none, muted=True)
                for a in approvals
            ],
        ),
    ]
    cells = []
    for a in approvals:
        report = continuity.get(a.provider_id)
        if report is None:
            cells.append(Cell(t.not_reported, muted=True))
        else:
            value = f"{report.staff_per_client}".replace(".", "," if lang in ("nb", "nn") else ".")
            period = {"start": _date(report.period_start), "end": _date(report.period_end)}
            cells.append(Cell(t.format("continuity_value", value=_ltr(value), **period)))
    rows.append(Row(t.row_continuity, cells))
    contact = []
    for a in approvals:
        phone = _phone(a.provider.contact_phone)
        contact.append(Cell(phone or t.none, muted=not phone, note=a.provider.website))
    rows.append(Row(t.row_contact, contact))
    return rows


def _hidden(t: PageTexts, protected: bool) -> Cell:
    """A hidden figure, saying why: too few answers, or hidden so a smaller group stays hidden."""
    return Cell(t.protected if protected else t.too_few, muted=True)


def _share_cell(t: PageTexts, group: figures.GroupResults, key: str) -> Cell:
    figure = group.figures.get(key)
    if figure is None or not figure.shown or figure.share is None:
        return _hidden(t, group.protected or (figure is not None and figure.protected))
    low, high = figure.share.interval
    return Cell(
        t.format("share_value", share=_percent(figure.share.estimate)),
        note=t.format("interval", low=_percent(low), high=_percent(high)),
    )


def _results(
    t: PageTexts, comparison: figures.RoundComparison, approvals: list[Approval]
) -> tuple[list[str], list[Row]]:
    groups = [comparison.providers[a.provider_id] for a in approvals] + [comparison.total]
    headers = [a.provider.name for a in approvals] + [
        t.total_providers if comparison.total_is_providers else t.total_round
    ]
    rows = [
        Row(
            t.respondents,
            [
                Cell(str(g.respondents))
                if g.respondents is not None
                else (_hidden(t, g.protected) if g.in_round else Cell(t.not_in_round, muted=True))
                for g in groups
            ],
        )
    ]
    for measure in comparison.measures:
        label = t[measure.key] if measure.key else measure.label
        key = measure.key or measure.question.key
        rows.append(
            Row(
                label,
                [_share_cell(t, g, key) if g.in_round else Cell(t.not_in_round, muted=True) for g in groups],
            )
        )
    return headers, rows


def _service_page(request: HttpRequest, slug: str, service_id: int) -> tuple[ChoiceService, dict[str, Any]]:
    """A published service's public page: the service (else 404) and the page's context with it."""
    municipality = get_object_or_404(Municipality, slug=slug)
    service = choice_selectors.published_service(municipality=municipality, service_id=service_id)
    return service, _page_context(request, municipality) | {"service": service}


@require_safe
def compare(request: HttpRequest, slug: str, service_id: int) -> HttpResponse:
    """Up to four providers side by side for the client's area, with their users' survey results."""
    service, context = _service_page(request, slug, service_id)
    t: PageTexts = context["t"]
    today = timezone.localdate()
    areas = choice_selectors.service_districts(service=service)
    area = request.GET.get("area", "")
    if area not in areas:
        area = ""
    approvals = _approved(service, today, area)
    picked = _picked(request, approvals)
    all_providers = [a.provider for a in _approved(service, today, "")]
    survey = figures.comparison_round(providers=all_providers)
    comparison = (
        figures.compare(providers=[a.provider for a in picked], survey=survey) if survey and picked else None
    )
    default = service.default_provider.name if service.default_provider else ""
    fact_rows = _facts_rows(t, context["lang"], picked, today)
    columns = [a.provider.name for a in picked]
    phone = _phone(service.phone)
    context.update(
        {
            "heading": t.format("title", service=service.name),
            "areas": areas,
            "area": area,
            "approvals": approvals,
            "picked": {a.provider_id for a in picked},
            "columns": columns,
            "fact_rows": fact_rows,
            "fact_cards": cards(columns, fact_rows),
            "rule_choose": t.format("rule_choose", days=service.choice_days, default=default)
            if default
            else t.format("rule_choose_plain", days=service.choice_days),
            "rule_switch": t.format("rule_switch", days=service.notice_days),
            "comparison": comparison,
            "how_phone": t.format("how_phone", phone=phone) if phone else "",
            "can_pick": len(approvals) > 2,
        }
    )
    if comparison is not None:
        headers, rows = _results(t, comparison, picked)
        context.update(
            {
                "result_headers": headers,
                "result_rows": rows,
                "result_cards": cards(headers, rows),
                "results_intro": t.format(
                    "results_intro",
                    round=comparison.survey.round_label,
                    top=comparison.top_from,
                    max=comparison.scale_max,
                )
                if comparison.top_from
                else t.format("results_intro_plain", round=comparison.survey.round_label),
                "anonymity_note": t.format("anonymity_note", k=comparison.threshold),
                "protected_note": t.protected_note
                if any(
                    g.protected or any(f.protected for f in g.figures.values())
                    for g in [*comparison.providers.values(), comparison.total]
                )
                else "",
            }
        )
    return render(request, "insights/choice/compare.html", context)


@require_safe
def printable_form(request: HttpRequest, slug: str, service_id: int) -> HttpResponse:
    """The choice and switch form on one A4 page, in the page language."""
    service, context = _service_page(request, slug, service_id)
    t: PageTexts = context["t"]
    today = timezone.localdate()
    context.update(
        {
            "providers": [a.provider for a in _approved(service, today, "")],
            "reasons": [t[f"r_{r}"] for r in SwitchReason.values],
            "heading": t.format("form_title", service=service.name),
            "send_to": t.format("form_send_to", address=service.email or service.owner_unit.name),
            "call": t.format("form_call", phone=_phone(service.phone)) if service.phone else "",
        }
    )
    return render(request, "insights/choice/form.html", context)


class RequestForm(forms.Form):
    """The online request, labelled in the page language (field errors as codes, rendered by the page)."""

    kind = forms.ChoiceField(choices=RequestKind.choices, widget=forms.RadioSelect)
    provider = forms.TypedChoiceField(coerce=int, widget=forms.RadioSelect)
    client_name = forms.CharField(max_length=150)
    sender_name = forms.CharField(max_length=150, required=False)
    phone = forms.CharField(max_length=30, required=False)
    email = forms.EmailField(required=False)
    wished_on = forms.DateField(required=False, input_formats=["%Y-%m-%d", "%d.%m.%Y"])
    reasons = forms.MultipleChoiceField(
        choices=SwitchReason.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    reason_text = forms.CharField(max_length=2000, required=False, widget=forms.Textarea)
    website = forms.CharField(required=False)  # honeypot: people never see it

    def __init__(self, *args: Any, providers: list[Provider], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["provider"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(p.pk, p.name) for p in providers]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        phone, email = data.get("phone", ""), data.get("email", "")
        if phone and normalise_phone(phone, norwegian_only=False).e164 is None:
            self.add_error("phone", "err_phone")
        if not phone and not email and "email" not in self.errors:
            self.add_error("phone", "err_contact")
        return data


def _error_keys(form: RequestForm) -> dict[str, str]:
    """Map each field's first error to a text key of the page (Django's own messages are not used)."""
    keys = {}
    for name, errors in form.errors.items():
        code = errors.as_data()[0].code or ""
        message = str(errors[0])
        if message in ("err_phone", "err_contact"):
            keys[name] = "req_contact_help" if message == "err_contact" else "err_phone"
        elif code == "required":
            keys[name] = "err_required"
        elif name == "email":
            keys[name] = "err_email"
        elif name == "wished_on":
            keys[name] = "err_date"
        else:
            keys[name] = "err_choice"
    return keys


@cookieless_view
def request_page(request: HttpRequest, slug: str, service_id: int) -> HttpResponse:
    """Send a choice or switch online; a case handler confirms and registers it."""
    service, context = _service_page(request, slug, service_id)
    municipality: Municipality = context["municipality"]
    t: PageTexts = context["t"]
    providers = [a.provider for a in _approved(service, timezone.localdate(), "")]
    initial: dict[str, Any] = {"kind": request.GET.get("kind", RequestKind.CHOICE)}
    if request.GET.get("provider", "").isdigit():
        initial["provider"] = int(request.GET["provider"])
    form = RequestForm(request.POST or None, providers=providers, initial=initial)
    errors: dict[str, str] = {}
    status = 200
    # ID-porten, when the municipality asks for an identified request (accounts.idporten)
    id_config = idporten.config_for(municipality)
    id_needed = idporten.required_level(id_config, idporten.Flow.CHOICE_REQUEST)
    person = idporten.citizen(request, id_config) if id_needed else None
    identified = person is not None and person.satisfies(id_needed)
    if id_needed and not identified:
        form = RequestForm(None, providers=providers, initial=initial)  # nothing is taken before the login
        status = 401 if request.method == "POST" else 200
    elif request.method == "POST":
        status = 400
        if form.is_valid() and form.cleaned_data["website"]:
            return redirect(_thanks_url(slug, service, context["lang"]))  # a bot: say thanks, store nothing
        if over_limit(request, scope=f"choice-request:{service.pk}", limit=REQUESTS_PER_HOUR):
            errors["__all__"] = "err_rate"
            status = 429
        elif form.is_valid():
            c = form.cleaned_data
            try:
                choice_services.online_request_submit(
                    actor=PUBLIC_ACTOR,
                    service=service,
                    data=dataclass_from(
                        choice_services.RequestData,
                        c,
                        provider_id=c["provider"],
                        reasons=tuple(c["reasons"]),
                        language=context["lang"],
                    ),
                    identity=choice_services.VerifiedIdentity(
                        provider="idporten", level=idporten.short_level(person.level), subject=person.subject
                    )
                    if person is not None and identified
                    else None,
                )
            except ServiceError as error:
                errors[error.field or "__all__"] = (
                    "err_choice" if error.field == "provider" else "err_required"
                )
            else:
                return redirect(_thanks_url(slug, service, context["lang"]))
        else:
            errors = _error_keys(form)
    kinds: dict[str, str] = {RequestKind.CHOICE: t.form_first, RequestKind.SWITCH: t.form_switch}
    context.update(
        {
            "heading": t.format("req_title", service=service.name),
            "form": form,
            "errors": {name: t[key] for name, key in errors.items()},
            "providers": providers,
            "kinds": [(value, kinds[value]) for value in RequestKind.values],
            "reasons": [(r, t[f"r_{r}"]) for r in SwitchReason.values],
            "selected_reasons": set(form["reasons"].value() or []),
            "selected_kind": str(form["kind"].value() or ""),
            "selected_provider": str(form["provider"].value() or ""),
            "here": request.get_full_path(),
            "id_needed": bool(id_needed),
            "identified": identified,
            "id_expired": bool(id_needed) and not identified and idporten.citizen_expired(request),
            "id_login_url": idporten.login_url(
                municipality, idporten.Flow.CHOICE_REQUEST, request.get_full_path()
            )
            if id_needed
            else "",
        }
    )
    return render(request, "insights/choice/request.html", context, status=status)


def _thanks_url(slug: str, service: ChoiceService, lang: str) -> str:
    return reverse("choice_public:thanks", args=[slug, service.pk]) + f"?lang={lang}"


@require_safe
def thanks(request: HttpRequest, slug: str, service_id: int) -> HttpResponse:
    """Confirmation after a request."""
    _service, context = _service_page(request, slug, service_id)
    return render(request, "insights/choice/thanks.html", context)
