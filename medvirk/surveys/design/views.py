"""Staff pages for designing surveys: fetch with access check, act, respond."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from medvirk.accounts.access import access_unit_by_id, can_anywhere, units_for_new_work
from medvirk.accounts.permissions import Perm
from medvirk.accounts.requests import StaffRequest
from medvirk.common import languages
from medvirk.common.textfiles import TextFileError, TextProblem, load_json
from medvirk.core.errors import ServiceError
from medvirk.core.uploads import text_problem
from medvirk.core.views import service_done, staff_view
from medvirk.orgs.models import OrgUnit, ServiceArea

from ..models import SurveyStatus
from ..selectors import (
    access_survey_by_id,
    access_survey_unit,
    surveys_for,
)
from . import builder, local, local_services, services
from .bank import list_templates, load_template
from .builder_services import survey_build
from .definition import tx
from .forms import DatesForm, DefinitionForm, LocalQuestionForm, SurveyCreateForm, TargetForm
from .parser import parse_definition
from .readiness import suggested_dates


def display_title(text: dict[str, str]) -> str:
    return tx(text, get_language() or "nb", ("nb", "en"))


@staff_view
def survey_list(request: HttpRequest) -> HttpResponse:
    """List the surveys the user designs or distributes."""
    surveys = list(surveys_for(request.user))
    rows = [{"survey": s, "title": display_title(s.title)} for s in surveys]
    can_create = can_anywhere(request.user, Perm.SURVEY_DESIGN)
    if not rows and not can_create and not can_anywhere(request.user, Perm.SURVEY_DISTRIBUTE):
        raise Http404
    return render(request, "surveys/list.html", {"rows": rows, "can_create": can_create})


# Shortcuts of the unit picker, one per service area a municipality's units have.
AREA_SHORTCUTS = {
    ServiceArea.KINDERGARTEN: gettext_lazy("All kindergartens"),
    ServiceArea.SCHOOL: gettext_lazy("All schools"),
    ServiceArea.HOME_CARE: gettext_lazy("All home care units"),
    ServiceArea.NURSING_HOME: gettext_lazy("All nursing homes"),
    ServiceArea.SERVICE_CENTRE: gettext_lazy("All service centres"),
    ServiceArea.YOUTH_CLUB: gettext_lazy("All youth clubs"),
    ServiceArea.HEALTH: gettext_lazy("All health services"),
}


def _picked(post: Any, leaves: list[OrgUnit], owners: list[OrgUnit]) -> list[int] | None:
    """Return the units a shortcut button chooses (added to those ticked), or None for no shortcut."""
    pick = post.get("pick", "")
    ticked = {int(v) for v in post.getlist("units") if v.isdigit()}
    if pick == "none":
        return []
    if pick.startswith("area:"):
        return sorted(ticked | {u.pk for u in leaves if u.service_area == pick[5:]})
    if pick.startswith("under:"):
        top = next((u for u in owners if str(u.pk) == pick[6:]), None)
        return sorted(ticked | {u.pk for u in leaves if top is not None and top.is_ancestor_of(u)})
    if pick == "search":
        return sorted(ticked)
    return None


def _unit_groups(leaves: list[OrgUnit], owners: list[OrgUnit], chosen: set[int], search: str) -> list[Any]:
    """Return the units as groups under their parent (the organisation tree), filtered by ``search``;
    chosen units the search hides are carried along as hidden fields."""
    by_pk = {u.pk: u for u in owners}
    groups: dict[int | None, dict[str, Any]] = {}
    hidden = []
    needle = search.casefold().strip()
    for unit in leaves:
        if needle and needle not in unit.name.casefold():
            if unit.pk in chosen:
                hidden.append(unit.pk)
            continue
        parent = by_pk.get(unit.parent_id or 0)
        group = groups.setdefault(
            unit.parent_id, {"name": parent.name if parent else "", "pk": unit.parent_id, "units": []}
        )
        group["units"].append({"pk": unit.pk, "name": unit.name, "checked": unit.pk in chosen})
    return [list(groups.values()), hidden]


@staff_view
def survey_create(request: StaffRequest) -> HttpResponse:
    """Create a round in one form: question set, name, units from the organisation tree (with
    shortcuts and a search that work without JavaScript), languages and suggested dates."""
    owners = list(units_for_new_work(request.user, Perm.SURVEY_DESIGN))
    if not owners:
        raise Http404
    lang = get_language() or "nb"
    templates = [(key, tx(load_template(key).title, lang, ("nb", "en"))) for key in list_templates()]
    chosen_template = request.POST.get("template") or request.GET.get("template") or templates[0][0]
    leaves = [u for u in owners if u.kind == "unit"]
    opens_on, closes_on = suggested_dates()
    suggested = _suggested_units(chosen_template, leaves)
    initial: dict[str, Any] = {
        "template": chosen_template,
        "owner_unit": owners[0].pk,
        "units": suggested,
        "languages": ["nb", "nn", "en"],
        "opens_on": opens_on,
        "closes_on": closes_on,
    }
    picked = _picked(request.POST, leaves, owners) if request.method == "POST" else None
    creating = request.method == "POST" and picked is None
    # The template whose suggestion the ticked units still are (none once the user picked units).
    suggested_for = request.POST.get("suggested_for", "") if request.method == "POST" else chosen_template
    resuggested = creating and _kept_old_suggestion(request.POST, suggested_for, chosen_template, leaves)
    if resuggested:  # the question set changed after its units were suggested: suggest them again
        picked, creating, suggested_for = suggested, False, chosen_template
    elif picked is not None:
        suggested_for = ""
    form = SurveyCreateForm(
        request.POST if creating else None,
        templates=templates,
        owners=owners,
        units=leaves,
        initial={**initial, **({} if picked is None else {**request.POST.dict(), "units": picked})},
    )
    if picked is not None:  # a shortcut or a search: show the form again with the choice
        form.initial["languages"] = request.POST.getlist("languages") or initial["languages"]
    if creating and form.is_valid():
        data = form.cleaned_data
        owner = access_unit_by_id(request.user, data["owner_unit"], Perm.SURVEY_DESIGN)
        units = [access_unit_by_id(request.user, pk, Perm.SURVEY_DESIGN) for pk in data["units"]]
        document = {**load_template(data["template"]).to_dict(), "languages": data["languages"]}
        try:
            with transaction.atomic():
                survey = services.survey_create(
                    actor=request.user,
                    owner_unit=owner,
                    document=document,
                    units=units,
                    round_label=data["round_label"],
                )
                if data["opens_on"] or data["closes_on"]:
                    services.survey_set_dates(
                        actor=request.user,
                        survey=survey,
                        opens_on=data["opens_on"],
                        closes_on=data["closes_on"],
                    )
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The survey was created as a draft. Check it, then open it."))
            return redirect("surveys:build", survey.pk)
    if creating:
        chosen = {int(v) for v in request.POST.getlist("units") if v.isdigit()}
    elif picked is not None:
        chosen = set(picked)
    else:
        chosen = set(suggested)
    search = request.POST.get("search", "") if request.method == "POST" else ""
    groups, hidden = _unit_groups(leaves, owners, chosen, search)
    areas = sorted({u.service_area for u in leaves if u.service_area in AREA_SHORTCUTS})
    context = {
        "form": form,
        "groups": groups,
        "hidden_units": hidden,
        "search": search,
        "area_shortcuts": [(f"area:{a}", AREA_SHORTCUTS[ServiceArea(a)]) for a in areas],
        "tree_shortcuts": [(f"under:{u.pk}", u.name) for u in owners if u.kind != "unit"],
        "chosen_count": len(chosen),
        "suggested_for": suggested_for,
        "resuggested": resuggested,
    }
    return render(request, "surveys/create.html", context)


def _suggested_units(template: str, leaves: list[OrgUnit]) -> list[int]:
    """Return the units in the service area of the question set ``template``."""
    area = load_template(template).service_area if template in list_templates() else None
    return [u.pk for u in leaves if u.service_area == area]


def _kept_old_suggestion(post: Any, suggested_for: str, template: str, leaves: list[OrgUnit]) -> bool:
    """Whether the ticked units are still the untouched suggestion for another question set than the
    one chosen (changed after the units were suggested: a kindergarten survey would go to home care)."""
    if suggested_for == template or suggested_for not in list_templates():
        return False
    old = set(_suggested_units(suggested_for, leaves))
    ticked = {int(v) for v in post.getlist("units") if v.isdigit()}
    return bool(old) and ticked == old and old != set(_suggested_units(template, leaves))


@staff_view
@require_POST
def survey_dates(request: StaffRequest, survey_id: int) -> HttpResponse:
    """Set the survey's opening and closing dates."""
    survey = access_survey_by_id(request.user, survey_id, Perm.SURVEY_DESIGN)
    form = DatesForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter valid dates."))
    else:
        service_done(
            request,
            _("The dates were saved."),
            lambda: services.survey_set_dates(actor=request.user, survey=survey, **form.cleaned_data),
        )
    return redirect("surveys:detail", survey.pk)


@staff_view
@require_POST
def survey_target(request: StaffRequest, survey_id: int) -> HttpResponse:
    """Set who the survey is for and who answers it (the equity report compares with them)."""
    survey = access_survey_by_id(request.user, survey_id, Perm.SURVEY_DESIGN)
    form = TargetForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the ages and who answers."))
    else:
        service_done(
            request,
            _("Who the survey is for was saved."),
            lambda: services.survey_set_target(
                actor=request.user,
                survey=survey,
                age_from=form.cleaned_data["age_from"],
                age_to=form.cleaned_data["age_to"],
                answered_by=form.cleaned_data["answered_by"],
            ),
        )
    return redirect("surveys:detail", survey.pk)


@staff_view
@require_POST
def survey_status(request: StaffRequest, survey_id: int) -> HttpResponse:
    """Open or close a survey."""
    survey = access_survey_by_id(request.user, survey_id, Perm.SURVEY_DESIGN)
    status = request.POST.get("status", "")
    service_done(
        request,
        _("The survey is open.")
        if status == SurveyStatus.OPEN
        else _("The survey is closed.")
        if status == SurveyStatus.CLOSED
        else _("The survey is a draft."),
        lambda: services.survey_set_status(actor=request.user, survey=survey, status=status),
    )
    return redirect("surveys:detail", survey.pk)


@staff_view
def survey_definition(request: StaffRequest, survey_id: int) -> HttpResponse:
    """Edit the whole definition as JSON; problems are listed with their place."""
    survey = access_survey_by_id(request.user, survey_id, Perm.SURVEY_DESIGN)
    form = DefinitionForm(
        request.POST or None,
        initial={"definition": json.dumps(survey.definition, ensure_ascii=False, indent=2)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            document = load_json(form.cleaned_data["definition"])
        except TextFileError as exc:
            form.add_error(
                "definition",
                _("This is not valid JSON (line %(line)s, column %(col)s).")
                % {"line": exc.lineno, "col": exc.colno}
                if exc.code == TextProblem.JSON_SYNTAX
                else text_problem(exc),
            )
        else:
            try:
                services.survey_update_definition(actor=request.user, survey=survey, document=document)
            except ServiceError as error:
                form.add_error("definition", str(error.message))
            else:
                messages.success(request, _("The questions were saved. Existing answers are kept."))
                return redirect("surveys:detail", survey.pk)
    return render(
        request,
        "surveys/definition.html",
        {"form": form, "survey": survey, "title": display_title(survey.title)},
    )


@staff_view
def survey_translate(request: StaffRequest, survey_id: int, lang: str) -> HttpResponse:
    """Show every text next to its source and let the designer fill in one language."""
    survey = access_survey_by_id(request.user, survey_id, Perm.SURVEY_DESIGN)
    definition = parse_definition(survey.definition)
    if lang not in definition.languages:
        raise Http404
    source = definition.languages[0] if lang != definition.languages[0] else (*definition.languages, "en")[1]
    slots = builder.text_rows(survey.definition)
    if request.method == "POST":
        texts = {
            place: request.POST.get(f"t{index}", "").strip()
            for index, (place, _label, text) in enumerate(slots)
            if request.POST.get(f"t{index}", "").strip() != text.get(lang, "")
        }
        if service_done(
            request,
            _("The translations were saved."),
            lambda: survey_build(actor=request.user, survey=survey, operation=builder.SetTexts(lang, texts)),
        ):
            return redirect("surveys:translate", survey.pk, lang)
    rows: list[dict[str, Any]] = [
        {
            "index": i,
            "place": label,
            "source": text.get(source, ""),
            "value": text.get(lang, ""),
            "missing": not text.get(lang, "").strip(),
        }
        for i, (_place, label, text) in enumerate(slots)
    ]
    missing = sum(1 for r in rows if r["missing"])
    return render(
        request,
        "surveys/translate.html",
        {
            "survey": survey,
            "title": display_title(survey.title),
            "rows": rows,
            "lang": lang,
            "source": source,
            "missing": missing,
            "done": len(rows) - missing,
            "total": len(rows),
            "page_texts": languages.has_respondent_texts(lang),
        },
    )


@staff_view
def unit_local(request: StaffRequest, survey_id: int, survey_unit_id: int) -> HttpResponse:
    """A unit's own questions (at most ``local.MAX_LOCAL_QUESTIONS``): add, edit, translate, remove."""
    survey = access_survey_by_id(request.user, survey_id, Perm.SURVEY_DISTRIBUTE)
    su = access_survey_unit(request.user, survey, survey_unit_id, Perm.SURVEY_DESIGN)
    languages = parse_definition(survey.definition).languages
    questions = local.visible_local_questions(su)
    failed: tuple[str, LocalQuestionForm] | None = None
    if request.method == "POST":
        action, key = request.POST.get("action"), request.POST.get("key", "")
        old = next((q for q in questions if q["key"] == key), None)
        try:
            if action == "remove" and old is not None:
                local_services.local_question_remove(actor=request.user, survey_unit=su, key=key)
                messages.success(request, _("The question was removed. Answers already given are kept."))
                return redirect("surveys:local", survey.pk, su.pk)
            if action in ("add", "save"):
                prefix = "new" if action == "add" else key
                form = LocalQuestionForm(request.POST, prefix=prefix, languages=languages)
                failed = (prefix, form)
                if form.is_valid():
                    if action == "add":
                        local_services.local_question_add(
                            actor=request.user, survey_unit=su, question=form.question()
                        )
                        messages.success(request, _("The question was added."))
                    elif old is not None:
                        local_services.local_question_update(
                            actor=request.user, survey_unit=su, key=key, question=form.question(old)
                        )
                        messages.success(request, _("The question was saved. Existing answers are kept."))
                    else:
                        messages.error(request, _("This question does not exist (any more)."))
                    return redirect("surveys:local", survey.pk, su.pk)
        except ServiceError as error:
            if failed:
                failed[1].add_service_error(error)
            else:
                messages.error(request, str(error.message))
    rows = []
    for number, question in enumerate(questions, start=1):
        form = (
            failed[1]
            if failed and failed[0] == question["key"]
            else LocalQuestionForm(
                prefix=question["key"],
                languages=languages,
                initial=LocalQuestionForm.initial_for(question, languages),
            )
        )
        text = question.get("text") or {}
        missing = [lang for lang in languages if not text.get(lang, "").strip()]
        rows.append({"number": number, "key": question["key"], "form": form, "missing": missing})
    add_form = None
    if len(questions) < local.MAX_LOCAL_QUESTIONS:
        add_form = (
            failed[1]
            if failed and failed[0] == "new"
            else LocalQuestionForm(prefix="new", languages=languages)
        )
    context = {
        "survey": survey,
        "title": display_title(survey.title),
        "su": su,
        "rows": rows,
        "add_form": add_form,
        "max": local.MAX_LOCAL_QUESTIONS,
    }
    return render(request, "surveys/local.html", context, status=400 if failed else 200)
