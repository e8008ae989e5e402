"""Errors as values users can read: a stable code, a translatable message, an optional field."""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    """A rule a service refused to break; views show ``message``, the API returns ``code`` too."""

    def __init__(self, code: str, message: Any, *, field: str | None = None) -> None:
        super().__init__(str(message))
        self.code = code
        self.message = message
        self.field = field

    def as_dict(self) -> dict[str, Any]:
        """Return the structured form the API sends."""
        return {"code": self.code, "message": str(self.message), "field": self.field}
