"""Problems in an uploaded population table, said in words: each issue's code names a kind of
problem the page says in the user's language; the reader's own technical detail (in English, with
the exact value) stays for whoever fixes the file, marked as advanced."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _

from ..csvimport import CsvErrorCode
from ..jsonstat import JsonStatErrorCode
from ..selectors import issue_message as _issue_message

register = template.Library()

KINDS: dict[str, Any] = {
    "malformed_json": _("The file is not valid JSON."),
    "not_an_object": _("The file is not a JSON-stat table."),
    "unknown_version": _("The JSON-stat version is not supported."),
    "unsupported_class": _("The file holds something other than one table."),
    "missing_field": _("A required part of the table is missing."),
    "wrong_type": _("A part of the table has the wrong form."),
    "id_size_mismatch": _("The table's dimensions and sizes do not match."),
    "unknown_dimension": _("The table names a dimension it does not describe."),
    "index_size_mismatch": _("A dimension lists another number of codes than its size."),
    "invalid_index": _("A dimension's codes are not listed correctly."),
    "duplicate_code": _("A code is listed twice."),
    "value_length_mismatch": _("The number of values does not match the table's size."),
    "value_index_out_of_range": _("A value lies outside the table."),
    "non_numeric_value": _("A value is not a number."),
    "negative_count": _("A count is negative."),
    "status_length_mismatch": _("The number of status marks does not match the values."),
    "invalid_status": _("A status mark is not valid."),
    "too_large": _("The table is too large."),
    "too_deep": _("The file is nested too deeply."),
    "empty_file": _("The file is empty."),
    "no_header": _("The file has no header row."),
    "duplicate_column": _("A column appears twice."),
    "unknown_column": _("A column is not known."),
    "no_value_column": _("No column holds the counts."),
    "wrong_field_count": _("A row has another number of fields than the header."),
    "empty_code": _("A code is empty."),
    "not_a_number": _("A count is not a number."),
    "duplicate_row": _("A row appears twice."),
    "inconsistent_label": _("One code has two different names."),
    "not_text": _("The file is not a text file."),
    "other_municipality": _("Another municipality"),
    "year_required": _("No year"),
    "no_counts": _("Nothing to count"),
    "mapping_failed": _("The table could not be mapped."),
}
# Issues found by the file readers carry the reader's own detail, in English.
TECHNICAL = {str(code) for code in JsonStatErrorCode} | {str(code) for code in CsvErrorCode}


def _code(issue: Any) -> str:
    return str(issue.get("code", "") if isinstance(issue, dict) else getattr(issue, "code", ""))


@register.filter
def issue_kind(issue: Any) -> str:
    """Return what kind of problem an issue is, in the active language."""
    return str(KINDS.get(_code(issue), _("A problem in the file")))


@register.filter
def issue_technical(issue: Any) -> bool:
    """Return whether the issue's detail is the file reader's own (technical, in English)."""
    return _code(issue) in TECHNICAL


@register.filter
def issue_message(issue: Any) -> str:
    """Return an issue's detail, in the active language where it is one of Medvirk's own notes."""
    return _issue_message(issue) if isinstance(issue, dict) else str(getattr(issue, "message", ""))
