"""Extracts tracking events of one kind from PostgreSQL."""

from typing import Any

import pandas as pd
import psycopg
from osiris.core.driver import DriverRegistry


class PostgresEventsExtractorDriver:
    """``options`` was added for a notebook that calls ``run`` directly; the runner never passes it."""

    def run(self, step_id: str, config: dict, inputs: dict | None, ctx: Any, options: dict) -> dict:
        try:
            self._validate_config(config)
            limit = options.get("limit", 100_000)
            connection = config["resolved_connection"]
            with psycopg.connect(
                host=connection["host"],
                dbname=connection["database"],
                user=connection["user"],
                password=connection["password"],
                connect_timeout=10,
            ) as conn:
                with conn.cursor() as cur:
                    cur.execute(
                        "SELECT id, kind, user_id, occurred_at FROM tracking_events "
                        "WHERE kind = %s ORDER BY occurred_at DESC LIMIT %s",
                        (config["kind"], limit),
                    )
                    df = pd.DataFrame(cur.fetchall(), columns=["id", "kind", "user_id", "occurred_at"])
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
        if not config.get("kind"):
            raise ValueError("postgres_events.extractor needs config['kind']")
        if "resolved_connection" not in config:
            raise ValueError("postgres_events.extractor needs a connection")


DriverRegistry.register("postgres_events.extractor", PostgresEventsExtractorDriver())
