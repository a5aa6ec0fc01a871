"""Compliant duckdb extractor, reading through a read-only connection after validating."""

import duckdb
from osiris.core.driver import DriverRegistry
from sql_guard import validate_read_only


class DuckdbReaderExtractorDriver:
    def run(self, *, step_id: str, config: dict, inputs: dict | None = None, ctx=None) -> dict:
        try:
            self._validate_config(config)
            validate_read_only(config["query"])
            with duckdb.connect(config["resolved_connection"]["path"], read_only=True) as conn:
                df = conn.execute(config["query"]).df()
            if ctx is not None:
                ctx.log_metric("rows_read", len(df))
            return {"df": df}
        except Exception as e:
            if ctx is not None:
                ctx.log_event("step_failed", {"step_id": step_id, "error": str(e),
                                              "error_type": type(e).__name__})
            raise

    def _validate_config(self, config: dict) -> None:
        missing = [k for k in ("query", "resolved_connection") if not config.get(k)]
        if missing:
            raise ValueError(f"duckdb.extractor needs config {missing}")


DriverRegistry.register("duckdb.extractor", DuckdbReaderExtractorDriver())
