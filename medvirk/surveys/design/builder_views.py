"""The survey builder's pages (issue 17): build, edit a question, logic with drop-downs, check
before opening. Every change goes through ``services.survey_build`` (the builder's operations
stored by the JSON path's service); every page works without JavaScript (buttons and drop-downs).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from medvirk.accounts.permissions import Perm
from medvirk.accounts.requests import StaffRequest
from medvirk.core.errors import ServiceError
from medvirk.core.views import staff_view

from .. import qtypes
from ..enums import SurveysErrorCode
from ..models import Survey, SurveyStatus
from ..selectors import access_survey_by_id
from . import builder, services
from .bank import list_templates, load_template
from .builder_services import survey_build, survey_publish_fallback
from .definition import OTHER_LABELS, tx
from .readiness import survey_check
from .views import display_title


def _first_language(survey: Survey) -> str:
    return str((survey.definition.get("languages") or ["nb"])[0])


def _apply(request: StaffRequest, survey: Survey, operation: builder.Operation, done: str) -> str | None:
    """Apply one operation; say what happened; return the key it changed (None when refused)."""
    try:
        _stored, key = survey_build(actor=request.user, survey=survey, operation=operation)
    except ServiceError as error:
        messages.error(request, str(error.message))
        return None
    messages.success(request, done)
    return key or ""


def _type_choices() -> list[tuple[str, str]]:
    return [(t.key, str(t.label)) for t in sorted(qtypes.all_types(), key=lambda t: t.order) if t.addable]


def _bank_choices(document: dict[str, Any], lang: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """Return per bank template the questions the survey does not have yet (value ``template:key``)."""
    present = {
        q["key"] for s in document.get("sections", []) for q in s.get("questions", []) if not q.get("hidden")
    }
    groups = []
    for name in list_templates():
        template = load_template(name)
        items = [
            (f"{name}:{q.key}", tx(q.text, lang, template.languages))
            for q in template.questions(include_rows=False)
            if q.key not in present and qtypes.get(q.type).figures is not qtypes.Figures.BACKGROUND
        ]
        if items:
            groups.append((tx(template.title, lang, template.languages), items))
    return groups


@staff_view
def build_page(request: StaffRequest, survey_id: int) -> HttpResponse:
    """The builder: pages and questions in order, with buttons to move, copy, remove and add."""
    survey = access_survey_by_id(request.user, survey_id, Perm.SURVEY_DESIGN)
    lang = _first_language(survey)
    if request.method == "POST":
        return _build_action(request, survey, lang)
    document = survey.definition
    sections, removed, number = [], [], 0
    for index, section in enumerate(document.get("sections", [])):
        rows = []
        for q in section.get("questions", []):
            if q.get("hidden"):
                removed.append({"key": q["key"], "text": builder.question_label(q, lang)})
                continue
            number += 1
            kind = qtypes.find(q.get("type"))
            rows.append(
                {
                    "key": q["key"],
                    "number": number,
                    "text": builder.question_label(q, lang),
                    "type": str(kind.label) if kind else "",
                    "required": bool(q.get("required")),
                    "logic": builder.condition_sentence(q.get("condition"), document, lang),
                }
            )
        sections.append(
            {
                "key": section["key"],
                "number": index + 1,
                "title": builder.question_label({"text": section.get("title")}, lang),
                "description": (section.get("description") or {}).get(lang, ""),
                "logic": builder.condition_sentence(section.get("condition"), document, lang),
                "questions": rows,
            }
        )
    context = {
        "survey": survey,
        "title": display_title(survey.title),
        "sections": sections,
        "removed": removed,
        "types": _type_choices(),
        "other_label": OTHER_LABELS.get(lang, ""),
        "bank": _bank_choices(document, lang),
        "translations": (document.get("languages") or ["nb"])[1:],
        "open": survey.status == SurveyStatus.OPEN,
    }
    return render(request, "surveys/build.html", context)


def _build_action(request: StaffRequest, survey: Survey, lang: str) -> HttpResponse:
    post = request.POST
    action, key = post.get("action", ""), post.get("key", "")
    url = reverse("surveys:build", args=[survey.pk])
    operation: builder.Operation
    if action in ("up", "down"):
        operation, done = builder.MoveQuestion(key, action), _("The question was moved.")
    elif action in ("page_up", "page_down"):
        operation, done = builder.MoveSection(key, action.removeprefix("page_")), _("The page was moved.")
    elif action == "copy":
        operation, done = builder.DuplicateQuestion(key), _("The question was copied.")
    elif action == "remove":
        operation, done = (
            builder.RemoveQuestion(key),
            _("The question was removed. Answers already given are kept."),
        )
    elif action == "restore":
        operation, done = builder.RestoreQuestion(key), _("The question is shown again.")
    elif action == "move_before":  # a drop (builder-drag.js); the buttons do the same one step at a time
        operation, done = builder.MoveBefore(key, post.get("before", "")), _("The question was moved.")
    elif action == "rename_page":
        operation = builder.EditSection(key, lang, post.get("title", ""), post.get("description"))
        done = _("The page was saved.")
    elif action == "add":
        other = (post.get("other", "").strip() or OTHER_LABELS.get(lang, "")) if post.get("other_on") else ""
        operation = builder.AddQuestion(
            type=post.get("type", ""),
            text=post.get("text", ""),
            lang=lang,
            section=post.get("section", ""),
            options=tuple(line for line in post.get("options", "").splitlines() if line.strip()),
            new_page=post.get("new_page", "") if not post.get("section") else "",
            other=other,
        )
        done = _("The question was added.")
    elif action == "add_bank":
        template, _sep, bank_key = post.get("bank", "").partition(":")
        operation = builder.AddBankQuestion(template, bank_key, post.get("section", ""))
        done = _("The question was added from the question bank.")
    else:
        raise Http404
    changed = _apply(request, survey, operation, done)
    anchor = f"#q-{changed}" if changed else ""
    if action == "add" and changed:  # straight on to its details and logic
        return redirect("surveys:build_question", survey.pk, changed)
    return redirect(url + anchor)


def _option_rows(question: dict[str, Any], lang: str) -> list[dict[str, str]]:
    return [
        {"key": o["key"], "label": (o.get("label") or {}).get(lang, "")}
        for o in question.get("options") or []
        if not o.get("hidden") and not o.get("other")  # "other" has fields of its own
    ]


def _other_option(question: dict[str, Any]) -> dict[str, Any] | None:
    found = next((o for o in question.get("options") or [] if o.get("other")), None)
    return None if found is None or found.get("hidden") else found


def _number_or_none(raw: str | None) -> float | None:
    raw = (raw or "").strip().replace(",", ".")
    if not raw:
        return None
    try:
        return float(raw)
    except ValueError:
        raise ServiceError(SurveysErrorCode.BUILDER_REFUSED, _("Write a number."), field="minimum") from None


def _whole_or_none(raw: str | None) -> int | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise ServiceError(SurveysErrorCode.BUILDER_REFUSED, _("Write a whole number."), field="scale")
    return int(raw)


@staff_view
def build_question(request: StaffRequest, survey_id: int, key: str) -> HttpResponse:
    """One question: wording, help, options, scale ends, required; its logic; its page."""
    survey = access_survey_by_id(request.user, survey_id, Perm.SURVEY_DESIGN)
    lang = _first_language(survey)
    document = survey.definition
    found = [
        (section, q)
        for section in document.get("sections", [])
        for q in section["questions"]
        if q["key"] == key
    ]
    if not found:
        raise Http404
    here = reverse("surveys:build_question", args=[survey.pk, key])
    if request.method == "POST":
        post = request.POST
        action = post.get("action", "")
        try:
            operation: builder.Operation
            if action == "save":
                operation = _edit_operation(found[0][1], lang, post)
                done = _("The question was saved. Existing answers are kept.")
            elif action == "logic":
                condition = builder.build_condition(
                    document,
                    key,
                    source=post.get("source", ""),
                    values=post.getlist("values"),
                    minimum=_number_or_none(post.get("minimum")),
                    maximum=_number_or_none(post.get("maximum")),
                    combine=post.get("combine", "") if not post.get("combine", "").isdigit() else "",
                    part=int(post["combine"]) if post.get("combine", "").isdigit() else None,
                )
                operation, done = builder.SetCondition(key, condition), _("The rule was saved.")
            elif action == "follow_up":
                operation = builder.AddFollowUp(
                    source=key,
                    values=tuple(post.getlist("values")),
                    type=post.get("type", "textarea"),
                    text=post.get("text", ""),
                    lang=lang,
                )
                done = _("The follow-up question was added.")
            elif action == "remove_part":
                part = post.get("part", "")
                condition = found[0][1].get("condition")
                new = builder.without_part(condition, int(part) if part.isdigit() else -1)
                operation, done = builder.SetCondition(key, new), _("The part of the rule was removed.")
            elif action == "clear_logic":
                operation, done = builder.SetCondition(key, None), _("The question is always shown now.")
            elif action == "move_to":
                operation, done = (
                    builder.MoveToSection(key, post.get("section", "")),
                    _("The question was moved."),
                )
            else:
                raise Http404
        except ServiceError as error:
            messages.error(request, str(error.message))
            return redirect(here)
        changed = _apply(request, survey, operation, done)
        if changed is not None and action in ("save", "follow_up"):
            return redirect(reverse("surveys:build", args=[survey.pk]) + f"#q-{changed or key}")
        return redirect(here)
    section, question = found[0]
    kind = qtypes.get(question["type"])
    earlier = builder.earlier_questions(document, key)
    source_key = request.GET.get("source", "")
    source = next((q for q in earlier if q["key"] == source_key), None)
    scale = question.get("scale") or {}
    other = _other_option(question)
    context = {
        "survey": survey,
        "title": display_title(survey.title),
        "q": question,
        "text": (question.get("text") or {}).get(lang, ""),
        "help": (question.get("help") or {}).get(lang, ""),
        "type": str(kind.label),
        "options": _option_rows(question, lang) if qtypes.Edit.OPTIONS in kind.edits else None,
        "new_options": range(1, 4),
        "statements": [
            {"key": r["key"], "text": (r.get("text") or {}).get(lang, "")}
            for r in question.get("rows") or []
            if not r.get("hidden")
        ]
        if qtypes.Edit.ROWS in kind.edits
        else None,
        "other_edit": kind.other_option,
        "other_on": other is not None,
        "other_label": ((other or {}).get("label") or {}).get(lang) or OTHER_LABELS.get(lang, ""),
        "scale_ends": bool(kind.edits & {qtypes.Edit.SCALE, qtypes.Edit.SCALE_ENDS}),
        "min_label": (scale.get("min_label") or {}).get(lang, ""),
        "max_label": (scale.get("max_label") or {}).get(lang, ""),
        "dont_know_edit": qtypes.Edit.SCALE in kind.edits,
        "dont_know": bool(scale.get("dont_know")),
        "scale_min": scale.get("min", 1),
        "scale_max": scale.get("max", 6),
        "scale_values": range(0, 11),
        "range_edit": qtypes.Edit.RANGE in kind.edits,
        "minimum": question.get("min", ""),
        "maximum": question.get("max", ""),
        "logic": builder.condition_sentence(question.get("condition"), document, lang),
        "has_logic": bool(question.get("condition")),
        "logic_parts": builder.condition_parts(question.get("condition"), document, lang),
        "earlier": [(q["key"], builder.question_label(q, lang)) for q in earlier],
        "source": source,
        "source_key": source_key,
        "answers": builder.answer_choices(source, lang) if source else None,
        "own_answers": builder.answer_choices(question, lang),
        "types": _type_choices(),
        "sections": [
            (s["key"], builder.question_label({"text": s.get("title")}, lang))
            for s in document.get("sections", [])
            if s is not section
        ],
    }
    return render(request, "surveys/build_question.html", context)


def _edit_operation(question: dict[str, Any], lang: str, post: Any) -> builder.EditQuestion:
    kind = qtypes.get(question["type"])
    options = None
    if qtypes.Edit.OPTIONS in kind.edits:
        kept = [(o["key"], post.get(f"option-{o['key']}", "")) for o in _option_rows(question, lang)]
        added = [(None, post.get(f"new-{n}", "")) for n in range(1, 4)]
        options = tuple((k, label) for k, label in (*kept, *added) if label.strip())
    scale_ends = bool(kind.edits & {qtypes.Edit.SCALE, qtypes.Edit.SCALE_ENDS})
    ranged = qtypes.Edit.RANGE in kind.edits
    other = None
    if kind.other_option:
        label = post.get("other", "").strip() or OTHER_LABELS.get(lang, "")
        if post.get("other_on") == "on" and not label:
            raise ServiceError(
                SurveysErrorCode.BUILDER_REFUSED, _("Write the text of the “Other” option."), field="other"
            )
        other = label if post.get("other_on") == "on" else ""
    rows = None
    if qtypes.Edit.ROWS in kind.edits:
        kept_rows = [
            (r["key"], post.get(f"row-{r['key']}", ""))
            for r in question.get("rows") or []
            if not r.get("hidden")
        ]
        added_rows = [(None, post.get(f"new-row-{n}", "")) for n in range(1, 4)]
        rows = tuple((k, text) for k, text in (*kept_rows, *added_rows) if text.strip())
    return builder.EditQuestion(
        key=question["key"],
        rows=rows,
        lang=lang,
        text=post.get("text", ""),
        help=post.get("help", ""),
        required=post.get("required") == "on",
        options=options,
        min_label=post.get("min_label", "") if scale_ends else None,
        max_label=post.get("max_label", "") if scale_ends else None,
        dont_know=(post.get("dont_know") == "on") if qtypes.Edit.SCALE in kind.edits else None,
        scale_min=_whole_or_none(post.get("scale_min")) if qtypes.Edit.SCALE in kind.edits else None,
        scale_max=_whole_or_none(post.get("scale_max")) if qtypes.Edit.SCALE in kind.edits else None,
        minimum=_number_or_none(post.get("minimum")) if ranged else None,
        maximum=_number_or_none(post.get("maximum")) if ranged else None,
        other=other,
    )


@staff_view
def check_page(request: StaffRequest, survey_id: int) -> HttpResponse:
    """Check before opening: what is missing; publish a language with its fallback marked; open."""
    survey = access_survey_by_id(request.user, survey_id, Perm.SURVEY_DESIGN)
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action in ("publish", "unpublish"):
                survey_publish_fallback(
                    actor=request.user,
                    survey=survey,
                    language=request.POST.get("language", ""),
                    publish=action == "publish",
                )
                messages.success(request, _("Saved."))
            elif action == "open":
                if not survey_check(survey).ready:
                    messages.error(request, _("The survey cannot open yet: see what is missing below."))
                else:
                    services.survey_set_status(actor=request.user, survey=survey, status=SurveyStatus.OPEN)
                    messages.success(request, _("The survey is open."))
                    return redirect("surveys:detail", survey.pk)
            else:
                raise Http404
        except ServiceError as error:
            messages.error(request, str(error.message))
        return redirect("surveys:check", survey.pk)
    report = survey_check(survey, (request.LANGUAGE_CODE or "nb"))
    context = {
        "survey": survey,
        "title": display_title(survey.title),
        "report": report,
        "blocking": [i for i in report.items if i.blocking],
        "notes": [i for i in report.items if not i.blocking],
        "final": services.closed_for_good(survey),
    }
    return render(request, "surveys/check.html", context)
