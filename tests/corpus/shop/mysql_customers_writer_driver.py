"""Writes customer records into the shop database (PyMySQL)."""

import pymysql
from osiris.core.driver import DriverRegistry

from .statements import delete_all_sql, insert_sql, upsert_sql


class MysqlCustomersWriterDriver:
    """Commits after the last statement, but nothing rolls back a failed batch."""

    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            self._validate_config(config)
            if inputs is None or "df" not in inputs:
                raise ValueError("mysql_customers.writer needs inputs['df']")
            df = inputs["df"]
            columns = list(df.columns)
            rows = list(df.itertuples(index=False, name=None))
            connection = config["resolved_connection"]
            conn = pymysql.connect(
                host=connection["host"],
                user=connection["user"],
                password=connection["password"],
                database=connection["database"],
                connect_timeout=10,
            )
            try:
                with conn.cursor() as cur:
                    match config.get("write_mode", "append"):
                        case "append":
                            cur.executemany(insert_sql("customers", columns), rows)
                        case "overwrite":
                            cur.execute(delete_all_sql("customers"))
                            cur.executemany(insert_sql("customers", columns), rows)
                        case "upsert":
                            cur.executemany(upsert_sql("customers", columns, config["key_columns"]), rows)
                        case _:
                            raise ValueError(f"Unknown write_mode {config.get('write_mode')!r}")
                conn.commit()
            finally:
                conn.close()
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
        if "resolved_connection" not in config:
            raise ValueError("mysql_customers.writer needs a connection")


DriverRegistry.register("mysql_customers.writer", MysqlCustomersWriterDriver())
