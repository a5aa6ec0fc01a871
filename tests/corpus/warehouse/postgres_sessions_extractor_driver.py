"""Extracts web sessions, closing the connection whatever happens."""

from typing import Any

import pandas as pd
import psycopg
from osiris.core.driver import DriverRegistry


class PostgresSessionsExtractorDriver:
    def run(self, step_id: str, config: dict, inputs: dict | None, ctx: Any) -> dict:
        conn = None
        try:
            self._validate_config(config)
            connection = config["resolved_connection"]
            conn = psycopg.connect(
                host=connection["host"],
                dbname=connection["database"],
                user=connection["user"],
                password=connection["password"],
                connect_timeout=10,
            )
            with conn.cursor() as cur:
                cur.execute(
                    "SELECT session_id, user_id, started_at, ended_at, pages FROM web_sessions "
                    "WHERE started_at >= %s",
                    (config["since"],),
                )
                df = pd.DataFrame(cur.fetchall(), columns=["session_id", "user_id", "started_at", "ended_at", "pages"])
            ctx.log_metric("rows_read", len(df))
            return {"df": df}
        except Exception as e:
            ctx.log_event("step_failed", {
                "step_id": step_id,
                "error": str(e),
                "error_type": type(e).__name__,
            })
            raise
        finally:
            if conn is not None:
                conn.close()

    def _validate_config(self, config: dict) -> None:
        if not config.get("since"):
            raise ValueError("postgres_sessions.extractor needs config['since']")
        if "resolved_connection" not in config:
            raise ValueError("postgres_sessions.extractor needs a connection")


DriverRegistry.register("postgres_sessions.extractor", PostgresSessionsExtractorDriver())
