"""XLSForm interchange: write a survey definition as an XLSForm workbook and read one back.

Pure Python (no Django). ``definition_to_xlsform`` writes the ``survey``, ``choices`` and
``settings`` sheets of the XLSForm standard (https://xlsform.org), so a Medvirk survey opens in
KoboToolbox, ODK and other XLSForm tools. Columns named ``medvirk::…`` carry what XLSForm cannot
express (rating scales, background dimensions, themes, exact conditions), so a file written here
comes back unchanged: ``xlsform_to_definition(definition_to_xlsform(d))[0].to_dict() ==
d.to_dict()``.

``xlsform_to_definition`` reads any XLSForm with pyxform (which also validates it) and converts
what Medvirk supports; everything else is listed as a ``Problem`` with its sheet row, never
raised. A file that is not an XLSForm at all gives one problem and no definition.

Conditions map to ``relevant`` expressions::

    equals    ${q} = 'x'   (multiple choice: selected(${q}, 'x'))
    one_of    ${q} = 'a' or ${q} = 'b'
    range     ${q} >= 1 and ${q} <= 2
    answered  ${q} != ''
    all/any   (…) and (…) / (…) or (…)

When an expression reads back as a different but equivalent condition (``one_of`` comes back as
``any`` of ``equals``), the exact condition is also kept as JSON in ``medvirk::condition``; it is
used only while the ``relevant`` cell still says the same thing, so edits in Excel win.
"""

from __future__ import annotations

from .columns import Problem, language_header
from .reader import xlsform_to_definition
from .relevant import RelevantError, condition_to_relevant, relevant_to_condition
from .writer import definition_to_xlsform

__all__ = [
    "Problem",
    "RelevantError",
    "condition_to_relevant",
    "definition_to_xlsform",
    "language_header",
    "relevant_to_condition",
    "xlsform_to_definition",
]
