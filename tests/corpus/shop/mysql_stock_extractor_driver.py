"""Extracts the stock of every warehouse from MySQL (PyMySQL)."""

import pandas as pd
import pymysql
from osiris.core.driver import DriverRegistry

COLUMNS = ["warehouse_id", "sku", "on_hand", "reserved", "counted_at"]


class MysqlStockExtractorDriver:
    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            self._validate_config(config)
            connection = config["resolved_connection"]
            conn = pymysql.connect(
                host=connection["host"],
                user=connection["user"],
                password=connection["password"],
                database=connection["database"],
                connect_timeout=10,
            )
            cur = conn.cursor()
            cur.execute("SELECT warehouse_id, sku, on_hand, reserved, counted_at FROM stock")
            df = pd.DataFrame(cur.fetchall(), columns=COLUMNS)
            cur.close()
            conn.close()
            ctx.log_metric("rows_read", len(df))
            return {"df": df}
        except Exception as e:
            ctx.log_event("step_failed", {
                "step_id": step_id,
                "error": str(e),
                "error_type": type(e).__name__,
            })
            raise

    def _validate_config(self, config: dict) -> None:
        if "resolved_connection" not in config:
            raise ValueError("mysql_stock.extractor needs a connection")


DriverRegistry.register("mysql_stock.extractor", MysqlStockExtractorDriver())
