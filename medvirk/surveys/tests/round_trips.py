"""A survey definition written as JSON or as an XLSForm and read back, as the interchange tests check it."""

from __future__ import annotations

import json

from medvirk.surveys.design.definition import Definition
from medvirk.surveys.interchange.files import definition_from_json
from medvirk.surveys.interchange.xlsform import definition_to_xlsform, xlsform_to_definition


def assert_json_round_trip(definition: Definition) -> None:
    """Assert that ``definition`` written as JSON reads back the same, without problems."""
    back, problems = definition_from_json(json.dumps(definition.to_dict()).encode())
    assert problems == []
    assert back is not None
    assert back.to_dict() == definition.to_dict()


def assert_xlsform_round_trip(definition: Definition, data: bytes | None = None) -> None:
    """Assert that the XLSForm ``data`` (by default ``definition`` written as one) reads back as
    ``definition``, without problems (pyxform accepted it)."""
    back, problems = xlsform_to_definition(definition_to_xlsform(definition) if data is None else data)
    assert problems == []
    assert back is not None
    assert back.to_dict() == definition.to_dict()
