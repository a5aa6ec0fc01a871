"""Writes the upstream DataFrame into a PostgreSQL table in one transaction (psycopg 3)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import pandas as pd
import psycopg
from psycopg import sql

REQUIRED = ("table", "resolved_connection")


def insert_statement(table: sql.Identifier, columns: Sequence[str]) -> sql.Composed:
    names = [sql.Identifier(column) for column in columns]
    return sql.SQL("INSERT INTO {table} ({columns}) VALUES ({values})").format(
        table=table,
        columns=sql.SQL(", ").join(names),
        values=sql.SQL(", ").join(sql.Placeholder() * len(names)),
    )


def upsert_statement(table: sql.Identifier, columns: Sequence[str], keys: Sequence[str]) -> sql.Composed:
    updates = [
        sql.SQL("{column} = EXCLUDED.{column}").format(column=sql.Identifier(column))
        for column in columns
        if column not in keys
    ]
    return sql.SQL("{insert} ON CONFLICT ({keys}) DO UPDATE SET {updates}").format(
        insert=insert_statement(table, columns),
        keys=sql.SQL(", ").join(sql.Identifier(key) for key in keys),
        updates=sql.SQL(", ").join(updates),
    )


def records(df: pd.DataFrame) -> Iterator[tuple]:
    """The rows as tuples, with NaN and NaT written as NULL."""
    return df.astype(object).where(df.notna(), None).itertuples(index=False, name=None)


class PostgresWriterDriver:
    """Appends, replaces or upserts rows; any error rolls the whole step back.

    Registered as ``postgres.writer`` by the package's ``__init__.py``.
    """

    def run(self, step_id: str, config: dict, inputs: dict | None, ctx: Any) -> dict:
        try:
            self._validate_config(config)
            self._require_df(inputs)
            df = inputs["df"]
            table = sql.Identifier(config.get("schema", "public"), config["table"])
            columns = list(df.columns)
            connection = config["resolved_connection"]
            with psycopg.connect(
                host=connection["host"],
                port=connection.get("port", 5432),
                dbname=connection["database"],
                user=connection["user"],
                password=connection["password"],
                connect_timeout=config.get("connect_timeout", 10),
            ) as conn:
                with conn.transaction():
                    with conn.cursor() as cur:
                        match config.get("write_mode", "append"):
                            case "append":
                                cur.executemany(insert_statement(table, columns), records(df))
                            case "overwrite":
                                cur.execute(sql.SQL("TRUNCATE TABLE {}").format(table))
                                cur.executemany(insert_statement(table, columns), records(df))
                            case "upsert":
                                keys = config["primary_key"]
                                cur.executemany(upsert_statement(table, columns, keys), records(df))
                            case _:
                                raise ValueError(
                                    "write_mode must be 'append', 'overwrite' or 'upsert', "
                                    f"not {config.get('write_mode')!r}"
                                )
            ctx.log_metric("rows_written", len(df), table=config["table"])
            return {}
        except Exception as e:
            ctx.log_event("step_failed", {
                "step_id": step_id,
                "error": str(e),
                "error_type": type(e).__name__,
            })
            raise

    def _validate_config(self, config: dict) -> None:
        missing = [key for key in REQUIRED if not config.get(key)]
        if missing:
            raise ValueError(f"postgres.writer needs config {missing}")
        if config.get("write_mode") == "upsert" and not config.get("primary_key"):
            raise ValueError("write_mode 'upsert' needs config['primary_key']: the conflict columns")

    def _require_df(self, inputs: dict | None) -> None:
        if inputs is None or "df" not in inputs:
            raise ValueError("postgres.writer needs inputs['df'] from an upstream step")
