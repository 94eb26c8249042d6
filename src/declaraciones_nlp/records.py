"""DataFrame values made JSON-ready: the one NaN → None cleaner.

What the CLI prints, the web API returns and the proposal quotes go through
`plain` (one value) or `to_records` (a whole frame).
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd


def plain(value: Any) -> Any:
    """NaN/NA/NaT → None, numpy scalars → Python scalars, tuples and arrays → lists; the rest as is."""
    if isinstance(value, (list, tuple, np.ndarray)):
        return list(value)
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


def to_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON-ready dicts, in column order: what the CLI prints and the web API returns."""
    return [{key: plain(value) for key, value in record.items()} for record in frame.to_dict(orient="records")]
