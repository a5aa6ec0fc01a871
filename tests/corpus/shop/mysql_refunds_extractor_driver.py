"""Extracts refunds issued in a date range (PyMySQL)."""

import logging

import pandas as pd
import pymysql
import pymysql.cursors
from osiris.core.driver import DriverRegistry

logger = logging.getLogger(__name__)


class MysqlRefundsExtractorDriver:
    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            self._validate_config(config)
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
                        "SELECT refund_id, order_id, amount, reason, issued_at FROM refunds "
                        "WHERE issued_at >= %s AND issued_at < %s",
                        (config["start"], config["end"]),
                    )
                    df = pd.DataFrame(cur.fetchall())
            ctx.log_metric("rows_read", len(df))
            return {"df": df}
        except Exception:
            logger.exception("step %s: reading refunds failed", step_id)
            raise

    def _validate_config(self, config: dict) -> None:
        missing = [key for key in ("start", "end", "resolved_connection") if key not in config]
        if missing:
            raise ValueError(f"mysql_refunds.extractor needs config {missing}")


DriverRegistry.register("mysql_refunds.extractor", MysqlRefundsExtractorDriver())
