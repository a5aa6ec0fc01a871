"""Writes price lists into per-currency tables (PyMySQL)."""

import pymysql
from osiris.core.driver import DriverRegistry


class MysqlPricesWriterDriver:
    """One table per price list; its name and the columns are pasted into the SQL."""

    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            self._validate_config(config)
            if inputs is None or "df" not in inputs:
                raise ValueError("mysql_prices.writer needs inputs['df']")
            df = inputs["df"]
            table = config["table"]
            rows = list(df.itertuples(index=False, name=None))
            placeholders = ", ".join(["%s"] * len(df.columns))
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
                            verb = "INSERT"
                        elif mode == "overwrite":
                            cur.execute("DELETE FROM %s" % table)
                            verb = "INSERT"
                        elif mode == "upsert":
                            if not config.get("key_columns"):
                                raise ValueError("write_mode 'upsert' needs config['key_columns']")
                            verb = "REPLACE"
                        else:
                            raise ValueError(f"Unknown write_mode {mode!r}")
                        cur.executemany(verb + " INTO " + table + " (" + ", ".join(df.columns) + ") VALUES (" + placeholders + ")", rows)
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
        if not config.get("table"):
            raise ValueError("mysql_prices.writer needs config['table'], e.g. 'prices_eur'")
        if "resolved_connection" not in config:
            raise ValueError("mysql_prices.writer needs a connection")


DriverRegistry.register("mysql_prices.writer", MysqlPricesWriterDriver())
