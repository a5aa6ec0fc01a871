"""Extracts a snapshot of the customers dimension through SQLAlchemy."""

import logging

import pandas as pd
import sqlalchemy as sa
from osiris.core.driver import DriverRegistry as Registry

from .masking import mask_url

logger = logging.getLogger(__name__)


class PostgresSnapshotExtractorDriver:
    """Reads every live customer; the connection gives a full SQLAlchemy URL."""

    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            cfg = self._validate_config(config)
            logger.info("step %s: customers snapshot from %s", step_id, mask_url(cfg["url"]))
            engine = sa.create_engine(
                cfg["url"],
                connect_args={"connect_timeout": cfg["connect_timeout"]},
                pool_pre_ping=True,
            )
            try:
                with engine.connect() as conn:
                    df = pd.read_sql_query(
                        """
                        SELECT customer_id,
                               updated_at,
                               created_by,  -- drop later, once the audit columns move out
                               REPLACE(name, '  ', ' ') AS name,
                               country
                          FROM customers
                         WHERE deleted_at IS NULL
                        """,
                        conn,
                    )
            finally:
                engine.dispose()
            result = {"df": df}
            ctx.log_metric("rows_read", len(df), table="customers")
            return result
        except Exception as e:
            ctx.log_event("step_failed", {
                "step_id": step_id,
                "error": str(e),
                "error_type": type(e).__name__,
            })
            raise

    def _validate_config(self, config: dict) -> dict:
        connection = config.get("resolved_connection") or {}
        if not connection.get("url"):
            raise ValueError("postgres_snapshot.extractor needs a connection with a 'url'")
        return {"url": connection["url"], "connect_timeout": int(config.get("connect_timeout", 10))}


Registry.register("postgres_snapshot.extractor", PostgresSnapshotExtractorDriver())
