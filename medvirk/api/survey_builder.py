"""Survey builder endpoints: the builder's operations, one at a time, as the builder pages use them.

``POST /surveys/{id}/builder`` takes one operation (``op`` names it) and answers with the stored
survey and the key of the question or page it made or changed. The same service
(``services.survey_build``) serves the pages, so the API keeps every guarantee they have.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal

from ninja import Router, Schema
from pydantic import Field

from medvirk.accounts.permissions import Perm
from medvirk.accounts.requests import StaffRequest
from medvirk.surveys import services
from medvirk.surveys.selectors import access_survey_by_id, preview_data, survey_check
from medvirk.surveys.types import builder

from .base import schema_of
from .surveys import SurveyDetailOut, _detail

router = Router(tags=["survey builder"])


class AddQuestionIn(Schema):
    op: Literal["add_question"]
    type: str
    text: str
    lang: str
    section: str = ""  # a page's key; empty: a new page titled ``new_page``
    options: list[str] = []
    after: str | None = None
    new_page: str = ""


class AddFollowUpIn(Schema):
    op: Literal["add_follow_up"]
    source: str  # the choice question it follows
    values: list[str]  # its answers that show the follow-up
    type: str = "textarea"
    text: str
    lang: str


class AddBankQuestionIn(Schema):
    op: Literal["add_bank_question"]
    template: str
    key: str
    section: str


class OptionIn(Schema):
    key: str | None = None  # an existing option's key; none for a new option
    label: str


if TYPE_CHECKING:
    _EditQuestionFields = Schema
else:
    _EditQuestionFields = schema_of(builder.EditQuestion)


class EditQuestionIn(_EditQuestionFields):
    # ``builder.EditQuestion``'s fields, with options and a matrix's rows as objects (no docstring:
    # it would become the schema's description in the OpenAPI document).
    op: Literal["edit_question"]
    options: list[OptionIn] | None = None  # in order; an existing option left out is hidden
    rows: list[OptionIn] | None = None  # a matrix's statements (``label``: the text), as ``options``


class EditSectionIn(Schema):
    op: Literal["edit_section"]
    key: str
    lang: str
    title: str  # the page's new title in ``lang``
    description: str | None = None  # its introduction ("" removes it; left out: unchanged)


class MoveBeforeIn(Schema):
    op: Literal["move_before"]
    key: str
    before: str  # the question it is put before (on that question's page)


class MoveIn(Schema):
    op: Literal["move_question", "move_section"]
    key: str
    direction: Literal["up", "down"]


class MoveToSectionIn(Schema):
    op: Literal["move_to_section"]
    key: str
    section: str


class KeyIn(Schema):
    op: Literal["duplicate_question", "remove_question", "restore_question"]
    key: str


class SetConditionIn(Schema):
    op: Literal["set_condition"]
    key: str
    condition: dict[str, Any] | None = None  # the definition's condition format; null removes it


class SetTextsIn(Schema):
    op: Literal["set_texts"]
    lang: str
    texts: dict[str, str]  # place (as in GET …/builder/texts) → text; empty removes it


OperationIn = Annotated[
    AddQuestionIn
    | AddFollowUpIn
    | AddBankQuestionIn
    | EditQuestionIn
    | MoveIn
    | MoveToSectionIn
    | KeyIn
    | SetConditionIn
    | SetTextsIn
    | EditSectionIn
    | MoveBeforeIn,
    Field(discriminator="op"),
]


class BuildOut(SurveyDetailOut):
    key: str | None


class CheckItemOut(Schema):
    code: str
    message: str
    blocking: bool
    language: str | None = None


class CheckOut(Schema):
    ready: bool
    items: list[CheckItemOut]


class TextOut(Schema):
    place: str
    text: dict[str, str]


def _operation(payload: Any) -> builder.Operation:
    data = payload.dict()
    op = data.pop("op")
    if op == "add_question":
        return builder.AddQuestion(**{**data, "options": tuple(data["options"])})
    if op == "add_follow_up":
        return builder.AddFollowUp(**{**data, "values": tuple(data["values"])})
    if op == "add_bank_question":
        return builder.AddBankQuestion(**data)
    if op == "edit_question":
        options, rows = data.pop("options"), data.pop("rows")
        if options is not None:
            options = tuple((o["key"], o["label"]) for o in options)
        if rows is not None:
            rows = tuple((r["key"], r["label"]) for r in rows)
        return builder.EditQuestion(**data, options=options, rows=rows)
    if op == "move_question":
        return builder.MoveQuestion(**data)
    if op == "move_section":
        return builder.MoveSection(**data)
    if op == "move_to_section":
        return builder.MoveToSection(**data)
    if op == "duplicate_question":
        return builder.DuplicateQuestion(**data)
    if op == "remove_question":
        return builder.RemoveQuestion(**data)
    if op == "restore_question":
        return builder.RestoreQuestion(**data)
    if op == "set_condition":
        return builder.SetCondition(**data)
    if op == "edit_section":
        return builder.EditSection(**data)
    if op == "move_before":
        return builder.MoveBefore(**data)
    return builder.SetTexts(**data)


@router.post("/surveys/{survey_id}/builder", response=BuildOut)
def build(request: StaffRequest, survey_id: int, payload: OperationIn) -> dict[str, Any]:
    """Apply one builder operation to the survey's questions (keys never change; removed items
    stay hidden with their answers; impossible or circular logic is refused with a message)."""
    survey = access_survey_by_id(request.user, survey_id, Perm.SURVEY_DESIGN)
    stored, key = services.survey_build(actor=request.user, survey=survey, operation=_operation(payload))
    return {**_detail(stored), "key": key}


@router.get("/surveys/{survey_id}/builder/texts", response=list[TextOut])
def texts(request: StaffRequest, survey_id: int) -> list[dict[str, Any]]:
    """List every translatable text by place, with its text per language (for ``set_texts``)."""
    survey = access_survey_by_id(request.user, survey_id, Perm.SURVEY_DESIGN)
    return [{"place": place, "text": text} for place, text in builder.text_places(survey.definition)]


@router.get("/surveys/{survey_id}/builder/check", response=CheckOut)
def check(request: StaffRequest, survey_id: int) -> dict[str, Any]:
    """Check before opening: what is missing (dates, texts per language, distribution channels)."""
    survey = access_survey_by_id(request.user, survey_id, Perm.SURVEY_DESIGN)
    return _check(survey)


class PublishIn(Schema):
    publish: bool = True  # false: offer the language again only once its texts are complete


@router.post("/surveys/{survey_id}/builder/languages/{language}", response=CheckOut)
def publish_language(
    request: StaffRequest, survey_id: int, language: str, payload: PublishIn
) -> dict[str, Any]:
    """Offer a language whose texts are not all translated, its missing texts shown in the first
    language (marked with their own language on the page); answers with the check after it."""
    survey = access_survey_by_id(request.user, survey_id, Perm.SURVEY_DESIGN)
    services.survey_publish_fallback(
        actor=request.user, survey=survey, language=language, publish=payload.publish
    )
    survey.refresh_from_db()
    return _check(survey)


@router.get("/surveys/{survey_id}/builder/preview", response=dict[str, Any])
def preview(request: StaffRequest, survey_id: int, lang: str = "", page: int = 1) -> dict[str, Any]:
    """One page of the survey as respondents see it in ``lang`` (nothing is stored): every visible
    question with its texts, each with the language it is shown in, and its rule in words."""
    survey = access_survey_by_id(request.user, survey_id, Perm.SURVEY_DESIGN)
    return preview_data(survey, lang, page)


def _check(survey: Any) -> dict[str, Any]:
    report = survey_check(survey)
    return {
        "ready": report.ready,
        "items": [
            {"code": i.code, "message": str(i.message), "blocking": i.blocking, "language": i.language}
            for i in report.items
        ],
    }
