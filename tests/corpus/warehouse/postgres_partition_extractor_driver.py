"""Extracts one day of events from the partitioned ``events`` table."""

import datetime as dt
from typing import Any

import pandas as pd
import psycopg
from osiris.core.driver import DriverRegistry


class PostgresPartitionExtractorDriver:
    """Stages the day's partition in a temporary table, then reads it in id order."""

    def run(self, step_id: str, config: dict, inputs: dict | None, ctx: Any) -> dict:
        try:
            day = self._validate_config(config)
            connection = config["resolved_connection"]
            with psycopg.connect(
                host=connection["host"],
                dbname=connection["database"],
                user=connection["user"],
                password=connection["password"],
                connect_timeout=10,
            ) as conn:
                with conn.cursor() as cur:
                    cur.execute("SELECT 1; DROP TABLE IF EXISTS partition_scan")
                    cur.execute("CREATE TEMP TABLE partition_scan AS SELECT id, kind, payload, occurred_at "
                                "FROM events WHERE occurred_at >= %s AND occurred_at < %s",
                                (day, day + dt.timedelta(days=1)))
                    cur.execute("SELECT id, kind, payload, occurred_at FROM partition_scan ORDER BY id")
                    df = pd.DataFrame(cur.fetchall(), columns=["id", "kind", "payload", "occurred_at"])
            ctx.log_metric("rows_read", len(df), partition=day.isoformat())
            return {"df": df}
        except Exception as e:
            ctx.log_event("step_failed", {
                "step_id": step_id,
                "error": str(e),
                "error_type": type(e).__name__,
            })
            raise

    def _validate_config(self, config: dict) -> dt.date:
        if "resolved_connection" not in config:
            raise ValueError("postgres_partition.extractor needs a connection")
        try:
            return dt.date.fromisoformat(config["day"])
        except (KeyError, ValueError) as exc:
            raise ValueError("config['day'] must be a date such as '2024-03-01'") from exc


DriverRegistry.register("postgres_partition.extractor", PostgresPartitionExtractorDriver())
