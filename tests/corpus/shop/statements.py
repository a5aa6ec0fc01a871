"""SQL statements for MySQL/MariaDB, with every identifier quoted."""

from collections.abc import Sequence


def quote_identifier(name: str) -> str:
    """``name`` as a backtick-quoted MySQL identifier."""
    return "`" + str(name).replace("`", "``") + "`"


def quote_list(names: Sequence[str]) -> str:
    return ", ".join(quote_identifier(name) for name in names)


def insert_sql(table: str, columns: Sequence[str]) -> str:
    placeholders = ", ".join(["%s"] * len(columns))
    return f"INSERT INTO {quote_identifier(table)} ({quote_list(columns)}) VALUES ({placeholders})"


def upsert_sql(table: str, columns: Sequence[str], keys: Sequence[str]) -> str:
    updates = ", ".join(
        f"{quote_identifier(column)} = VALUES({quote_identifier(column)})"
        for column in columns
        if column not in keys
    )
    return f"{insert_sql(table, columns)} ON DUPLICATE KEY UPDATE {updates}"


def delete_all_sql(table: str) -> str:
    return f"DELETE FROM {quote_identifier(table)}"
