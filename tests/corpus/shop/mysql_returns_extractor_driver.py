"""Extracts the parcels returned to one warehouse (PyMySQL)."""

import pandas as pd
import pymysql
import pymysql.cursors
from osiris.core.driver import DriverRegistry


class MysqlReturnsExtractorDriver:
    def run(self, step_id: str, config: dict, inputs: dict | None = None, ctx=None) -> dict:
        try:
            cfg = self._validate_config(config)
            connection = cfg["connection"]
            with pymysql.connect(
                host=connection["host"],
                user=connection["user"],
                password=connection["password"],
                database=connection["database"],
                connect_timeout=5,
                read_timeout=120,
                cursorclass=pymysql.cursors.DictCursor,
            ) as conn:
                with conn.cursor() as cur:
                    try:
                        cur.execute(
                            "SELECT return_id, order_id, sku, reason, received_at FROM returns "
                            "WHERE warehouse_id = %(warehouse)s AND received_at >= %(since)s",
                            {"warehouse": cfg["warehouse"], "since": cfg["since"]},
                        )
                    except pymysql.err.ProgrammingError as exc:
                        raise LookupError("The returns table is missing: has the shop schema been migrated?") from exc
                    df = pd.DataFrame(cur.fetchall())
            ctx.log_metric("rows_read", len(df), warehouse=cfg["warehouse"])
            return {"df": df}
        except Exception as e:
            ctx.log_event("step_failed", {
                "step_id": step_id,
                "error": str(e),
                "error_type": type(e).__name__,
            })
            raise

    def _validate_config(self, config: dict) -> dict:
        if "resolved_connection" not in config or not config.get("warehouse"):
            raise ValueError("mysql_returns.extractor needs config['warehouse'] and a connection")
        return {
            "connection": config["resolved_connection"],
            "warehouse": config["warehouse"],
            "since": config.get("since", "1970-01-01"),
        }


DriverRegistry.register("mysql_returns.extractor", MysqlReturnsExtractorDriver())
