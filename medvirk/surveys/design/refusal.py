"""A survey definition's problems as the coded refusal services and the builder give.

Kept apart from ``parser``: the upload parsers' fork server preloads ``parser`` and must not
import Django's models, which the error codes reach through the audit actions
(``tests/test_upload_preload.py``).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from medvirk.core.errors import ServiceError

from ..enums import SurveysErrorCode
from .definition import Definition, DefinitionError
from .parser import parse_definition


def parse_or_refuse(document: Any, *, listed: int = 20) -> Definition:
    """Return the parsed definition, or refuse it (``ServiceError``, ``definition_invalid``) with
    its first ``listed`` problems as the JSON paths name them."""
    try:
        return parse_definition(document)
    except DefinitionError as exc:
        lines = "; ".join(f"{where}: {what}" for where, what in exc.problems[:listed])
        raise ServiceError(
            SurveysErrorCode.DEFINITION_INVALID,
            _("The survey definition has problems: %(problems)s") % {"problems": lines},
        ) from exc
