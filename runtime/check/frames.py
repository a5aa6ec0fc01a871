"""Say how two DataFrames differ (columns, dtypes, index, rows, values), or that
they do not: used to prove an input untouched (OSD021) and a result independent
of earlier runs (OSD022)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd


def frame_difference(before: pd.DataFrame, after: pd.DataFrame) -> str | None:
    """``None`` when equal in columns, dtypes, index and values; else what changed."""
    if list(before.columns) != list(after.columns):
        return f"its columns changed from {list(before.columns)} to {list(after.columns)}"
    changed_types = [f"{c!r} {before[c].dtype} -> {after[c].dtype}" for c in before.columns
                     if before[c].dtype != after[c].dtype]
    if changed_types:
        return f"its dtypes changed ({', '.join(changed_types)})"
    if len(before) != len(after):
        return f"its row count changed from {len(before)} to {len(after)}"
    if not before.index.equals(after.index):
        return f"its index changed from {_short(before.index)} to {_short(after.index)}"
    changed = [c for c in before.columns if not before[c].equals(after[c])]
    if changed:
        return f"its values changed in column(s) {changed}"
    return None


def inputs_difference(before: Any, after: Any, where: str = "inputs") -> str | None:
    """How ``after`` (the object the driver received) differs from ``before`` (a deep
    copy taken before the call): keys of the dicts and every DataFrame inside them."""
    if isinstance(before, pd.DataFrame):
        if not isinstance(after, pd.DataFrame):
            return f"{where} was replaced by a {type(after).__name__}"
        difference = frame_difference(before, after)
        return f"{where}: {difference}" if difference else None
    if isinstance(before, Mapping):
        if not isinstance(after, Mapping):
            return f"{where} was replaced by a {type(after).__name__}"
        if list(before) != list(after):
            return f"{where} keys changed from {list(before)} to {list(after)}"
        for key in sorted(before, key=lambda k: k != "df"):  # the contract's name first
            difference = inputs_difference(before[key], after[key], f"{where}[{key!r}]")
            if difference:
                return difference
    return None


def _short(index: pd.Index) -> str:
    values = list(index[:5])
    return f"{values}{'...' if len(index) > 5 else ''}"
