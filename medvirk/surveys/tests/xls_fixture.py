"""An XLSForm as older tools and hand-made Excel files write it, and the .xls made from it.

``CELLS`` is a small form in the habits pyxform accepts: sheet and column names in capitals,
the older ``select one from`` / ``select all that apply from`` syntax. ``data/old_excel.xls``
holds the same cells in Excel 97-2003 format; tests build the .xlsx twin with openpyxl and check
that both read to the same survey. Regenerate the .xls after changing ``CELLS``:

    pip install xlwt  # not a dependency of Medvirk: only this script writes .xls
    .venv/bin/python -m medvirk.surveys.tests.xls_fixture
"""

from __future__ import annotations

from pathlib import Path

XLS_PATH = Path(__file__).resolve().parent / "data" / "old_excel.xls"

CELLS: dict[str, list[list[str]]] = {
    "SURVEY": [
        ["TYPE", "NAME", "LABEL::English (en)", "LABEL::Norsk bokmål (nb)", "REQUIRED", "Relevant"],
        ["select one from rating", "satisfied", "How satisfied are you?", "Hvor fornøyd er du?", "yes", ""],
        ["select all that apply from used", "used", "What did you use?", "Hva brukte du?", "", ""],
        ["text", "why", "Why?", "Hvorfor?", "", "${satisfied} <= 2"],
    ],
    "Choices": [
        ["List Name", "Name", "Label::English (en)", "Label::Norsk bokmål (nb)"],
        ["rating", "1", "Very dissatisfied", "Svært misfornøyd"],
        ["rating", "2", "Dissatisfied", "Misfornøyd"],
        ["rating", "3", "Satisfied", "Fornøyd"],
        ["rating", "4", "Very satisfied", "Svært fornøyd"],
        ["used", "library", "The library", "Biblioteket"],
        ["used", "pool", "The pool", "Svømmehallen"],
    ],
    "Settings": [
        ["Form_Title", "Form_ID", "Default_Language"],
        ["Old Excel form", "old_excel", "English (en)"],
    ],
}


def main() -> None:
    """Write ``CELLS`` as an Excel 97-2003 workbook to ``XLS_PATH``."""
    import xlwt  # type: ignore[import-not-found]

    book = xlwt.Workbook(encoding="utf-8")
    for name, rows in CELLS.items():
        sheet = book.add_sheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                sheet.write(r, c, value)
    book.save(str(XLS_PATH))


if __name__ == "__main__":
    main()
