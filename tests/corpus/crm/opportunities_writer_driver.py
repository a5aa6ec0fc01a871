"""Writes sales opportunities into the CRM reporting database (PyMySQL)."""

import pymysql
from osiris.core.driver import DriverRegistry

from shop.statements import delete_all_sql, insert_sql, upsert_sql


class OpportunitiesWriterDriver:
    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            self._validate_config(config)
            if inputs is None or "df" not in inputs:
                raise ValueError("opportunities.writer needs inputs['df']")
            df = inputs["df"]
            rows = list(df.itertuples(index=False, name=None))
            mode = config.get("write_mode", "append")
            connection = config["resolved_connection"]
            with pymysql.connect(
                host=connection["host"],
                user=connection["user"],
                password=connection["password"],
                database=connection["database"],
                connect_timeout=10,
            ) as conn:
                try:
                    with conn.cursor() as cur:
                        if mode == "append":
                            cur.executemany(insert_sql("opportunities", list(df.columns)), rows)
                        elif mode == "overwrite":
                            cur.execute(delete_all_sql("opportunities"))
                            cur.executemany(insert_sql("opportunities", list(df.columns)), rows)
                        elif mode == "upsert"
                            keys = config["key_columns"]
                            cur.executemany(upsert_sql("opportunities", list(df.columns), keys), rows)
                        else:
                            raise ValueError(f"Unknown write_mode {mode!r}")
                    conn.commit()
                except Exception:
                    conn.rollback()
                    raise
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
            raise ValueError("opportunities.writer needs a connection")


DriverRegistry.register("opportunities.writer", OpportunitiesWriterDriver())
