"""Extracts card-scheme settlements from the payments warehouse (SQLAlchemy)."""

import pandas as pd
import sqlalchemy as sa
from osiris.core.driver import DriverRegistry


class SettlementsExtractorDriver:
    """``pool_timeout`` only bounds the wait for a pooled connection, not the connect itself,
    and the engine (with its pool) outlives the run."""

    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            self._validate_config(config)
            engine = sa.create_engine(config["resolved_connection"]["url"], pool_size=2, pool_timeout=30)
            with engine.connect() as conn:
                df = pd.read_sql_query(
                    "SELECT settlement_id, scheme, amount, fee, settled_on FROM settlements "
                    "WHERE settled_on BETWEEN %(start)s AND %(end)s",
                    conn,
                    params={"start": config["start"], "end": config["end"]},
                )
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
        missing = [key for key in ("start", "end") if not config.get(key)]
        if missing or not (config.get("resolved_connection") or {}).get("url"):
            raise ValueError("settlements.extractor needs config['start'], config['end'] and a connection 'url'")


DriverRegistry.register("settlements.extractor", SettlementsExtractorDriver())
