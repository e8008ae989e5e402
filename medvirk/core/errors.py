"""Errors as values users can read: a checked code, a translatable message, an HTTP status.

Codes are members of a :class:`ErrorCode` subclass, one per module (``<module>/enums.py``), so a
typo is an ``AttributeError`` at import rather than a new code in the API. The API answers
with :attr:`ServiceError.status`; pages show :attr:`ServiceError.message` next to ``field``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from medvirk.common.norway import looks_like_national_id


class ErrorCode(StrEnum):
    """Base of every module's error codes (an enum without members can be subclassed)."""


class CoreErrorCode(ErrorCode):
    """Codes every module may raise."""

    #: The actor lacks the permission the service checks (the API answers 403).
    FORBIDDEN = "forbidden"
    #: An import preview's signed rows were changed or are too old (``uploads.preview_rows_load``).
    BAD_SIGNATURE = "bad_signature"
    #: New work on a unit the organisation import closed (``accounts.access.ensure_open_for_new_work``).
    UNIT_CLOSED = "unit_closed"


#: HTTP status of a code when the raise does not give one: the refusals of a service's own
#: permission check are 403, every other broken rule is 400.
_STATUS: dict[str, int] = {CoreErrorCode.FORBIDDEN: 403}


class ServiceError(Exception):
    """A rule a service refused to break; views show ``message``, the API returns ``code`` too."""

    def __init__(
        self,
        code: ErrorCode,
        message: str | Promise,
        *,
        field: str | None = None,
        status: int | None = None,
    ) -> None:
        if not isinstance(code, ErrorCode):
            raise TypeError(f"ServiceError needs an ErrorCode member, not {code!r}")
        super().__init__(str(message))
        self.code = code
        self.message = message
        self.field = field
        self.status = status if status is not None else _STATUS.get(code, 400)
        #: More the API sends beside ``code`` and ``message`` (e.g. a date), as JSON values.
        self.details: dict[str, Any] = {}

    def as_dict(self) -> dict[str, Any]:
        """Return the structured form the API sends."""
        return {"code": str(self.code), "message": str(self.message), "field": self.field}


def refuse_national_id(text: str, code: ErrorCode, *, field: str = "alias") -> None:
    """Refuse ``text`` when it holds a national identity number (``common.norway.looks_like_national_id``).

    Client feedback's alias, provider choice's alias or case reference, and the API behind both
    say it with this one message; each module keeps its own ``code``.
    """
    if looks_like_national_id(text):
        raise ServiceError(
            code,
            _(
                "This looks like a national identity number (fødselsnummer). Never write one here: "
                "use initials, a nickname or a case reference instead."
            ),
            field=field,
        )
