"""Extracts the result of a read-only query from PostgreSQL (psycopg 3)."""

from __future__ import annotations

import logging
from typing import Any

import pandas as pd
import psycopg

from .sql_guard import validate_read_only

logger = logging.getLogger(__name__)

DEFAULT_CONNECT_TIMEOUT = 10
REQUIRED_CONNECTION_KEYS = ("host", "database", "user", "password")


class PostgresExtractorDriver:
    """Runs one SELECT in a read-only transaction and returns its rows.

    Registered as ``postgres.extractor`` by the package's ``__init__.py``.
    """

    def run(self, *, step_id: str, config: dict, inputs: dict | None = None, ctx: Any = None) -> dict:
        try:
            cfg = self._validate_config(config)
            query = cfg["query"]
            validate_read_only(query)
            connection = cfg["connection"]
            with psycopg.connect(
                host=connection["host"],
                port=connection.get("port", 5432),
                dbname=connection["database"],
                user=connection["user"],
                password=connection["password"],
                connect_timeout=cfg["connect_timeout"],
                application_name=f"osiris-{step_id}",
            ) as conn:
                with conn.cursor() as cur:
                    cur.execute("SET TRANSACTION READ ONLY")
                    cur.execute(query, cfg["params"])
                    columns = [column.name for column in cur.description]
                    df = pd.DataFrame(cur.fetchall(), columns=columns)
            logger.info("step %s read %d rows from %s", step_id, len(df), connection["host"])
            self._emit_metrics(ctx, df)
            return {"df": df}
        except Exception as e:
            ctx.log_event("step_failed", {
                "step_id": step_id,
                "error": str(e),
                "error_type": type(e).__name__,
            })
            raise

    def _validate_config(self, config: dict) -> dict:
        if not config.get("query"):
            raise ValueError("postgres.extractor needs config['query']: the SELECT to run")
        connection = config.get("resolved_connection")
        if not connection:
            raise ValueError("postgres.extractor needs a connection: set config['connection'] to '@postgres.<alias>'")
        missing = [key for key in REQUIRED_CONNECTION_KEYS if key not in connection]
        if missing:
            raise ValueError(f"The postgres connection lacks the settings {', '.join(missing)}")
        return {
            "query": config["query"],
            "params": config.get("params") or {},
            "connection": connection,
            "connect_timeout": int(config.get("connect_timeout", DEFAULT_CONNECT_TIMEOUT)),
        }

    def _emit_metrics(self, ctx: Any, df: pd.DataFrame) -> None:
        ctx.log_metric("rows_read", len(df))
        ctx.log_metric("columns_read", len(df.columns))
