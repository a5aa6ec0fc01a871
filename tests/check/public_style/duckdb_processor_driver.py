"""DuckDB processor, public Osiris style: SQL over the upstream frames (df_<step>)."""

import logging
from typing import Any

import duckdb
import pandas as pd


class DuckDBProcessorDriver:
    """Runs config['query'] on the input DataFrames registered as tables."""

    def __init__(self):
        self.logger = logging.getLogger(__name__)

    def run(self, step_id: str, config: dict[str, Any], inputs: dict[str, Any] | None,
            ctx: Any) -> dict[str, Any]:
        query = config.get("query", "").strip()
        if not query:
            raise ValueError(f"Step {step_id}: Missing 'query' in config")
        try:
            conn = duckdb.connect(":memory:")
            tables = [key for key, value in (inputs or {}).items()
                      if key.startswith("df_") and isinstance(value, pd.DataFrame)]
            for key in tables:
                conn.register(key, inputs[key])
            self.logger.info(f"Step {step_id}: registered tables {tables}")
            result = conn.execute(query).fetchdf()
            conn.close()
            rows_in = sum(len(inputs[key]) for key in tables)
            if hasattr(ctx, "log_metric"):
                ctx.log_metric("rows_read", rows_in)
                ctx.log_metric("rows_written", len(result))
            return {"df": result}
        except Exception as e:
            self.logger.error(f"Step {step_id}: DuckDB execution failed: {e}")
            raise RuntimeError(f"DuckDB transformation failed: {e}") from e
