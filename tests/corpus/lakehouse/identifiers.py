"""Identifier quoting for SQLite and DuckDB (both use ANSI double quotes)."""

from collections.abc import Iterable


def quote_identifier(name: str) -> str:
    return '"' + str(name).replace('"', '""') + '"'


def quote_list(names: Iterable[str]) -> str:
    return ", ".join(quote_identifier(name) for name in names)
