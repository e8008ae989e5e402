"""Writes for surveys: the app's public surface for other apps (and the API).

Surveys is four domains in sub-packages: ``design`` (the definition format, question bank,
rounds, local questions, translations), ``distribution`` (links, posters, codes, invitations,
reminders, paper forms), ``answering`` (the answer engine, respondent pages, storing answers)
and ``interchange`` (XLSForm and JSON). Other apps import only ``surveys.services`` (writes),
``surveys.selectors`` (reads), ``surveys.models`` and ``surveys.types`` (pure values); inside
surveys, modules import the sub-package that does the work, never this module.
"""

from __future__ import annotations

from .answering.services import (
    RESPONDENT,
    AnswerErrors,
    finished_expansions_prune,
    received_expand,
    received_expand_later,
    response_by_token,
    response_receive,
    response_save_section,
    response_set_language,
    response_start,
    response_start_with_code,
    response_submit,
    response_submit_complete,
    resume_token_for,
    stored_answers,
)
from .design.builder_services import survey_build, survey_publish_fallback
from .design.local_services import local_question_add, local_question_remove, local_question_update
from .design.services import (
    rounds_close_ended,
    survey_create,
    survey_is_accepting,
    survey_set_dates,
    survey_set_status,
    survey_set_target,
    survey_update_definition,
)
from .distribution.services import (
    codes_create,
    invitation_addresses_purge,
    invitations_send,
    parse_addresses,
    reminders_send,
    user_count_set,
)
from .sql import district_codes

__all__ = [
    "RESPONDENT",
    "AnswerErrors",
    "codes_create",
    "district_codes",
    "finished_expansions_prune",
    "invitation_addresses_purge",
    "invitations_send",
    "local_question_add",
    "local_question_remove",
    "local_question_update",
    "parse_addresses",
    "received_expand",
    "received_expand_later",
    "reminders_send",
    "response_by_token",
    "response_receive",
    "response_save_section",
    "response_set_language",
    "response_start",
    "response_start_with_code",
    "response_submit",
    "response_submit_complete",
    "resume_token_for",
    "rounds_close_ended",
    "stored_answers",
    "survey_build",
    "survey_create",
    "survey_is_accepting",
    "survey_publish_fallback",
    "survey_set_dates",
    "survey_set_status",
    "survey_set_target",
    "survey_update_definition",
    "user_count_set",
]
