"""View-models of respondent form fields: what a type's ``field`` returns and the templates render.

``templates/surveys/respond/field.html`` renders each ``kind`` (a widget, not a question type):
``choices`` (radio buttons or checkboxes, optionally a scale), ``input``, ``textarea``,
``consent``, ``range`` (a line with a native slider and a number field) and ``matrix``.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Choice:
    value: str
    label: str
    checked: bool
    id: str
    hint: str = ""  # read by screen readers after the label, e.g. the scale's end label
    apart: bool = False  # on a line of its own, apart from the others: a scale's "don't know"
    specify: Field | None = None  # "other, please specify": the text field shown with the option


@dataclass
class Field:
    key: str
    name: str
    id: str
    kind: str  # choices, input, textarea, consent, range, matrix, ranking (its rows: one select a place)
    text: str
    help: str = ""
    required: bool = False
    multiple: bool = False
    scale: bool = False
    input_type: str = "text"
    inputmode: str = ""
    value: str = ""
    maxlength: int | None = None
    choices: list[Choice] = field(default_factory=list)
    rows: list[Field] = field(default_factory=list)
    error: str = ""
    min_label: str = ""
    max_label: str = ""
    min_value: str = ""
    max_value: str = ""
    step: str = ""  # range: the slider's step
    value_label: str = ""  # the label of the field that holds the answer (range; "other, please specify")

    @property
    def described_by(self) -> str:
        ids = []
        if self.help:
            ids.append(f"{self.id}-help")
        if self.error:
            ids.append(f"{self.id}-error")
        return " ".join(ids)
