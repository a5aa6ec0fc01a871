"""Archives closed orders into the cold-storage PostgreSQL database."""

from typing import Any

import psycopg
from osiris.core.driver import DriverRegistry
from psycopg import sql


def insert_statement(table: str, columns: list[str]) -> sql.Composed:
    return sql.SQL("INSERT INTO {} ({}) VALUES ({}) ON CONFLICT DO NOTHING").format(
        sql.Identifier(table),
        sql.SQL(", ").join(map(sql.Identifier, columns)),
        sql.SQL(", ").join(sql.Placeholder() * len(columns)),
    )


def delete_statement(table: str, keys: list[str]) -> sql.Composed:
    return sql.SQL("DELETE FROM {} WHERE ({}) = ({})").format(
        sql.Identifier(table),
        sql.SQL(", ").join(map(sql.Identifier, keys)),
        sql.SQL(", ").join(sql.Placeholder() * len(keys)),
    )


class PostgresArchiveWriterDriver:
    def run(self, step_id: str, config: dict, inputs: dict | None, ctx: Any) -> dict:
        try:
            self._validate_config(config)
            if inputs is None or "df" not in inputs:
                raise ValueError("postgres_archive.writer needs inputs['df']")
            df = inputs["df"]
            table = config["table"]
            rows = list(df.itertuples(index=False, name=None))
            connection = config["resolved_connection"]
            ctx.log_event("archive_target", {"step_id": step_id, "connection": connection})
            with psycopg.connect(
                host=connection["host"],
                dbname=connection["database"],
                user=connection["user"],
                password=connection["password"],
                connect_timeout=10,
            ) as conn:
                with conn.transaction():
                    with conn.cursor() as cur:
                        mode = config.get("write_mode", "append")
                        if mode == "append":
                            cur.executemany(insert_statement(table, list(df.columns)), rows)
                        elif mode == "overwrite":
                            cur.execute(sql.SQL("TRUNCATE TABLE {}").format(sql.Identifier(table)))
                            cur.executemany(insert_statement(table, list(df.columns)), rows)
                        elif mode == "upsert":
                            keys = config["primary_key"]
                            cur.executemany(delete_statement(table, keys), df[keys].itertuples(index=False, name=None))
                            cur.executemany(insert_statement(table, list(df.columns)), rows)
                        else:
                            raise ValueError(f"Unsupported write_mode {mode!r}")
            ctx.log_metric("rows_written", len(rows))
            return {}
        except Exception as e:
            ctx.log_event("step_failed", {
                "step_id": step_id,
                "error": str(e),
                "error_type": type(e).__name__,
            })
            raise

    def _validate_config(self, config: dict) -> None:
        if not config.get("table"):
            raise ValueError("postgres_archive.writer needs config['table']")
        connection = config.get("resolved_connection")
        if not connection or "database" not in connection:
            raise ValueError(f"The archive connection {connection} names no database")


DriverRegistry.register("postgres_archive.writer", PostgresArchiveWriterDriver())
