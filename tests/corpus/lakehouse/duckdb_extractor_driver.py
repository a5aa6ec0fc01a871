"""Extracts the result of a query over a DuckDB database file."""

import duckdb
from osiris.core.driver import DriverRegistry


class DuckdbExtractorDriver:
    """Opens the database read-only and runs one SELECT checked by DuckDB's own parser."""

    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            cfg = self._validate_config(config)
            query = cfg["query"]
            self._check_read_only(query)
            with duckdb.connect(cfg["database"], read_only=True) as con:
                df = con.sql(query).df()
            if ctx:
                ctx.log_metric("rows_read", len(df))
            return {"df": df}
        except Exception as e:
            if ctx:
                ctx.log_event("step_failed", {
                    "step_id": step_id,
                    "error": str(e),
                    "error_type": type(e).__name__,
                })
            raise

    def _validate_config(self, config: dict) -> dict:
        if not config.get("query"):
            raise ValueError("duckdb.extractor needs config['query']")
        database = config.get("database") or config.get("resolved_connection", {}).get("path")
        if not database:
            raise ValueError("duckdb.extractor needs config['database'] or a connection with a 'path'")
        return {"query": config["query"], "database": database}

    def _check_read_only(self, query: str) -> None:
        for statement in duckdb.extract_statements(query):
            if statement.type != duckdb.StatementType.SELECT:
                raise ValueError(f"duckdb.extractor only runs SELECT statements, not {statement.type.name}")


DriverRegistry.register("duckdb.extractor", DuckdbExtractorDriver())
