"""Extracts events from the DuckDB event store with a query from the config."""

import duckdb
from osiris.core.driver import DriverRegistry


class DuckdbEventsExtractorDriver:
    """Builds the relation first (``con.sql`` runs the statement) and checks it afterwards."""

    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            cfg = self._validate_config(config)
            with duckdb.connect(cfg["database"], read_only=True) as con:
                relation = con.sql(cfg["query"])
                self._check_read_only(cfg["query"])
                df = relation.df()
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
        missing = [key for key in ("database", "query") if not config.get(key)]
        if missing:
            raise ValueError(f"duckdb_events.extractor needs config {missing}")
        return {"database": config["database"], "query": config["query"]}

    def _check_read_only(self, query: str) -> None:
        for statement in duckdb.extract_statements(query):
            if statement.type != duckdb.StatementType.SELECT:
                raise ValueError(f"Only SELECT statements may run here, not {statement.type.name}")


DriverRegistry.register("duckdb_events.extractor", DuckdbEventsExtractorDriver())
