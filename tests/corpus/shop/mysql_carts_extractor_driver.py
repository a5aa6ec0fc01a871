"""Extracts abandoned carts, incrementally when an upstream step gives a watermark."""

import datetime as dt

import pandas as pd
import pymysql
import pymysql.cursors
from osiris.core.driver import DriverRegistry


class MysqlCartsExtractorDriver:
    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            self._validate_config(config)
            since = inputs.get("watermark") if inputs else None
            since = since or dt.datetime.now() - dt.timedelta(days=config.get("days", 7))
            connection = config["resolved_connection"]
            with pymysql.connect(
                host=connection["host"],
                user=connection["user"],
                password=connection["password"],
                database=connection["database"],
                connect_timeout=10,
                cursorclass=pymysql.cursors.DictCursor,
            ) as conn:
                with conn.cursor() as cur:
                    cur.execute(
                        "SELECT cart_id, customer_id, items, value, updated_at FROM carts "
                        "WHERE status = 'open' AND updated_at >= %s",
                        (since,),
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
        if "resolved_connection" not in config:
            raise ValueError("mysql_carts.extractor needs a connection")


DriverRegistry.register("mysql_carts.extractor", MysqlCartsExtractorDriver())
