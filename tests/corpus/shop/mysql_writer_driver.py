"""Writes the upstream DataFrame into a MySQL/MariaDB table (PyMySQL).

PyMySQL leaves autocommit off, so every statement of a run belongs to one
transaction: committed after the last batch, rolled back on any error.
"""

from itertools import islice

import pandas as pd
import pymysql

from .statements import delete_all_sql, insert_sql, upsert_sql


def batches(df: pd.DataFrame, size: int):
    rows = df.astype(object).where(df.notna(), None).itertuples(index=False, name=None)
    while batch := list(islice(rows, size)):
        yield batch


class MysqlWriterDriver:
    def __init__(self, batch_size: int = 5000) -> None:
        self.batch_size = batch_size

    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            self._validate_config(config)
            self._require_df(inputs)
            df = inputs["df"]
            table, columns = config["table"], list(df.columns)
            mode = config.get("write_mode", "append")
            connection = config["resolved_connection"]
            with pymysql.connect(
                host=connection["host"],
                port=int(connection.get("port", 3306)),
                user=connection["user"],
                password=connection["password"],
                database=connection["database"],
                connect_timeout=10,
                write_timeout=120,
            ) as conn:
                try:
                    with conn.cursor() as cur:
                        if mode == "append":
                            statement = insert_sql(table, columns)
                        elif mode == "overwrite":
                            cur.execute(delete_all_sql(table))
                            statement = insert_sql(table, columns)
                        elif mode == "upsert":
                            statement = upsert_sql(table, columns, config["key_columns"])
                        else:
                            raise ValueError(f"write_mode must be append, overwrite or upsert, not {mode!r}")
                        for batch in batches(df, self.batch_size):
                            cur.executemany(statement, batch)
                    conn.commit()
                except Exception:
                    conn.rollback()
                    raise
            ctx.log_metric("rows_written", len(df), table=table)
            return {}
        except Exception as e:
            ctx.log_event("step_failed", {
                "step_id": step_id,
                "error": str(e),
                "error_type": type(e).__name__,
            })
            raise

    def _validate_config(self, config: dict) -> None:
        for key in ("table", "resolved_connection"):
            if not config.get(key):
                raise ValueError(f"mysql.writer needs config['{key}']")
        if config.get("write_mode") == "upsert" and not config.get("key_columns"):
            raise ValueError("write_mode 'upsert' needs config['key_columns']")

    def _require_df(self, inputs: dict | None) -> None:
        if inputs is None or "df" not in inputs:
            raise ValueError("mysql.writer needs inputs['df'] from an upstream step")
