"""Extracts the daily product metrics that arrived since the last watermark."""

import datetime as dt
from typing import Any

import pandas as pd
import psycopg
from osiris.core.driver import DriverRegistry

COLUMNS = ["day", "product_id", "views", "orders", "revenue"]


class PostgresMetricsExtractorDriver:
    def run(self, step_id: str, config: dict, inputs: dict | None, ctx: Any) -> dict:
        try:
            cfg = self._validate_config(config)
            if cfg["since"] >= dt.date.today():
                # Nothing can have arrived yet: skip the round trip to the database.
                return {"df": pd.DataFrame(columns=COLUMNS)}
            connection = cfg["connection"]
            with psycopg.connect(
                host=connection["host"],
                dbname=connection["database"],
                user=connection["user"],
                password=connection["password"],
                connect_timeout=cfg["connect_timeout"],
            ) as conn:
                with conn.cursor() as cur:
                    cur.execute(
                        "SELECT day, product_id, views, orders, revenue FROM product_daily_metrics "
                        "WHERE day >= %s ORDER BY day, product_id",
                        (cfg["since"],),
                    )
                    df = pd.DataFrame(cur.fetchall(), columns=COLUMNS)
            ctx.log_metric("rows_read", len(df))
            return {"df": df}
        except Exception as e:
            ctx.log_event("step_failed", {
                "step_id": step_id,
                "error": str(e),
                "error_type": type(e).__name__,
            })
            raise

    def _validate_config(self, config: dict) -> dict:
        if "resolved_connection" not in config:
            raise ValueError("postgres_metrics.extractor needs a connection")
        return {
            "since": dt.date.fromisoformat(config.get("since", "1970-01-01")),
            "connection": config["resolved_connection"],
            "connect_timeout": int(config.get("connect_timeout", 10)),
        }


DriverRegistry.register("postgres_metrics.extractor", PostgresMetricsExtractorDriver())
