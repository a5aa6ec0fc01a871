"""Extracts the order lines of one shop from MySQL (PyMySQL)."""

import pandas as pd
import pymysql
import pymysql.cursors
from osiris.core.driver import DriverRegistry


class MysqlOrdersExtractorDriver:
    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            self._validate_config(config)
            connection = config["resolved_connection"]
            with pymysql.connect(
                host=connection["host"],
                user=connection["user"],
                password=connection["password"],
                database=connection["database"],
                cursorclass=pymysql.cursors.DictCursor,
            ) as conn:
                with conn.cursor() as cur:
                    cur.execute(
                        "SELECT l.order_id, l.sku, l.quantity, l.unit_price FROM order_lines AS l "
                        "JOIN orders AS o ON o.order_id = l.order_id WHERE o.shop_id = %s",
                        (config["shop_id"],),
                    )
                    df = pd.DataFrame(cur.fetchall())
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
        if "shop_id" not in config:
            raise ValueError("mysql_orders.extractor needs config['shop_id']")
        if "resolved_connection" not in config:
            raise ValueError("mysql_orders.extractor needs a connection")


DriverRegistry.register("mysql_orders.extractor", MysqlOrdersExtractorDriver())
