"""The former pyreadstat-based .sav writer, kept only as the reference the streaming writer must match."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
import pyreadstat

from ..savfile import Variable


def write_reference(
    path: str, variables: Sequence[Variable], rows: Sequence[Sequence[Any]], label: str
) -> None:
    """Write ``rows`` as the pyreadstat writer did: one whole data frame at once."""
    frame = pd.DataFrame(
        {
            v.name: pd.Series([row[i] for row in rows], dtype="float64" if v.numeric else "object")
            for i, v in enumerate(variables)
        }
    )
    pyreadstat.write_sav(
        frame,
        path,
        file_label=label,
        column_labels={v.name: v.label for v in variables},
        variable_value_labels={v.name: dict(v.value_labels) for v in variables if v.value_labels},
        missing_ranges={v.name: list(v.missing) for v in variables if v.missing},
        variable_measure={v.name: v.measure for v in variables if v.numeric},
    )
