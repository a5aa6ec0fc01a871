"""Transforms the upstream DataFrame with a DuckDB SQL statement from the config.

The frame is visible to the statement as the view ``source``, e.g.
``SELECT country, sum(total) AS revenue FROM source GROUP BY country``.
"""

import duckdb
from osiris.core.driver import DriverRegistry as Registry


class SqlTransformerDriver:
    def run(self, step_id: str, config: dict, inputs: dict | None, ctx) -> dict:
        try:
            cfg = self._validate_config(config)
            self._require_df(inputs)
            with duckdb.connect() as con:
                con.register("source", inputs["df"])
                result = con.sql(cfg["sql"]).df()
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
        statement = config.get("sql")
        if not isinstance(statement, str) or not statement.strip():
            raise ValueError("sql.transformer needs config['sql']: a SELECT over the view 'source'")
        return {"sql": statement}

    def _require_df(self, inputs: dict | None) -> None:
        if inputs is None or "df" not in inputs:
            raise ValueError("sql.transformer needs inputs['df'] from an upstream step")


Registry.register("sql.transformer", SqlTransformerDriver())
