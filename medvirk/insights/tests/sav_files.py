"""Read back an SPSS file that a test downloaded, as SPSS users' tools would, with pyreadstat."""

from __future__ import annotations

import tempfile
from typing import Any

import pyreadstat


def read_sav(content: bytes, **options: Any) -> tuple[Any, Any]:
    """Return pyreadstat's data frame and metadata of the .sav file ``content``.

    ``options`` go to ``pyreadstat.read_sav`` (``user_missing=True`` keeps the user-missing
    codes, ``apply_value_formats=False`` reads codes, not their labels).
    """
    with tempfile.NamedTemporaryFile(suffix=".sav") as f:
        f.write(content)
        f.flush()
        return pyreadstat.read_sav(f.name, **options)
