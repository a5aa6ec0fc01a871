"""Pivots the upstream DataFrame with DuckDB's PIVOT statement."""

import duckdb
from osiris.core.driver import DriverRegistry


class PivotTransformerDriver:
    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            cfg = self._validate_config(config)
            if inputs is None or "df" not in inputs:
                raise ValueError("pivot.transformer needs inputs['df']")
            with duckdb.connect() as con:
                con.register("source", inputs["df"])
                result = con.sql("PIVOT source ON {} USING sum({}) GROUP BY {}".format(cfg["on"], cfg["value"], cfg["group_by"])).df()
            ctx.log_metric("rows_processed", len(result))
            return {"df": result}
        except Exception as e:
            ctx.log_event("step_failed", {
                "step_id": step_id,
                "error": str(e),
                "error_type": type(e).__name__,
            })
            raise

    def _validate_config(self, config: dict) -> dict:
        missing = [key for key in ("on", "value", "group_by") if not config.get(key)]
        if missing:
            raise ValueError(f"pivot.transformer needs config {missing}")
        return {"on": config["on"], "value": config["value"], "group_by": config["group_by"]}


DriverRegistry.register("pivot.transformer", PivotTransformerDriver())
