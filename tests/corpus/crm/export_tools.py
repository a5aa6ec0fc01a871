"""Helpers the CRM team used while debugging exports from a terminal."""

import sys
from pprint import pprint

import pandas as pd


def show_sample(df: pd.DataFrame, rows: int = 5) -> None:
    """Dump the first rows and the column types of a frame."""
    print(df.head(rows).to_string())
    pprint(dict(df.dtypes.astype(str)))


def warn_missing_columns(df: pd.DataFrame, expected: list[str]) -> list[str]:
    missing = [column for column in expected if column not in df.columns]
    if missing:
        sys.stderr.write(f"missing columns: {', '.join(missing)}\n")
    return missing
