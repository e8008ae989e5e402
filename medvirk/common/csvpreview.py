"""What a CSV import would do, shown before anything is stored: the one preview of every import.

Each app's ``csvimport.py`` reads its file into rows of its own (volunteers, organisations,
clients), each with the file's line number and a status: "new" (would be imported), "duplicate"
(already there, skipped) or "error" (its messages say why). ``core.views.import_preview_page``
shows the preview and the confirm step stores ``new_rows``. Pure: no Django.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar, Generic, Protocol, TypeVar


class PreviewRow(Protocol):
    """One data row of an imported file as the preview needs it."""

    @property
    def line(self) -> int: ...

    @property
    def status(self) -> str: ...  # "new", "duplicate" or "error"


Row = TypeVar("Row", bound=PreviewRow)


@dataclass
class ImportPreview(Generic[Row]):
    """The rows read from a file and the problems of the file as a whole."""

    rows: list[Row]
    errors: list[str] = field(default_factory=list)  # problems with the file as a whole
    encoding: str = ""  # as read ("" when the file could not be decoded)
    delimiter: str = ""
    # An import that stores nothing until every row is right (a subclass sets it): otherwise the
    # good rows are imported and the others listed.
    all_or_nothing: ClassVar[bool] = False

    @property
    def bad_rows(self) -> list[Row]:
        return [r for r in self.rows if r.status == "error"]

    @property
    def importable(self) -> bool:
        """Whether the file can be imported as it is: rows, and no problem with it or any row."""
        return bool(self.rows) and not self.errors and not self.bad_rows

    @property
    def new_rows(self) -> list[Row]:
        """The rows the confirm step stores."""
        if self.all_or_nothing:
            return self.rows if self.importable else []
        return [r for r in self.rows if r.status == "new"]

    def count(self, status: str) -> int:
        """Return how many rows have ``status``."""
        return sum(1 for r in self.rows if r.status == status)
